//go:build peers

package peers

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/testkit"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

const (
	listPath       = "/v1/Voice/Summaries"
	annotationPath = "/v1/Voice/{CallSid}/Annotation"
)

// send makes a request to base+path with basic auth (Prism's mock takes any
// pair), an optional form body and Prefer header, and returns the response
// (body restored) and its body.
func send(t *testing.T, method, base, path string, form url.Values, preferValue string) (*http.Request, *http.Response, []byte) {
	t.Helper()
	return sendAs(t, testAccountSID, testAuthToken, method, base, path, form, preferValue)
}

func sendAs(t *testing.T, user, password, method, base, path string, form url.Values, preferValue string) (*http.Request, *http.Response, []byte) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if preferValue != "" {
		req.Header.Set("Prefer", preferValue)
	}
	req.SetBasicAuth(user, password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body = io.NopCloser(strings.NewReader(string(got)))
	if form != nil {
		req.Body = io.NopCloser(strings.NewReader(form.Encode())) // for our validator
	}
	return req, resp, got
}

// Prism's mock serves every list and annotation example of the document,
// GET and POST, and both validators accept what it sends; an update the
// document forbids is refused by Prism as by ours.
func TestPrismMockServesListAndAnnotationExamples(t *testing.T) {
	v := newValidator(t)
	base := startPrism(t, "mock", documentFile(t))
	doc := testkit.Document(t)

	type exchange struct {
		name, method, path, schema string
		form                       url.Values
		examples                   map[string]any
	}
	examplesOf := func(op *openapi3.Operation) map[string]any {
		out := map[string]any{}
		for name, ex := range op.Responses.Status(http.StatusOK).Value.Content.Get("application/json").Examples {
			out[name] = ex.Value.Value
		}
		return out
	}
	annotation := doc.Paths.Find(annotationPath)
	sid := "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	update := url.Values{"AnsweredBy": {"human"}, "QualityIssues": {"low_volume,choppy_robotic"}, "CallScore": {"2"}}
	exchanges := []exchange{
		{"list", http.MethodGet, listPath + "?CallType=carrier,sip&PageSize=2", "SummaryPage", nil, examplesOf(doc.Paths.Find(listPath).Get)},
		{"fetch annotation", http.MethodGet, "/v1/Voice/" + sid + "/Annotation", "Annotation", nil, examplesOf(annotation.Get)},
		{"update annotation", http.MethodPost, "/v1/Voice/" + sid + "/Annotation", "Annotation", update, examplesOf(annotation.Post)},
	}
	served := 0
	for _, ex := range exchanges {
		if len(ex.examples) == 0 {
			t.Fatalf("%s: the document has no 200 example", ex.name)
		}
		for name, value := range ex.examples {
			t.Run(ex.name+"/"+name, func(t *testing.T) {
				req, resp, body := send(t, ex.method, base, ex.path, ex.form, "example="+name)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s", describe(resp))
				}
				if err := v.ValidateResponse(req, resp); err != nil {
					t.Errorf("ours: %v", err)
				}
				if !jsonEqual(t, body, testkit.MustJSON(t, value)) {
					t.Errorf("Prism served %s, not the example", body)
				}
				if got, want := prismViolations(t, resp), nullEnumPointersIn(t, ex.schema, body); !slices.Equal(got, want) {
					t.Errorf("Prism reports violations at %v, want %v", got, want)
				}
				served++
			})
		}
	}
	if served != 4 { // two pages, the annotation fetched and updated
		t.Errorf("%d examples served, want 4", served)
	}

	// Both validators refuse an update the document forbids.
	for field, bad := range map[string]string{"CallScore": "9", "AnsweredBy": "robot", "Comment": strings.Repeat("x", 101)} {
		form := url.Values{field: {bad}}
		req, resp, body := send(t, http.MethodPost, base, "/v1/Voice/"+sid+"/Annotation", form, "")
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("Prism accepted %s=%.10s: %s %s", field, bad, describe(resp), body)
		}
		if err := v.ValidateRequest(req); err == nil {
			t.Errorf("ours accepted %s=%.10s", field, bad)
		}
	}
}

