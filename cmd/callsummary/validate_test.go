package main

import (
	"bytes"
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
	if r.code != exitOK || r.stdout != valid+": valid\n"+partial+": valid\n" || r.stderr != "callsummary: 2 values, all valid\n" {
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
		notJSON + ": invalid: not JSON: jsontext: invalid character '<' at start of value",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "16175550164") || strings.Contains(r.stdout, "6175550164") {
		t.Errorf("a PII value was printed:\n%s", r.stdout)
	}
	if r.stderr != "callsummary: 2 of 3 values invalid\n" {
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
		{[]string{"validate", valid, missing}, "1 of 2 inputs could not be read"},
	}
	for _, c := range cases {
		r := runCLI(t, t.Context(), nil, "", c.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", c.args, r.code, r.stderr, c.want)
		}
	}
	// A value over the response cap is not read whole: the input could
	// not be read, even after valid values.
	big := writeFile(t, dir, "big.json", append(append(example(t, "ClientCall"), `{"x":"`...), append(bytes.Repeat([]byte("y"), 11<<20), `"}`...)...))
	r := runCLI(t, t.Context(), nil, "", "validate", "-o", "ndjson", big)
	if !strings.HasSuffix(r.stdout, `{"input":"`+big+`","value":2,"valid":false,"error":"a JSON value larger than 10485760 bytes (the API's response cap): not read","violations":[],"unreadable":true}`+"\n") {
		t.Errorf("oversized value, -o ndjson: %q", r.stdout)
	}
	r = runCLI(t, t.Context(), nil, "", "validate", big)
	if r.code != exitUsage || !strings.Contains(r.stdout, big+" #1: valid\n") ||
		!strings.Contains(r.stdout, big+": cannot read: a JSON value larger than 10485760 bytes (the API's response cap): not read") {
		t.Errorf("oversized value: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
}

// validate reads NDJSON and JSON values one after another, from files or
// stdin, naming each value by its place when an input holds more than one;
// a syntax error ends the input there.
func TestValidateStreams(t *testing.T) {
	client, sip := string(example(t, "ClientCall")), string(example(t, "SIPCall"))
	bad := `{"call_sid":"CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"}`
	cases := []struct {
		name, in string
		code     int
		want     string
	}{
		{"ndjson", client + "\n" + sip + "\n" + bad + "\n", exitNo,
			"(stdin) #1: valid\n(stdin) #2: valid\n(stdin) #3: invalid, 1 violation\n  /call_sid  "},
		{"concatenated", client + sip + " \t" + client, exitOK, "(stdin) #1: valid\n(stdin) #2: valid\n(stdin) #3: valid\n"},
		{"indented values", "{\n  \"call_sid\": \"" + readmeSID + "\"\n}\n" + client, exitOK, "(stdin) #1: valid\n(stdin) #2: valid\n"},
		{"garbage after a value", client + "\n<html>", exitNo, "(stdin) #1: valid\n(stdin) #2: invalid: not JSON: jsontext: invalid character '<' at start of value"},
		{"empty", "  \n", exitNo, "(stdin): invalid: no JSON value\n"},
		{"not an object", "[1]\n7\n", exitNo, "(stdin) #1: invalid, 1 violation\n"},
	}
	for _, c := range cases {
		r := runCLI(t, t.Context(), nil, c.in, "validate", "-")
		if r.code != c.code || !strings.HasPrefix(r.stdout, c.want) {
			t.Errorf("%s: exit %d\n%s\nwant a start of\n%s", c.name, r.code, r.stdout, c.want)
		}
	}
}

// -o json, ndjson and csv: one record per value, never a value of it.
func TestValidateOutputs(t *testing.T) {
	in := string(example(t, "ClientCall")) + "\n" + strings.Replace(string(example(t, "ClientCall")), `"callee":"+16175550164"`, `"callee":16175550164`, 1)
	r := runCLI(t, t.Context(), nil, in, "validate", "-o", "ndjson", "-")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != exitNo || len(lines) != 2 || lines[0] != `{"input":"(stdin)","value":1,"valid":true,"violations":[]}` ||
		!strings.HasPrefix(lines[1], `{"input":"(stdin)","value":2,"valid":false,"violations":[{"pointer":"/to/callee","reason":`) {
		t.Errorf("-o ndjson: exit %d\n%s", r.code, r.stdout)
	}
	r = runCLI(t, t.Context(), nil, in, "validate", "--json", "-")
	if r.code != exitNo || !strings.HasPrefix(r.stdout, "[\n"+lines[0]+",\n") || !strings.HasSuffix(r.stdout, "}\n]\n") {
		t.Errorf("--json: exit %d\n%s", r.code, r.stdout)
	}
	r = runCLI(t, t.Context(), nil, in, "validate", "-o", "csv", "-")
	if r.code != exitNo || !strings.HasPrefix(r.stdout, "input,value,valid,pointer,reason\n(stdin),1,true,,\n(stdin),2,false,/to/callee,") {
		t.Errorf("-o csv: exit %d\n%s", r.code, r.stdout)
	}
	for _, out := range []string{r.stdout} {
		if strings.Contains(out, "6175550164") {
			t.Errorf("a PII value was printed:\n%s", out)
		}
	}
}

// --report-unknown names what Twilio added that the document lacks: a new
// top-level property, a new nested one and a new enum value; values of
// properties are never printed, nor data in an enum field.
func TestValidateReportUnknown(t *testing.T) {
	client := string(example(t, "ClientCall"))
	drifted := "{" + `"recording_summary":{"duration":12},` + client[1:]
	for _, r := range [][2]string{
		{`"jitter":{`, `"r_factor":81.5,"jitter":{`}, // the first stream's metrics only
		{`"call_type":"client"`, `"call_type":"video"`},
		{`"call_state":"completed"`, `"call_state":"+16175550199"`},
	} {
		if !strings.Contains(drifted, r[0]) {
			t.Fatalf("the example lacks %s", r[0])
		}
		drifted = strings.Replace(drifted, r[0], r[1], 1)
	}
	in := client + "\n" + drifted + "\n"

	r := runCLI(t, t.Context(), nil, in, "validate", "--report-unknown", "-")
	for _, w := range []string{
		"(stdin) #1: valid\n(stdin) #2: invalid, 2 violations\n",
		"(stdin) #2: 4 unknown to the document\n",
		"  /call_state ", "unknown enum value (not shown: it does not look like one)\n",
		"  /call_type ", "unknown enum value \"video\"\n",
		"  /recording_summary ", "unknown property: not in the document\n",
		"/metrics/inbound/r_factor ",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
		}
	}
	if r.code != exitNo {
		t.Errorf("exit %d: the enum values are violations", r.code)
	}

	r = runCLI(t, t.Context(), nil, in, "validate", "--report-unknown", "-o", "ndjson", "-")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 2 || strings.Contains(lines[0], `"unknown"`) ||
		!strings.Contains(lines[1], `"unknown":[{"pointer":"/call_state","kind":"enum value"},{"pointer":"/call_type","kind":"enum value","value":"video"},{"pointer":"/client_edge/metrics/inbound/r_factor","kind":"property"},{"pointer":"/recording_summary","kind":"property"}]}`) {
		t.Errorf("-o ndjson:\n%s", r.stdout)
	}
	r2 := runCLI(t, t.Context(), nil, in, "validate", "--report-unknown", "-o", "csv", "-")
	if !strings.Contains(r2.stdout, "\n(stdin),2,false,/recording_summary,unknown property: not in the document\n") {
		t.Errorf("-o csv:\n%s", r2.stdout)
	}
	for _, out := range []string{r.stdout, r2.stdout} {
		if strings.Contains(out, "6175550199") || strings.Contains(out, "81.5") || strings.Contains(out, `"duration":12`) {
			t.Errorf("a value was printed:\n%s", out)
		}
	}

	if r.stderr != "callsummary: 1 of 2 values hold something the document does not know\ncallsummary: 1 of 2 values invalid\n" {
		t.Errorf("stderr %q", r.stderr)
	}
	// Without the flag, nothing about unknowns.
	r = runCLI(t, t.Context(), nil, in, "validate", "-")
	if strings.Contains(r.stdout, "unknown") {
		t.Errorf("unknowns reported without --report-unknown:\n%s", r.stdout)
	}
}
