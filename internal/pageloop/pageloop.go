// Package pageloop ends a walk over linked pages whose links loop: a
// server, or a proxy, that sends a next page already seen (A→B→A), or an
// endless run of empty pages each with a new link. Both the client's
// listing and fleet's resumable export follow next_page_url with it.
package pageloop

import (
	"fmt"
	"hash/fnv"
)

// MaxEmptyPages is how many pages in a row may hold no item yet link
// onward: a list's last pages can be empty, an endless run of them is a
// server that loops, and yields nothing a consumer could stop on.
const MaxEmptyPages = 5

// Guard remembers a hash of every page address seen (8 bytes a page) and
// counts the empty pages in a row. The zero Guard is ready.
type Guard struct {
	seen  map[uint64]struct{}
	empty int
}

// Check records a page: self is its own address (may be ""), cursor the
// address it was fetched by, next its link onward (not ""), items how many
// it held. A reason that is not "" says why the walk must stop; callers
// type it with their own sentinel error.
func (g *Guard) Check(self, cursor, next string, items int) (reason string) {
	if g.seen == nil {
		g.seen = make(map[uint64]struct{})
	}
	for _, u := range []string{self, cursor} {
		if u != "" {
			g.seen[hash(u)] = struct{}{}
		}
	}
	if _, ok := g.seen[hash(next)]; ok {
		return "next_page_url leads to a page already listed"
	}
	if items > 0 {
		g.empty = 0
		return ""
	}
	if g.empty++; g.empty >= MaxEmptyPages {
		return fmt.Sprintf("%d pages in a row held no summary, yet linked onward", g.empty)
	}
	return ""
}

func hash(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}
