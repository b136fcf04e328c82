package main

import (
	"container/heap"
	"math"
	"slices"
)

// maxRanked bounds the rows --sort holds without -n: a window larger than
// this is better ranked with -n or --worst, which hold only N.
const maxRanked = 100_000

// ranking keeps records by rank, worst (highest) first: the keep worst in a
// heap of keep (constant memory), or all of them up to maxRanked when keep
// is 0. Equal ranks keep the order in which they came.
type ranking[T any] struct {
	keep int
	h    rankHeap[T]
	seq  int
	// measured counts the calls that had the key: none means the order
	// is Twilio's, which the user should be told.
	measured int
}

type ranked[T any] struct {
	rank float64
	seq  int
	rec  T
}

func newRanking[T any](keep int) *ranking[T] { return &ranking[T]{keep: keep} }

func (r *ranking[T]) add(rank float64, rec T) error {
	r.seq++
	if !math.IsInf(rank, -1) {
		r.measured++
	}
	item := ranked[T]{rank: rank, seq: r.seq, rec: rec}
	switch {
	case r.keep == 0 && len(r.h) == maxRanked:
		return usagef("--sort ranks every call of the window and there are more than %d: add -n N (or --worst N) to keep only the N worst, or narrow the window", maxRanked)
	case r.keep == 0 || len(r.h) < r.keep:
		heap.Push(&r.h, item)
	case better(r.h[0], item):
		r.h[0] = item // the least bad kept is better than this one: replace it
		heap.Fix(&r.h, 0)
	}
	return nil
}

// worstFirst returns the records kept, worst first.
func (r *ranking[T]) worstFirst() []T {
	items := slices.Clone(r.h)
	slices.SortFunc(items, func(a, b ranked[T]) int {
		switch {
		case better(b, a):
			return -1
		case better(a, b):
			return 1
		}
		return 0
	})
	out := make([]T, len(items))
	for i, it := range items {
		out[i] = it.rec
	}
	return out
}

// better reports that a ranks after b: a lower rank, or the same rank
// arrived later.
func better[T any](a, b ranked[T]) bool {
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	return a.seq > b.seq
}

// rankHeap is a min-heap by better: its root is the least bad record kept.
type rankHeap[T any] []ranked[T]

func (h rankHeap[T]) Len() int           { return len(h) }
func (h rankHeap[T]) Less(i, j int) bool { return better(h[i], h[j]) }
func (h rankHeap[T]) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *rankHeap[T]) Push(x any)        { *h = append(*h, x.(ranked[T])) }
func (h *rankHeap[T]) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
