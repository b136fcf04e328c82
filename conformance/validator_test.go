package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/internal/testkit"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// validCallSID addresses the FetchSummary route in requests built by tests.
const validCallSID = "CA62608e08adc29a8d6dbc9754e659f125"

func newTestValidator(t testing.TB) *Validator {
	t.Helper()
	v, err := NewValidator()
	if err != nil {
		t.Fatalf("NewValidator: %v", err)
	}
	return v
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// asValidationError fails the test unless err is a *ValidationError.
func asValidationError(t testing.TB, err error) *ValidationError {
	t.Helper()
	ve, ok := errors.AsType[*ValidationError](err)
	if !ok {
		t.Fatalf("want a *ValidationError, got %v", err)
	}
	return ve
}

// negativeCases maps each file of testdata/negative (a copy of the document's
// ClientCall example with one thing broken) to where it must be rejected.
var negativeCases = map[string]struct {
	pointer string
	// violations is how many rules the one change breaks (default 1).
	violations int
}{
	"call_type_pstn.json":                           {pointer: "/call_type"},
	"call_sid_not_hex.json":                         {pointer: "/call_sid"},
	"processing_state_completed.json":               {pointer: "/processing_state"}, // the list filter's spelling
	"answered_by_voicemail.json":                    {pointer: "/answered_by"},
	"start_time_not_rfc3339.json":                   {pointer: "/start_time"},
	"duration_fractional.json":                      {pointer: "/duration"},
	"tags_object.json":                              {pointer: "/tags"},
	"jitter_avg_string.json":                        {pointer: "/client_edge/metrics/inbound/jitter/avg"},
	"sdk_packets_lost_string.json":                  {pointer: "/sdk_edge/metrics/inbound/packets_lost"},
	"sdk_event_level_string.json":                   {pointer: "/sdk_edge/events/levels/WARNING"},
	"sdk_selected_edges_string.json":                {pointer: "/sdk_edge/properties/settings/selected_edges"},
	"to_location_lat_string.json":                   {pointer: "/to/location/lat"},
	"sip_edge_array.json":                           {pointer: "/sip_edge"},
	"attributes_conference_participant_string.json": {pointer: "/attributes/conference_participant"},
	"properties_pdd_ms_string.json":                 {pointer: "/properties/pdd_ms"},
	"trust_verified_string.json":                    {pointer: "/trust/verified_caller/verified"},
	// 33 characters break both minLength and the pattern's {32}.
	"account_sid_too_short.json": {pointer: "/account_sid", violations: 2},
}

// Each file of testdata/plausible is the ClientCall example with a value
// Twilio's own schema allows though this document once refused it: a call
// score outside 1 to 5 in a response, a quality issue not listed. The
// validator must never call a plausible Twilio response a violation.
func TestPlausibleResponsesValidate(t *testing.T) {
	v := newTestValidator(t)
	files, err := filepath.Glob("testdata/plausible/*.json")
	if err != nil || len(files) < 2 {
		t.Fatalf("plausible set: %d files, %v", len(files), err)
	}
	for _, f := range files {
		if err := v.ValidateSummary(readTestdata(t, "plausible/"+filepath.Base(f))); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
	}
}

func TestNegativeSetIsRejectedAtItsPointer(t *testing.T) {
	v := newTestValidator(t)
	files, err := filepath.Glob("testdata/negative/*.json")
	if err != nil {
		t.Fatal(err)
	}
	// Every file has an expectation and every expectation a file.
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	var want []string
	for name := range negativeCases {
		want = append(want, name)
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("testdata/negative holds %v; the table expects %v", names, want)
	}
	for name, tc := range negativeCases {
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			ve := asValidationError(t, v.ValidateSummary(readTestdata(t, "negative/"+name)))
			n := max(tc.violations, 1)
			if len(ve.Violations) != n {
				t.Fatalf("want %d violation(s), got %v", n, ve)
			}
			for _, viol := range ve.Violations {
				if viol.Pointer != tc.pointer {
					t.Errorf("violation at %q, want %q: %v", viol.Pointer, tc.pointer, viol)
				}
				if viol.Reason == "" {
					t.Errorf("violation at %q has no reason", viol.Pointer)
				}
			}
		})
	}
}

// The negative files are copies of a valid example: the one change is what
// breaks them, not something else they share.
func TestNegativeSetBaseIsValid(t *testing.T) {
	v := newTestValidator(t)
	ex := v.doc.Components.Examples["ClientCall"]
	if ex == nil || ex.Value == nil {
		t.Fatal("the document has no ClientCall example")
	}
	if err := v.ValidateSummary(testkit.MustJSON(t, ex.Value.Value)); err != nil {
		t.Fatalf("ClientCall: %v", err)
	}
}

