package conformance

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

// A body with a million values that break the document costs MaxViolations
// violations and a bounded walk, not a million errors: ValidateSummary and
// ValidateResponse stop once they hold MaxViolations, and say so.
func TestViolationsAreBounded(t *testing.T) {
	v := newTestValidator(t)
	body := []byte(`{"tags":[` + strings.Repeat("1,", 1<<20) + `1]}`) // 2 MiB
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/v1/Voice/CAd45ec3c4af38967de454f9e45bb1cef4/Summary", nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, validate := range map[string]func() error{
		"ValidateSummary": func() error { return v.ValidateSummary(body) },
		"ValidateResponse": func() error {
			resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(bytes.NewReader(body))}
			return v.ValidateResponse(req, resp)
		},
	} {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			err := validate()
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			ve := asValidationError(t, err)
			if len(ve.Violations) != MaxViolations+1 || !strings.Contains(ve.Violations[MaxViolations].Reason, "stopped after") {
				t.Fatalf("%d violations, the last %v", len(ve.Violations), ve.Violations[len(ve.Violations)-1])
			}
			if ve.Violations[0].Pointer != "/tags/0" {
				t.Errorf("first violation at %q", ve.Violations[0].Pointer)
			}
			allocated := (after.TotalAlloc - before.TotalAlloc) >> 20
			t.Logf("%d violations, %d MiB allocated, %v", len(ve.Violations), allocated, took)
			// The decoded value alone is tens of MiB; a million errors
			// were hundreds.
			if allocated > 160 {
				t.Errorf("%d MiB allocated", allocated)
			}
		})
	}
}

// A value that cannot be decoded at all (a number beyond float64) is named
// by its pointer; its digits, which may be a phone number or an echoed
// secret, appear in neither validator's error.
func TestUndecodableNumberIsNotQuoted(t *testing.T) {
	v := newTestValidator(t)
	const digits = "15555550142"
	body := []byte(`{"call_sid":"CAd45ec3c4af38967de454f9e45bb1cef4","duration":` + digits + `e999}`)
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/v1/Voice/CAd45ec3c4af38967de454f9e45bb1cef4/Summary", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body))}
	for name, err := range map[string]error{
		"ValidateSummary":  v.ValidateSummary(body),
		"ValidateResponse": v.ValidateResponse(req, resp),
	} {
		if err == nil {
			t.Errorf("%s: nil for a number beyond float64", name)
			continue
		}
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			if text := fmt.Sprintf(verb, err); strings.Contains(text, digits) {
				t.Errorf("%s: %s quotes the value: %s", name, verb, text)
			}
		}
		if !strings.Contains(err.Error(), "/duration") {
			t.Errorf("%s: %v does not name /duration", name, err)
		}
	}
}
