package sandbox

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// FuzzSandboxRequest sends the handler arbitrary paths and queries: it must
// never panic, and must answer every request with a status Twilio uses and,
// for JSON, a body that is JSON.
func FuzzSandboxRequest(f *testing.F) {
	h, err := NewHandler()
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []struct{ path, query string }{
		{sandboxPath("CAd45ec3c4af38967de454f9e45bb1cef4"), ""},
		{sandboxPath("CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), "ProcessingState=partial"},
		{sandboxPath("CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), "ProcessingState=partial&ProcessingState=complete"},
		{sandboxPath("CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), "ProcessingState="},
		{sandboxPath("CA%2F..%2F..%2Fetc"), ""},
		{sandboxPath("CA\u00e9\u00e9"), "ProcessingState=%ff"},
		{"/v1/Voice//Summary", ""},
		{"", "0"}, // found by fuzzing: ServeMux redirected it
		{sandboxPath("CAd45ec3c4af38967de454f9e45bb1cef4") + "/", ""},
		{"/v1/Voice/CAd45ec3c4af38967de454f9e45bb1cef4/summary", ""},
		{"/v1/Voice/Summaries", ""},
		{"/v1/Voice/Summaries", "StartTime=99999999999999999999w&EndTime=2026-13-45"},
		{"/v1/Voice/Summaries", "CallType=sip,,trunking&PageSize=1000&SortBy=end_time&ProcessingState=all"},
		{"/v1/Voice/Summaries", "PageToken=" + pageToken{after: false, keySID: "CAffffffffffffffffffffffffffffffff", page: 3, filter: filterHash(nil)}.encode()},
		{"/v1/Voice/Summaries", "CallScoreAnnotation=1,5&From=+1555&Subaccount=ACe268443e43d93dab7ebef303bbe9642f"},
		{annotationPath("CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), ""},
	} {
		f.Add(seed.path, seed.query)
	}
	allowed := map[int]bool{200: true, 400: true, 404: true, 405: true}
	f.Fuzz(func(t *testing.T, path, query string) {
		u := &url.URL{Scheme: "http", Host: "sandbox.test", Path: path, RawQuery: query}
		req, err := http.NewRequest(http.MethodGet, u.String(), nil)
		if err != nil {
			return // not a URL a client can send
		}
		req.SetBasicAuth(h.AccountSID(), h.AuthToken())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if !allowed[rec.Code] {
			t.Fatalf("%s?%s: status %d", path, query, rec.Code)
		}
		if rec.Header().Get("Content-Type") == "application/json" && !wirejson.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s?%s: body is not JSON: %q", path, query, rec.Body.Bytes())
		}
	})
}

// FuzzAnnotationUpdate posts arbitrary bodies and content types to the
// Annotation: never a panic, 200 or 400 (or 415-like 400 for a wrong type),
// JSON bodies, and an annotation that still validates afterwards.
func FuzzAnnotationUpdate(f *testing.F) {
	h, err := NewHandler()
	if err != nil {
		f.Fatal(err)
	}
	v, err := conformance.NewValidator()
	if err != nil {
		f.Fatal(err)
	}
	const sid = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	for _, seed := range []struct{ contentType, body string }{
		{"application/x-www-form-urlencoded", "CallScore=2&QualityIssues=low_volume,echo&Spam=true"},
		{"application/x-www-form-urlencoded", "CallScore=&Comment=&Incident="},
		{"application/x-www-form-urlencoded", "CallScore=6&AnsweredBy=robot"},
		{"application/x-www-form-urlencoded", "QualityIssues=,&Spam=TRUE&CallScore=1e3"},
		{"application/x-www-form-urlencoded; charset=utf-8", "Comment=%ff%fe&Incident=%"},
		{"application/json", `{"CallScore":2}`},
		{"", ""},
	} {
		f.Add(seed.contentType, seed.body)
	}
	f.Fuzz(func(t *testing.T, contentType, body string) {
		req := httptest.NewRequest(http.MethodPost, "http://sandbox.test"+annotationPath(sid), strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		req.SetBasicAuth(h.AccountSID(), h.AuthToken())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("%q %q: status %d", contentType, body, rec.Code)
		}
		if !wirejson.Valid(rec.Body.Bytes()) {
			t.Fatalf("%q %q: body is not JSON: %q", contentType, body, rec.Body.Bytes())
		}
		stored, _ := h.Annotation(sid)
		if err := v.ValidateSchema("Annotation", stored); err != nil {
			t.Fatalf("after %q %q the annotation breaks the document: %v", contentType, body, err)
		}
	})
}
