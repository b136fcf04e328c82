package pageloop

import (
	"fmt"
	"strings"
	"testing"
)

func TestGuard(t *testing.T) {
	item := func(s string) [][]byte { return [][]byte{[]byte(s)} }
	for _, tt := range []struct {
		name  string
		pages func(n int) (self, next string, items [][]byte)
		stop  int // the page at which Check gives a reason; 0: never in 1000
		want  string
	}{
		{"a listing that ends", func(n int) (string, string, [][]byte) {
			return fmt.Sprint("p", n), fmt.Sprint("p", n+1), item(fmt.Sprint("call", n))
		}, 0, ""},
		{"A→B→A", func(n int) (string, string, [][]byte) {
			return fmt.Sprint("p", n%2), fmt.Sprint("p", (n+1)%2), item(fmt.Sprint("call", n))
		}, 2, "already listed"},
		{"empty pages with new tokens", func(n int) (string, string, [][]byte) {
			return fmt.Sprint("p", n), fmt.Sprint("p", n+1), nil
		}, MaxEmptyPages, "held no summary"},
		{"the same items under new links", func(n int) (string, string, [][]byte) {
			return fmt.Sprint("p&x=", n), fmt.Sprint("p&x=", n+1), [][]byte{[]byte("a"), []byte("b")}
		}, 1 + MaxEmptyPages, "only summaries already listed"},
		{"a few empty pages, then items", func(n int) (string, string, [][]byte) {
			if n%MaxEmptyPages == 0 {
				return fmt.Sprint("p", n), fmt.Sprint("p", n+1), item(fmt.Sprint("call", n))
			}
			return fmt.Sprint("p", n), fmt.Sprint("p", n+1), nil
		}, 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var g Guard
			cursor := ""
			for n := 1; n <= 1000; n++ {
				self, next, items := tt.pages(n)
				why := g.Check(self, cursor, next, items)
				if why != "" {
					if n != tt.stop || !strings.Contains(why, tt.want) {
						t.Fatalf("stopped at page %d: %s; want page %d and %q", n, why, tt.stop, tt.want)
					}
					return
				}
				cursor = next
			}
			if tt.stop != 0 {
				t.Fatalf("never stopped; want page %d", tt.stop)
			}
			if len(g.pages) > recentPages {
				t.Errorf("%d pages of items remembered", len(g.pages))
			}
		})
	}
}
