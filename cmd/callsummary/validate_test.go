package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name string, body []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	valid := writeFile(t, dir, "client.json", example(t, "ClientCall"))
	partial := writeFile(t, dir, "partial.json", example(t, "PartialClientCall"))
	// Three violations, one of them in a party: its value must not print.
	bad := strings.NewReplacer(
		`"call_type":"client"`, `"call_type":"pstn"`,
		`"callee":"+16175550164"`, `"callee":16175550164`,
		`"duration":509`, `"duration":"509"`,
	).Replace(string(example(t, "ClientCall")))
	if bad == string(example(t, "ClientCall")) {
		t.Fatal("the replacements did not apply")
	}
	invalid := writeFile(t, dir, "bad.json", []byte(bad))
	notJSON := writeFile(t, dir, "page.html", []byte("<html>502 Bad Gateway</html>"))

	r := runCLI(t, t.Context(), nil, "", "validate", valid, partial)
	if r.code != exitOK || r.stdout != valid+": valid\n"+partial+": valid\n" || r.stderr != "" {
		t.Errorf("valid files: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	r = runCLI(t, t.Context(), nil, "", "validate", valid, invalid, notJSON)
	if r.code != exitNo {
		t.Errorf("invalid files: exit %d", r.code)
	}
	for _, w := range []string{
		valid + ": valid\n",
		invalid + ": invalid, 3 violations\n",
		"  /call_type ", "  /duration ", "  /to/callee ",
		notJSON + ": invalid: conformance: body is not JSON",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "16175550164") || strings.Contains(r.stdout, "6175550164") {
		t.Errorf("a PII value was printed:\n%s", r.stdout)
	}
	if r.stderr != "callsummary validate: 2 of 3 files invalid\n" {
		t.Errorf("stderr %q", r.stderr)
	}
}

func TestValidateStdin(t *testing.T) {
	r := runCLI(t, t.Context(), nil, string(example(t, "SIPCall")), "validate", "-")
	if r.code != exitOK || r.stdout != "(stdin): valid\n" {
		t.Errorf("exit %d: %q %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, t.Context(), nil, `{"call_sid":"CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"}`, "validate", "-")
	if r.code != exitNo || !strings.Contains(r.stdout, "(stdin): invalid, 1 violation\n  /call_sid ") {
		t.Errorf("exit %d: %q %q", r.code, r.stdout, r.stderr)
	}
}

func TestValidateUsage(t *testing.T) {
	dir := t.TempDir()
	valid := writeFile(t, dir, "ok.json", example(t, "CarrierCall"))
	missing := filepath.Join(dir, "nope.json")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"validate"}, "no files"},
		{[]string{"validate", "-", "-"}, "- (standard input) given 2 times"},
		{[]string{"validate", valid, missing}, "1 of 2 files could not be read"},
	}
	for _, c := range cases {
		r := runCLI(t, t.Context(), nil, "", c.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", c.args, r.code, r.stderr, c.want)
		}
	}
	big := writeFile(t, dir, "big.json", make([]byte, 10<<20+1))
	r := runCLI(t, t.Context(), nil, "", "validate", big)
	if r.code != exitUsage || !strings.Contains(r.stdout, "larger than 10485760 bytes") {
		t.Errorf("oversized file: exit %d %q", r.code, r.stdout)
	}
}
