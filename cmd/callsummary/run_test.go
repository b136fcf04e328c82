package main

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

func TestRunUsage(t *testing.T) {
	cases := []struct {
		args   []string
		code   int
		stdout string // a substring; "" means empty
		stderr string
	}{
		{nil, exitUsage, "", "callsummary: missing command: try 'callsummary fetch --sandbox CA62608e08adc29a8d6dbc9754e659f125', or 'callsummary --help'\nRun 'callsummary --help' for usage.\n"},
		{[]string{"help"}, exitOK, "Usage:\n  callsummary [flags]\n  callsummary [command]", ""},
		{[]string{"--help"}, exitOK, "serve       Run the sandbox server", ""},
		{[]string{"-h"}, exitOK, "Exit status: 0 ok; 1 Twilio or the validator said no; 2 usage error", ""},
		{[]string{"frobnicate"}, exitUsage, "", "callsummary: unknown command \"frobnicate\" for \"callsummary\"\nRun 'callsummary --help' for usage.\n"},
		{[]string{"lsit"}, exitUsage, "", "Did you mean this?\n\tlist\n"},
		{[]string{"help", "validate"}, exitOK, "Usage:\n  callsummary validate FILE... | -", ""},
		{[]string{"help", "frobnicate"}, exitUsage, "", "callsummary: unknown help topic \"frobnicate\"\nRun 'callsummary --help' for usage.\n"},
		{[]string{"help", "fetc"}, exitUsage, "", "unknown help topic \"fetc\"; did you mean fetch?"},
		{[]string{"-q", "-v", "sandbox"}, exitUsage, "", "-q/--quiet and -v/--verbose contradict each other"},
	}
	for _, c := range cases {
		r := runCLI(t, t.Context(), nil, "", c.args...)
		if r.code != c.code {
			t.Errorf("%q: exit %d, want %d", c.args, r.code, c.code)
		}
		for _, x := range []struct{ got, want string }{{r.stdout, c.stdout}, {r.stderr, c.stderr}} {
			if x.want == "" && x.got != "" {
				t.Errorf("%q: unexpected output %q", c.args, x.got)
			}
			if !strings.Contains(x.got, x.want) {
				t.Errorf("%q: output lacks %q:\n%s", c.args, x.want, x.got)
			}
		}
	}
}

// Every command has --help, printed on stdout with exit 0; an unknown flag
// is exit 2 naming the flag, with the flags it may have meant, and
// pointing at --help.
func TestRunSubcommandHelp(t *testing.T) {
	root := newRootCmd(&env{getenv: func(string) string { return "" }})
	for _, c := range root.Commands() {
		r := runCLI(t, t.Context(), nil, "", c.Name(), "--help")
		if c.IsAdditionalHelpTopicCommand() { // help fail-if: a topic, not a command
			if r.code != exitOK || r.stderr != "" || !strings.HasPrefix(r.stdout, c.Long) {
				t.Errorf("%s --help: exit %d\nstdout:\n%s\nstderr:\n%s", c.Name(), r.code, r.stdout, r.stderr)
			}
			continue
		}
		if r.code != exitOK || r.stderr != "" || !strings.Contains(r.stdout, "Usage:\n  callsummary "+c.Name()) {
			t.Errorf("%s --help: exit %d\nstdout:\n%s\nstderr:\n%s", c.Name(), r.code, r.stdout, r.stderr)
		}
		if c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		r = runCLI(t, t.Context(), nil, "", c.Name(), "--no-such-flag")
		if r.code != exitUsage || r.stderr != "callsummary: unknown flag: --no-such-flag\nRun 'callsummary "+c.Name()+" --help' for usage.\n" {
			t.Errorf("%s --no-such-flag: exit %d\n%s", c.Name(), r.code, r.stderr)
		}
	}
	r := runCLI(t, t.Context(), nil, "", "list", "--page-sise", "10")
	if r.code != exitUsage || !strings.Contains(r.stderr, "unknown flag: --page-sise; did you mean --page-size?") {
		t.Errorf("a mistyped flag: exit %d\n%s", r.code, r.stderr)
	}
	r = runCLI(t, t.Context(), nil, "", "fetch", "--help")
	for _, flag := range []string{"--partial", "--wait", "--poll-interval interval", "-o, --output format", "--json", "--base-url URL",
		"--region region", "--edge location", "--timeout duration", "--show-pii", "--validate", "--sandbox", "-q, --quiet", "-v, --verbose"} {
		if !strings.Contains(r.stdout, "  "+flag) {
			t.Errorf("fetch --help lacks %s:\n%s", flag, r.stdout)
		}
	}
}

