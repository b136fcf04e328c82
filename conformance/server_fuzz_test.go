package conformance

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
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
		if rec.Header().Get("Content-Type") == "application/json" && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s?%s: body is not JSON: %q", path, query, rec.Body.Bytes())
		}
	})
}
