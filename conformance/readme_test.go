package conformance_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The README's Go blocks are fragments of this package's Examples, which
// compile and run: every line of a block other than an elision ("// ...")
// must appear, in the block's order, in one Example file.
func TestREADMEFragmentsAreCompiledExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("example*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no example files")
	}
	var examples [][]string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		examples = append(examples, trimmedLines(b))
	}
	blocks := goBlocks(readme)
	if len(blocks) == 0 {
		t.Fatal("README.md has no ```go block")
	}
	for i, block := range blocks {
		found := false
		for _, ex := range examples {
			if inOrder(block, ex) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("README.md Go block %d is not a fragment of any example*_test.go, in order:\n%s", i+1, strings.Join(block, "\n"))
		}
	}
}

func goBlocks(md []byte) [][]string {
	var blocks [][]string
	var cur []string
	in := false
	sc := bufio.NewScanner(bytes.NewReader(md))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !in && line == "```go":
			in, cur = true, nil
		case in && line == "```":
			in = false
			blocks = append(blocks, cur)
		case in:
			if l := strings.TrimSpace(line); l != "" && l != "// ..." {
				cur = append(cur, l)
			}
		}
	}
	return blocks
}

func trimmedLines(src []byte) []string {
	var out []string
	for l := range strings.SplitSeq(string(src), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// inOrder reports whether want is a subsequence of have.
func inOrder(want, have []string) bool {
	i := 0
	for _, l := range have {
		if i < len(want) && l == want[i] {
			i++
		}
	}
	return i == len(want)
}
