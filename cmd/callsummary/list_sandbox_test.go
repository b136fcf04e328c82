package main

import (
	"encoding/csv"
	"strings"
	"testing"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// With no credentials, list and annotate ask the built-in sandbox, whose
// generated population the list pages through.
func TestListSandbox(t *testing.T) {
	r := runCLI(t, t.Context(), nil, "", "list", "--sandbox", "--limit", "120", "--page-size", "50", "-o", "ndjson")
	if r.code != exitOK || r.stderr != sandboxStderr {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 120 {
		t.Fatalf("%d lines, want 120 (three pages, the last cut by --limit)", len(lines))
	}
	seen := map[string]bool{}
	for i, line := range lines {
		s, err := callsummary.ParseSummary([]byte(line))
		if err != nil || seen[*s.CallSID] {
			t.Fatalf("line %d: %v (or a repeated call)", i, err)
		}
		seen[*s.CallSID] = true
	}

	r = runCLI(t, t.Context(), nil, "", "list", "--sandbox", "--since", "1w", "--call-type", "sip", "--has-tag", "-o", "csv", "--limit", "40")
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if r.code != exitOK || err != nil || len(recs) < 2 {
		t.Fatalf("exit %d, %v, %d records; stderr %s", r.code, err, len(recs), r.stderr)
	}
	for _, rec := range recs[1:] {
		if rec[2] != "sip" || rec[14] == "" || strings.Contains(rec[7]+rec[8], "+1") && !strings.Contains(rec[7]+rec[8], "•") {
			t.Errorf("row %v: want sip, tagged, parties masked", rec)
		}
	}
}

func TestAnnotateSandbox(t *testing.T) {
	r := runCLI(t, t.Context(), nil, "", "annotate", "--sandbox", readmeSID, "--score", "4", "--issue", "echo", "--incident", "INC-42")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"# Sandbox data, not from Twilio: the built-in sandbox\n", "Score           4/5 (Good)", "Quality issues  echo", "Incident        INC-42"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
}

// A refused filter or update is reported before the sandbox is started.
func TestUsageErrorsStartNoSandbox(t *testing.T) {
	for _, args := range [][]string{
		{"list", "--sandbox", "--sort", "duration"},
		{"list", "--sandbox", "--since", "1h", "--until", "2h"},
		{"annotate", "--sandbox", readmeSID, "--score", "9"},
		{"annotate", "--sandbox", readmeSID, "--answered-by", "robot"},
	} {
		r := runCLI(t, t.Context(), nil, "", args...)
		if r.code != exitUsage || strings.Contains(r.stderr, "sandbox") || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}