// The seed's documented examples (copied verbatim from Twilio's resource page)
// print call_sid as CAXXXX…: invalid against the property's own pattern. That,
// and only that, is rejected.
func TestSeedExamplesRejectedForCallSIDOnly(t *testing.T) {
	v := newTestValidator(t)
	for _, name := range []string{"seed/fetch.json", "seed/fetch_partial.json"} {
		t.Run(name, func(t *testing.T) {
			ve := asValidationError(t, v.ValidateSummary(readTestdata(t, name)))
			if got := ve.Pointers(); !slices.Equal(got, []string{"/call_sid"}) {
				t.Fatalf("violations at %v, want only /call_sid: %v", got, ve)
			}
			if !strings.Contains(ve.Violations[0].Reason, "regular expression") {
				t.Errorf("want the pattern rule, got %q", ve.Violations[0].Reason)
			}
		})
	}
}

// Every example in the document validates: the named component examples
// against CallSummary, and every response's examples (by $ref or inline)
// as a response of that status to a real request.
func TestDocumentExamplesValidate(t *testing.T) {
	v := newTestValidator(t)
	doc := v.doc
	if len(doc.Components.Examples) == 0 {
		t.Fatal("the document has no component examples")
	}
	// Each component example against its own schema: CallSummary's schema
	// would let a page or an annotation through, every property being
	// optional.
	for name, ex := range doc.Components.Examples {
		schema := "CallSummary"
		switch {
		case strings.HasPrefix(name, "SummaryPage"):
			schema = "SummaryPage"
		case strings.HasPrefix(name, "Annotation"):
			schema = "Annotation"
		}
		if err := v.ValidateSchema(schema, testkit.MustJSON(t, ex.Value.Value)); err != nil {
			t.Errorf("components/examples/%s (%s): %v", name, schema, err)
		}
	}
	checked := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code, resp := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil {
					continue // 5XX and default carry no examples
				}
				for mediaType, mt := range resp.Value.Content {
					bodies := map[string]any{}
					if mt.Example != nil {
						bodies["example"] = mt.Example
					}
					for name, ex := range mt.Examples {
						bodies[name] = ex.Value.Value
					}
					for name, body := range bodies {
						req := httptest.NewRequest(method, strings.Replace(path, "{CallSid}", validCallSID, 1), nil)
						rec := &http.Response{
							StatusCode: status,
							Header:     http.Header{"Content-Type": {mediaType}},
							Body:       io.NopCloser(bytes.NewReader(testkit.MustJSON(t, body))),
						}
						if err := v.ValidateResponse(req, rec); err != nil {
							t.Errorf("%s %s %s %s: %v", method, path, code, name, err)
						}
						checked++
					}
				}
			}
		}
	}
	// 7 summaries, 2 list pages, the annotation (GET and POST), and the
	// 401, 404 and 429 error bodies of each operation that has them.
	if checked < 20 {
		t.Errorf("checked %d response examples, want at least 20", checked)
	}
}