// Errors carry one "callsummary:" prefix, even when the SDK's own message
// starts with it.
func TestRunOnePrefix(t *testing.T) {
	f := newFakeTwilio(t, reply{status: 200, body: `["not a summary"]`})
	for _, args := range [][]string{
		{"fetch", "--base-url", f.URL, readmeSID},
		{"fetch", "--region", "x_y", readmeSID},
	} {
		r := runCLI(t, t.Context(), twilioEnv, "", args...)
		if r.code == exitOK || strings.Count(r.stderr, "callsummary:") != 1 || !strings.HasPrefix(r.stderr, "callsummary: ") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}

func TestRunVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := runCLI(t, t.Context(), nil, "", args...)
		if r.code != exitOK || !strings.HasPrefix(r.stdout, "callsummary "+callsummary.Version+"\n") {
			t.Errorf("%v: exit %d: %q", args, r.code, r.stdout)
		}
	}
	if r := runCLI(t, t.Context(), nil, "", "version", "extra"); r.code != exitUsage {
		t.Errorf("version extra: exit %d", r.code)
	}
	var b strings.Builder
	writeVersion(&b, &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/voiceinsights/callsummary", Version: "v0.1.0"},
		Settings: []debug.BuildSetting{
			{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-11-27T07:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	})
	want := "callsummary " + callsummary.Version + "\n" +
		"  module  github.com/voiceinsights/callsummary v0.1.0\n" +
		"  commit  0123456789ab 2026-11-27T07:00:00Z (modified)\n" +
		"  go      go1.26.8 linux/arm64\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestRunSandboxList(t *testing.T) {
	r := runCLI(t, t.Context(), nil, "", "sandbox")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "sandbox.golden", r.stdout)
	if !strings.Contains(r.stdout, readmeSID+"  client") || !strings.Contains(r.stdout, "partial,complete later") {
		t.Errorf("the README's call or the completing call is not listed as such:\n%s", r.stdout)
	}
	r = runCLI(t, t.Context(), nil, "", "sandbox", "-o", "csv", "--fields", "call_sid,type", "--no-header")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "CAd45ec3c4af38967de454f9e45bb1cef4,carrier\n") {
		t.Errorf("-o csv: exit %d %q", r.code, r.stdout)
	}
	r = runCLI(t, t.Context(), nil, "", "sandbox", "-o", "ndjson")
	if r.code != exitOK || !strings.Contains(r.stdout, `{"call_sid":"CA0e87c1212a698494dcdb198af3e0eb2f","type":"client","summaries":["partial"],"completes_later":true,`) {
		t.Errorf("-o ndjson: exit %d %q", r.code, r.stdout)
	}
	if r = runCLI(t, t.Context(), nil, "", "sandbox", "extra"); r.code != exitUsage {
		t.Errorf("sandbox extra: exit %d", r.code)
	}
}

// The tree has what the issue asks of every command: a short line, a
// long description, and no command without help.
func TestCommandTree(t *testing.T) {
	root := newRootCmd(&env{getenv: func(string) string { return "" }})
	var visit func(c *cobra.Command)
	visit = func(c *cobra.Command) {
		if c.Short == "" {
			t.Errorf("%s has no short description", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			visit(sub)
		}
	}
	visit(root)
}
