// Package pageloop ends a walk over linked pages whose links loop: a
// server, or a proxy, that sends a next page already seen (A→B→A), an
// endless run of empty pages each with a new link, or the same items again
// and again under links that differ. Both the client's listing and fleet's
// resumable export follow next_page_url with it.
package pageloop

import (
	"fmt"
	"hash/fnv"
)

// MaxEmptyPages is how many pages in a row may bring nothing new (no item,
// or only items of the pages just before) yet link onward: a list's last
// pages can be empty, an endless run of them is a server that loops, and
// yields nothing a consumer could stop on.
const MaxEmptyPages = 5

// recentPages is how many pages' items a Guard remembers: enough to see a
// page served again, bounded whatever the length of the listing.
const recentPages = 8

// ItemKey is what tells items apart for Check: the call's SID when it has
// one, else the item's bytes. A summary served again with one value
// changed is the same call again: a server that repeats its calls under
// new links, varying a byte each time, still brings nothing new.
func ItemKey(callSID string, raw []byte) []byte {
	if callSID != "" {
		return []byte("sid:" + callSID)
	}
	return raw
}

// Guard remembers a hash of every page address seen (8 bytes a page), the
// items of the last few pages, and counts the pages in a row that brought
// nothing new. The zero Guard is ready.
type Guard struct {
	seen   map[uint64]struct{}
	recent map[uint64]int // item hash → how many of the recent pages hold it
	pages  [][]uint64     // the recent pages' item hashes, oldest first
	empty  int
}

// Check records a page: self is its own address (may be ""), cursor the
// address it was fetched by, next its link onward (not ""), items the bytes
// of each of its items. A reason that is not "" says why the walk must
// stop; callers type it with their own sentinel error.
func (g *Guard) Check(self, cursor, next string, items [][]byte) (reason string) {
	if g.seen == nil {
		g.seen = make(map[uint64]struct{})
		g.recent = make(map[uint64]int)
	}
	for _, u := range []string{self, cursor} {
		if u != "" {
			g.seen[hash([]byte(u))] = struct{}{}
		}
	}
	if _, ok := g.seen[hash([]byte(next))]; ok {
		return "next_page_url leads to a page already listed"
	}
	fresh := 0
	hashes := make([]uint64, len(items))
	for i, it := range items {
		hashes[i] = hash(it)
		if g.recent[hashes[i]] == 0 {
			fresh++
		}
	}
	g.remember(hashes)
	if fresh > 0 {
		g.empty = 0
		return ""
	}
	if g.empty++; g.empty >= MaxEmptyPages {
		if len(items) == 0 {
			return fmt.Sprintf("%d pages in a row held no summary, yet linked onward", g.empty)
		}
		return fmt.Sprintf("%d pages in a row held only summaries already listed, yet linked onward", g.empty)
	}
	return ""
}

func (g *Guard) remember(hashes []uint64) {
	g.pages = append(g.pages, hashes)
	for _, h := range hashes {
		g.recent[h]++
	}
	if len(g.pages) > recentPages {
		for _, h := range g.pages[0] {
			if g.recent[h]--; g.recent[h] == 0 {
				delete(g.recent, h)
			}
		}
		g.pages = g.pages[1:]
	}
}

func hash(b []byte) uint64 {
	h := fnv.New64a()
	_, _ = h.Write(b)
	return h.Sum64()
}