// Prism's proxy checks the sandbox's list pages, each page of a listing
// followed through next_page_url, and its annotations, fetched, updated and
// refused: no violation but the known nullable-enum disagreement, and the
// pages hold exactly what the sandbox serves.
func TestPrismProxyPassesSandboxListAndAnnotations(t *testing.T) {
	v := newValidator(t)
	// A fixed clock: the fixtures' calls (November 2026) stay in the window.
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	srv, base := proxiedSandbox(t, sandbox.WithClock(func() time.Time { return now }))

	// Client and WhatsApp calls: the population's, and fixtures with a null
	// answered_by (the known disagreement).
	clean, disagreeing := 0, 0
	next := listPath + "?StartTime=30d&CallType=client,whatsapp&PageSize=100"
	for pages := 0; next != ""; pages++ {
		if pages > 100 {
			t.Fatal("next_page_url loops")
		}
		// The sandbox's page, then the same URL through Prism: a token pins
		// the listing's instant, so both are the same page.
		req, resp, direct := sendAs(t, srv.Handler().AccountSID(), srv.Handler().AuthToken(), http.MethodGet, srv.URL, next, nil, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", next, describe(resp))
		}
		resp.Body = io.NopCloser(strings.NewReader(string(direct)))
		if err := v.ValidateResponse(req, resp); err != nil {
			t.Fatalf("page %d: ours: %v", pages, err)
		}
		_, presp, proxied := sendAs(t, srv.Handler().AccountSID(), srv.Handler().AuthToken(), http.MethodGet, base, next, nil, "")
		want := nullEnumPointersIn(t, "SummaryPage", direct)
		if got := prismViolations(t, presp); !slices.Equal(got, want) {
			t.Fatalf("page %d: Prism reports violations at %v, want %v", pages, got, want)
		}
		if len(want) > 0 {
			disagreeing++
			if presp.StatusCode != http.StatusInternalServerError {
				t.Errorf("page %d: %s; want 500 for null enums %v", pages, describe(presp), want)
			}
		} else {
			clean++
			if presp.StatusCode != http.StatusOK || !sameItems(t, proxied, direct) {
				t.Errorf("page %d through Prism: %s, not the sandbox's page", pages, describe(presp))
			}
		}
		var page struct {
			Meta gen.PageMeta `json:"meta"`
		}
		if err := wirejson.Unmarshal(direct, &page); err != nil {
			t.Fatal(err)
		}
		next = ""
		if u := page.Meta.NextPageURL; u != nil {
			parsed, err := url.Parse(*u)
			if err != nil {
				t.Fatal(err)
			}
			next = parsed.RequestURI()
		}
	}
	if clean < 5 || disagreeing == 0 {
		t.Errorf("%d clean pages and %d with the known disagreement: the listing tests too little", clean, disagreeing)
	}

	calls := srv.Handler().PopulationCalls()
	sid := calls[len(calls)/2].SID
	path := "/v1/Voice/" + sid + "/Annotation"
	for _, step := range []struct {
		method string
		form   url.Values
	}{
		{http.MethodGet, nil},
		{http.MethodPost, url.Values{"CallScore": {"1"}, "QualityIssues": {"echo,latency"}, "Spam": {"false"}}},
		{http.MethodPost, url.Values{"Comment": {"agent heard echo"}, "CallScore": {""}}},
		{http.MethodGet, nil},
	} {
		_, resp, body := sendAs(t, srv.Handler().AccountSID(), srv.Handler().AuthToken(), step.method, base, path, step.form, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %v through Prism: %s %s", step.method, step.form, describe(resp), body)
		}
		if vs := prismViolations(t, resp); len(vs) != 0 {
			t.Errorf("%s %v: Prism reports violations at %v", step.method, step.form, vs)
		}
	}
	want, _ := srv.Handler().Annotation(sid)
	if _, _, got := sendAs(t, srv.Handler().AccountSID(), srv.Handler().AuthToken(), http.MethodGet, base, path, nil, ""); !jsonEqual(t, got, want) {
		t.Errorf("through Prism the annotation is %s, the sandbox holds %s", got, want)
	}
	var a gen.Annotation
	if err := wirejson.Unmarshal(want, &a); err != nil || a.CallScore != nil || testkit.Deref(a.Comment) != "agent heard echo" || testkit.Deref(a.Spam) {
		t.Errorf("the updates did not land: %s", want)
	}
	_, resp, _ := sendAs(t, srv.Handler().AccountSID(), srv.Handler().AuthToken(), http.MethodGet, base, "/v1/Voice/CA00000000000000000000000000000000/Annotation", nil, "")
	if resp.StatusCode != http.StatusNotFound || len(prismViolations(t, resp)) != 0 {
		t.Errorf("unknown SID through Prism: %s", describe(resp))
	}
}

// sameItems compares two list pages' call_summaries (their meta names
// different hosts).
func sameItems(t *testing.T, a, b []byte) bool {
	t.Helper()
	var pa, pb struct {
		CallSummaries jsontext.Value `json:"call_summaries"`
	}
	if wirejson.Unmarshal(a, &pa) != nil || wirejson.Unmarshal(b, &pb) != nil {
		return false
	}
	return jsonEqual(t, pa.CallSummaries, pb.CallSummaries)
}
