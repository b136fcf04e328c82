package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stats gives the same figures whichever way the calls arrive: listed
// from the sandbox, read from an NDJSON export (on every core), from a
// partitioned Parquet export, or merged from saved halves. csv prints
// them exactly, so the outputs must be equal byte for byte.
func TestStatsAgreeAcrossSources(t *testing.T) {
	week := weekArgs(t)
	dir := t.TempDir()
	ndjson := filepath.Join(dir, "calls.ndjson")
	parquet := filepath.Join(dir, "calls")
	for _, args := range [][]string{
		append([]string{"export", "-q", "--out", ndjson}, week...),
		append([]string{"export", "-q", "-o", "parquet", "--out", parquet}, week...),
	} {
		if r := runCLI(t, t.Context(), nil, "", args...); r.code != exitOK {
			t.Fatalf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	by := []string{"--by", "call_type,edge", "-o", "csv"}
	api := runCLI(t, t.Context(), nil, "", append(append([]string{"stats", "-q"}, by...), week...)...)
	if api.code != exitOK || strings.Count(api.stdout, "\n") < 8 {
		t.Fatalf("stats over the sandbox: exit %d\n%s%s", api.code, api.stdout, api.stderr)
	}
	if !strings.HasPrefix(api.stdout, "call_type,edge,calls,") {
		t.Errorf("csv header: %.80s", api.stdout)
	}
	for name, args := range map[string][]string{
		"ndjson file":       {ndjson},
		"ndjson on stdin":   {"-"},
		"parquet directory": {parquet},
	} {
		stdin := ""
		if args[0] == "-" {
			b, err := os.ReadFile(ndjson)
			if err != nil {
				t.Fatal(err)
			}
			stdin = string(b)
		}
		r := runCLI(t, t.Context(), nil, stdin, append(append([]string{"stats"}, by...), args...)...)
		if r.code != exitOK || r.stdout != api.stdout {
			t.Errorf("stats over the %s: exit %d, differs from the listing's:\n%s\nwant\n%s%s", name, r.code, r.stdout, api.stdout, r.stderr)
		}
	}

	// Saved halves (by call type) merge into the whole.
	half := func(types string) string {
		p := filepath.Join(dir, types+".json")
		r := runCLI(t, t.Context(), nil, "", append([]string{"stats", "-q", "-o", "json", "--by", "call_type,edge", "--call-type", types}, week...)...)
		if r.code != exitOK {
			t.Fatalf("saving %s: exit %d\n%s", types, r.code, r.stderr)
		}
		if err := os.WriteFile(p, []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := half("carrier,sip"), half("client,trunking,whatsapp")
	r := runCLI(t, t.Context(), nil, "", append([]string{"stats", "--merge", a, b}, by...)...)
	if r.code != exitOK || r.stdout != api.stdout {
		t.Errorf("merged halves: exit %d, differ from the whole:\n%s\nwant\n%s%s", r.code, r.stdout, api.stdout, r.stderr)
	}
	r = runCLI(t, t.Context(), nil, "", "stats", "--merge", "--by", "call_type", a, b)
	if r.code != exitUsage || !strings.Contains(r.stderr, `saved statistics merge only as they were grouped`) {
		t.Errorf("merge with another --by: exit %d\n%s", r.code, r.stderr)
	}

	// Text: one line per group, the sandbox named.
	r = runCLI(t, t.Context(), nil, "", "stats", "--by", "call_type", "--sandbox", "--since", "1w")
	for _, w := range []string{"CALL_TYPE  CALLS", "\nclient ", "\nwhatsapp ", "quantiles within 1.0% of the exact values", "tags of carrier: "} {
		if r.code != exitOK || !strings.Contains(r.stdout, w) {
			t.Errorf("text lacks %q: exit %d\n%s", w, r.code, r.stdout)
		}
	}
	if !strings.HasPrefix(r.stdout, "# Sandbox data, not from Twilio: the built-in sandbox\n") {
		t.Errorf("text output does not say the sandbox answered:\n%s", r.stdout)
	}
	// Machine output stays clean.
	r = runCLI(t, t.Context(), nil, "", "stats", "-o", "csv", "--sandbox", "--since", "1w")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "calls,") {
		t.Errorf("csv: exit %d\n%.100s", r.code, r.stdout)
	}
}

func TestStatsUsage(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	notStats := writeFile(t, dir, "x.json", []byte(`{"hello":1}`))
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"stats", "--by", "carrier", "--sandbox"}, exitUsage, `--by "carrier": unknown dimension`},
		{[]string{"stats", "--merge"}, exitUsage, "--merge combines saved statistics: give their FILEs"},
		{[]string{"stats", "--since", "1d", notStats}, exitUsage, "--since filters the calls listed from Twilio; FILEs are read whole"},
		{[]string{"stats", "--sandbox", notStats}, exitUsage, "FILEs are read from disk"},
		{[]string{"stats", "-", "-"}, exitUsage, "- (standard input) given 2 times"},
		{[]string{"stats", "-o", "ndjson", notStats}, exitUsage, `invalid argument "ndjson" for "-o, --output" flag`},
		{[]string{"stats", empty}, exitUsage, "holds no .parquet, .ndjson, .jsonl or .json file"},
		{[]string{"stats", filepath.Join(dir, "missing.ndjson")}, exitUsage, "no such file or directory"},
		{[]string{"stats", "--merge", notStats}, exitNo, "x.json: fleet: saved statistics"},
		{[]string{"stats"}, exitUsage, "no Twilio credentials"},
	} {
		r := runCLI(t, t.Context(), nil, "", c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %d and %q", c.args, r.code, r.stdout, r.stderr, c.code, c.want)
		}
	}
}

// A line that is not a summary ends stats over a file with exit 1, naming
// the file and the line, and prints no figures.
func TestStatsBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.ndjson", append(example(t, "ClientCall"), []byte("\n<html>502</html>\n")...))
	r := runCLI(t, t.Context(), nil, "", "stats", bad)
	if r.code != exitNo || r.stdout != "" || !strings.Contains(r.stderr, bad+": ") || !strings.Contains(r.stderr, "line 2") {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// A file named twice, directly, through its directory or as saved
// statistics, is refused before anything is counted: stats would count
// its calls twice.
func TestStatsRefusesAFileTwice(t *testing.T) {
	dir := t.TempDir()
	ndjson := filepath.Join(dir, "calls.ndjson")
	if err := os.WriteFile(ndjson, []byte(`{"call_sid":"CA00000000000000000000000000000001"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(t.TempDir(), "s.json")
	if r := runCLI(t, t.Context(), nil, "", "stats", "-q", "-o", "json", ndjson); r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	} else if err := os.WriteFile(saved, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"stats", ndjson, ndjson},
		{"stats", dir, ndjson},
		{"report", "--html", filepath.Join(t.TempDir(), "r.html"), ndjson, dir},
		{"stats", "--merge", saved, saved},
	} {
		r := runCLI(t, t.Context(), nil, "", args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "are the same file") {
			t.Errorf("%v: exit %d, want 2\n%s", args, r.code, r.stderr)
		}
	}
}
