package conformance_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// Fuzz targets for the validator. `make fuzz` runs each for FUZZTIME; plain
// `go test` runs their seeds. A crasher goes into testdata/fuzz/FuzzXxx/.

var fuzzValidator = sync.OnceValues(conformance.NewValidator)

func newFuzzValidator(f *testing.F) *conformance.Validator {
	v, err := fuzzValidator()
	if err != nil {
		f.Fatal(err)
	}
	return v
}

// addSummarySeeds adds every summary in the repository: the sandbox's
// fixtures, Twilio's seed example, the negative set and the document's
// examples.
func addSummarySeeds(f *testing.F, v *conformance.Validator, add func([]byte)) {
	f.Helper()
	var files []string
	for _, glob := range []string{"fixtures/*.json", "testdata/seed/*.json", "testdata/negative/*.json"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			f.Fatal(err)
		}
		files = append(files, m...)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
	examples := 0
	for _, name := range v.ExampleNames() {
		b, ok := v.Example(name)
		if !ok {
			f.Fatalf("example %s listed but not returned", name)
		}
		add(b)
		examples++
	}
	if len(files) < 15 || examples == 0 {
		f.Fatalf("only %d seed files and %d examples found", len(files), examples)
	}
	for _, s := range []string{"", "{}", "null", "[]", `{"from":"+15555550100"}`, `{"duration":1e999}`,
		`{"to":{"callee":"+15555550101","location":{"lat":"x"}}}`, `{} {}`, "{\"tags\":[\"\xff\"]}",
		`{"tags":[` + strings.Repeat("1,", 300) + `1]}`} {
		add([]byte(s))
	}
}

var phoneish = regexp.MustCompile(`^\+?[0-9]{7,15}$`)

// partyValues returns the phone-number-like strings of from and to that
// appear nowhere else in body: those no error may repeat.
func partyValues(body []byte) []string {
	var m map[string]any
	if wirejson.Unmarshal(body, &m) != nil {
		return nil
	}
	var out []string
	for _, side := range []string{"from", "to"} {
		p, _ := m[side].(map[string]any)
		for _, v := range p {
			if s, ok := v.(string); ok && phoneish.MatchString(s) && bytes.Count(body, []byte(s)) == 1 {
				out = append(out, s)
			}
		}
	}
	return out
}

// checkValidationError asserts err is nil, a *ValidationError whose
// violations are well formed, or (when allowed) another error; and that
// its text holds no party value.
func checkValidationError(t *testing.T, err error, body []byte, otherOK func(error) bool) {
	t.Helper()
	if err == nil {
		return
	}
	var ve *conformance.ValidationError
	switch {
	case errors.As(err, &ve):
		if len(ve.Violations) == 0 || len(ve.Violations) > conformance.MaxViolations+1 {
			t.Fatalf("a ValidationError with %d violations (at most %d and a last saying how many more): %.200v",
				len(ve.Violations), conformance.MaxViolations, err)
		}
		for _, v := range ve.Violations {
			if v.Reason == "" || !wellFormedPointer(v.Pointer) {
				t.Fatalf("malformed violation %+v", v)
			}
		}
	case !otherOK(err):
		t.Fatalf("unexpected error type %T: %v", err, err)
	}
	for _, p := range partyValues(body) {
		if strings.Contains(err.Error(), p) {
			t.Fatalf("error repeats the party value %q: %v", p, err)
		}
	}
}

// wellFormedPointer reports whether p is one of the locations a Violation
// documents: a JSON pointer, "status", "path", or a named header or
// parameter.
func wellFormedPointer(p string) bool {
	return p == "" || p == "status" || p == "path" || strings.HasPrefix(p, "/") ||
		strings.HasPrefix(p, "header ") || strings.HasPrefix(p, "parameter ")
}

func FuzzValidateSummary(f *testing.F) {
	v := newFuzzValidator(f)
	addSummarySeeds(f, v, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, body []byte) {
		err := v.ValidateSummary(body)
		checkValidationError(t, err, body, func(err error) bool {
			return strings.HasPrefix(err.Error(), "conformance: ") // not JSON, trailing data, number range
		})
	})
}

// FuzzValidateResponse validates arbitrary responses to a FetchSummary
// request and checks that the caller still reads the body unchanged.
func FuzzValidateResponse(f *testing.F) {
	v := newFuzzValidator(f)
	addSummarySeeds(f, v, func(b []byte) { f.Add(uint16(200), "application/json", b) })
	twilioErr := []byte(`{"code":20404,"message":"The requested resource /v1/Voice/CA62608e08adc29a8d6dbc9754e659f125/Summary was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`)
	for _, st := range []uint16{200, 204, 302, 400, 401, 403, 404, 429, 500, 502, 503, 504, 599} {
		f.Add(st, "application/json", twilioErr)
		f.Add(st, "text/html", []byte("<html><h1>502 Bad Gateway</h1></html>"))
		f.Add(st, "", []byte{})
	}
	f.Add(uint16(200), "application/json; charset=utf-8", []byte(`{"call_sid":"CA62608e08adc29a8d6dbc9754e659f125"}`))
	f.Add(uint16(200), "application/problem+json", []byte(`{}`))
	f.Fuzz(func(t *testing.T, status uint16, contentType string, body []byte) {
		code := int(status)
		if code < 100 || code > 999 {
			code = 200 + code%400
		}
		req, err := http.NewRequest(http.MethodGet, "https://insights.twilio.com/v1/Voice/CA62608e08adc29a8d6dbc9754e659f125/Summary", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp := &http.Response{StatusCode: code, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body)), Request: req}
		if contentType != "" {
			resp.Header.Set("Content-Type", contentType)
		}
		err = v.ValidateResponse(req, resp)
		checkValidationError(t, err, body, func(error) bool { return false })
		got, rerr := io.ReadAll(resp.Body)
		if rerr != nil || !bytes.Equal(got, body) {
			t.Fatalf("after validation the body reads %d bytes (%v), want the %d sent", len(got), rerr, len(body))
		}
	})
}
