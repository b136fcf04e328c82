package main

import (
	"runtime/debug"
	"strings"
	"testing"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

func TestRunUsage(t *testing.T) {
	cases := []struct {
		args       []string
		code       int
		stdout     string // a substring; "" means empty
		stderr     string
		emptyOther bool
	}{
		{nil, exitUsage, "", "Usage:\n  callsummary fetch [flags] CALLSID", true},
		{[]string{"help"}, exitOK, "Usage:\n  callsummary fetch [flags] CALLSID", "", true},
		{[]string{"--help"}, exitOK, "callsummary serve [--addr 127.0.0.1:8080]", "", true},
		{[]string{"-h"}, exitOK, "Exit status: 0 ok; 1 Twilio or the validator said no; 2 usage error.", "", true},
		{[]string{"frobnicate"}, exitUsage, "", `callsummary: unknown command "frobnicate"`, true},
		{[]string{"help", "validate"}, exitOK, "Usage: callsummary validate FILE... | -", "", true},
		{[]string{"help", "frobnicate"}, exitUsage, "", `unknown command "frobnicate"`, true},
	}
	for _, c := range cases {
		r := runCLI(t, t.Context(), nil, "", c.args...)
		if r.code != c.code {
			t.Errorf("%q: exit %d, want %d", c.args, r.code, c.code)
		}
		for _, x := range []struct{ got, want string }{{r.stdout, c.stdout}, {r.stderr, c.stderr}} {
			if x.want == "" && x.got != "" && c.emptyOther {
				t.Errorf("%q: unexpected output %q", c.args, x.got)
			}
			if !strings.Contains(x.got, x.want) {
				t.Errorf("%q: output lacks %q:\n%s", c.args, x.want, x.got)
			}
		}
	}
}

// Every subcommand has --help, printed on stdout with exit 0, and rejects
// an unknown flag with exit 2. The hidden test flag stays hidden.
func TestRunSubcommandHelp(t *testing.T) {
	for _, c := range commands() {
		r := runCLI(t, t.Context(), nil, "", c.name, "--help")
		if r.code != exitOK || r.stderr != "" || !strings.HasPrefix(r.stdout, "Usage: callsummary "+c.name) {
			t.Errorf("%s --help: exit %d\nstdout:\n%s\nstderr:\n%s", c.name, r.code, r.stdout, r.stderr)
		}
		if strings.Contains(r.stdout, "poll-interval") {
			t.Errorf("%s --help shows the hidden flag", c.name)
		}
		r = runCLI(t, t.Context(), nil, "", c.name, "--no-such-flag")
		if r.code != exitUsage || !strings.Contains(r.stderr, "Run 'callsummary "+c.name+" --help' for usage.") {
			t.Errorf("%s --no-such-flag: exit %d\n%s", c.name, r.code, r.stderr)
		}
	}
	r := runCLI(t, t.Context(), nil, "", "fetch", "--help")
	for _, flag := range []string{"--partial", "--wait", "--json", "--base-url URL", "--region region", "--edge location", "--timeout duration", "--show-pii", "--validate"} {
		if !strings.Contains(r.stdout, "\n  "+flag+"\n") {
			t.Errorf("fetch --help lacks %s:\n%s", flag, r.stdout)
		}
	}
}

func TestRunVersion(t *testing.T) {
	r := runCLI(t, t.Context(), nil, "", "version")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "callsummary "+callsummary.Version+"\n") {
		t.Errorf("exit %d: %q", r.code, r.stdout)
	}
	if r = runCLI(t, t.Context(), nil, "", "version", "extra"); r.code != exitUsage {
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
	if !strings.Contains(r.stdout, readmeSID+"  client") {
		t.Errorf("the README's call is not listed as a client call:\n%s", r.stdout)
	}
	if r = runCLI(t, t.Context(), nil, "", "sandbox", "extra"); r.code != exitUsage {
		t.Errorf("sandbox extra: exit %d", r.code)
	}
}
