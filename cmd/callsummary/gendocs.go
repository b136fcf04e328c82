//go:build gendocs

// The reference in docs/cli is generated from the command tree, so that it
// cannot drift from --help: `go generate ./...` (make generate) runs
//
//	go run -tags gendocs . DIR
//
// which writes one Markdown page per command into DIR, removing pages of
// commands that are gone; make check-generated fails when they differ from
// what is committed. The tag keeps cobra's doc package, and what it
// imports, out of the command itself.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run -tags gendocs . DIR")
		os.Exit(2)
	}
	if err := writeDocs(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func writeDocs(dir string) error {
	// An environment of its own: the reference must not depend on the
	// generating machine's.
	e := &env{stdin: strings.NewReader(""), stdout: &outWriter{w: io.Discard}, stderr: io.Discard, getenv: func(string) string { return "" }}
	root := newRootCmd(e)
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	var visit func(c *cobra.Command)
	visit = func(c *cobra.Command) {
		c.DisableAutoGenTag = true // no date: the same tree gives the same files
		for _, sub := range c.Commands() {
			visit(sub)
		}
	}
	visit(root)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return err
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	if err := doc.GenMarkdownTree(root, dir); err != nil {
		return err
	}
	// The tree leaves out help topics (fail-if, the threshold grammar):
	// each gets its page here, named as the tree would name it.
	for _, c := range root.Commands() {
		if !c.IsAdditionalHelpTopicCommand() {
			continue
		}
		f, err := os.Create(filepath.Join(dir, strings.ReplaceAll(c.CommandPath(), " ", "_")+".md"))
		if err != nil {
			return err
		}
		if err := doc.GenMarkdown(c, f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}