// The request body example of UpdateAnnotation validates as the form it
// stands for, and each field broken on its own is rejected at its name.
func TestAnnotationUpdateExampleValidates(t *testing.T) {
	v := newTestValidator(t)
	op := v.doc.Paths.Find("/v1/Voice/{CallSid}/Annotation").Post
	example, ok := op.RequestBody.Value.Content.Get("application/x-www-form-urlencoded").Example.(map[string]any)
	if !ok || len(example) != 7 {
		t.Fatalf("UpdateAnnotation's body example: %v", example)
	}
	form := url.Values{}
	for k, val := range example {
		form.Set(k, fmt.Sprint(val))
	}
	post := func(form url.Values) error {
		req := httptest.NewRequest(http.MethodPost, "/v1/Voice/"+validCallSID+"/Annotation", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return v.ValidateRequest(req)
	}
	if err := post(form); err != nil {
		t.Fatalf("the example: %v", err)
	}
	for field, bad := range map[string]string{"AnsweredBy": "robot", "ConnectivityIssue": "none", "QualityIssues": "echo,,hiss",
		"CallScore": "6", "Comment": strings.Repeat("x", 101), "Incident": strings.Repeat("x", 101)} {
		broken := maps.Clone(form)
		broken.Set(field, bad)
		ve, ok := errors.AsType[*ValidationError](post(broken))
		if !ok || !slices.Contains(ve.Pointers(), "/"+field) {
			t.Errorf("%s=%.10s: %v, want a violation at /%s", field, bad, ve, field)
		}
	}
}

// A violation under from or to never carries the value: a phone number put
// where the schema wants another type stays out of every reason and of the
// error text.
func TestPIIValuesNeverInViolations(t *testing.T) {
	const sentinel = "+15555550199"
	v := newTestValidator(t)
	cases := map[string]struct {
		patch   func(s map[string]any)
		pointer string
	}{
		"from as a string":  {func(s map[string]any) { s["from"] = sentinel }, "/from"},
		"caller as object":  {func(s map[string]any) { s["from"].(map[string]any)["caller"] = map[string]any{"e164": sentinel} }, "/from/caller"},
		"callee as number":  {func(s map[string]any) { s["to"].(map[string]any)["callee"] = 15555550199 }, "/to/callee"},
		"location as phone": {func(s map[string]any) { s["to"].(map[string]any)["location"] = sentinel }, "/to/location"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			// A fresh copy of a valid example with parties to break.
			var summary map[string]any
			if err := wirejson.Unmarshal(testkit.MustJSON(t, v.doc.Components.Examples["ClientCall"].Value.Value), &summary); err != nil {
				t.Fatal(err)
			}
			tc.patch(summary)
			body := testkit.MustJSON(t, summary)

			// Both paths: a bare body, and a response through openapi3filter.
			errs := []error{v.ValidateSummary(body)}
			req := httptest.NewRequest(http.MethodGet, "/v1/Voice/"+validCallSID+"/Summary", nil)
			resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(body))}
			errs = append(errs, v.ValidateResponse(req, resp))
			for _, err := range errs {
				ve := asValidationError(t, err)
				if got := ve.Pointers(); !slices.Equal(got, []string{tc.pointer}) {
					t.Errorf("violations at %v, want [%s]", got, tc.pointer)
				}
				if strings.Contains(ve.Error(), "5555550199") {
					t.Errorf("the error text carries the phone number: %v", ve)
				}
			}
		})
	}
}

// Problems outside the body are located by header or status, not "(body)".
func TestResponseViolationLocations(t *testing.T) {
	v := newTestValidator(t)
	req := httptest.NewRequest(http.MethodGet, "/v1/Voice/"+validCallSID+"/Summary", nil)
	resp := &http.Response{
		StatusCode: http.StatusBadGateway,
		Header:     http.Header{"Content-Type": {"text/html"}},
		Body:       io.NopCloser(strings.NewReader("<html>Bad Gateway</html>")),
	}
	ve := asValidationError(t, v.ValidateResponse(req, resp))
	if got := ve.Pointers(); !slices.Equal(got, []string{"header Content-Type"}) {
		t.Errorf("HTML error page: violations at %v, want [header Content-Type]: %v", got, ve)
	}

	// The reasons openapi3filter writes for what our document cannot trigger.
	for reason, want := range map[string]string{
		"status is not supported":                               "status",
		`response header "Retry-After" doesn't match schema`:    "header Retry-After",
		`response header "Retry-After" missing`:                 "header Retry-After",
		`unable to decode header "Retry-After" value`:           "header Retry-After",
		`response header Content-Type has unexpected value: ""`: "header Content-Type",
		"response body doesn't match schema":                    "",
	} {
		if got := responseLocation(reason); got != want {
			t.Errorf("responseLocation(%q) = %q, want %q", reason, got, want)
		}
	}
}

func TestValidateSummaryRejectsNonJSON(t *testing.T) {
	v := newTestValidator(t)
	for body, say := range map[string]string{
		"":                           "unexpected EOF",
		"<html></html>":              "invalid character",
		`{"call_type":"carrier"} {}`: "invalid character",
		// Strict JSON (RFC 8259 §8.1, RFC 7493), though the wrapper decodes
		// both as encoding/json does: the validator says so.
		`{"call_type":"carrier","call_type":"sip"}`: `duplicate object member name`,
		"{\"call_sid\":\"CA\xff\"}":                 "invalid UTF-8",
	} {
		err := v.ValidateSummary([]byte(body))
		if err == nil || !strings.HasPrefix(err.Error(), "conformance: body is not JSON: ") || !strings.Contains(err.Error(), say) {
			t.Errorf("%q: %v; want \"conformance: body is not JSON: …%s…\"", body, err, say)
		}
		if _, ok := errors.AsType[*ValidationError](err); ok {
			t.Errorf("%q: not JSON is not a schema violation: %v", body, err)
		}
	}
}
