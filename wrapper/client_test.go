package callsummary

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// TestFetchSummaryCallTypes serves every call type and state, with absent
// edges written as null and as {}, and checks decoding and the edge views.
func TestFetchSummaryCallTypes(t *testing.T) {
	client := fixture(t, "client.json")
	whatsapp := fixture(t, "whatsapp.json")
	var carrierEdge map[string]any
	if err := wirejson.Unmarshal(fixture(t, "carrier.json"), &struct {
		CarrierEdge *map[string]any `json:"carrier_edge"`
	}{&carrierEdge}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		body     []byte
		callType gen.CallType
		complete bool
		expected []EdgeKind
		present  []EdgeKind
		missing  []EdgeKind
	}{
		{"seed complete (edges {})", fixture(t, "seed_complete.json"), gen.CallTypeCarrier, true,
			[]EdgeKind{EdgeCarrier}, nil, []EdgeKind{EdgeCarrier}},
		{"seed partial", fixture(t, "seed_partial.json"), gen.CallTypeCarrier, false,
			[]EdgeKind{EdgeCarrier}, nil, []EdgeKind{EdgeCarrier}},
		{"carrier", fixture(t, "carrier.json"), gen.CallTypeCarrier, true,
			[]EdgeKind{EdgeCarrier}, []EdgeKind{EdgeCarrier}, nil},
		{"sip", fixture(t, "sip.json"), gen.CallTypeSIP, true,
			[]EdgeKind{EdgeSIP}, []EdgeKind{EdgeSIP}, nil},
		{"trunking", fixture(t, "trunking.json"), gen.CallTypeTrunking, true,
			[]EdgeKind{EdgeSIP, EdgeCarrier}, []EdgeKind{EdgeSIP, EdgeCarrier}, nil},
		{"client with sdk_edge", client, gen.CallTypeClient, true,
			[]EdgeKind{EdgeSDK, EdgeClient}, []EdgeKind{EdgeSDK, EdgeClient}, nil},
		{"client without sdk_edge", withFields(t, client, map[string]any{"sdk_edge": nil}), gen.CallTypeClient, true,
			[]EdgeKind{EdgeSDK, EdgeClient}, []EdgeKind{EdgeClient}, []EdgeKind{EdgeSDK}},
		{"client partial", fixture(t, "client_partial.json"), gen.CallTypeClient, false,
			[]EdgeKind{EdgeSDK, EdgeClient}, []EdgeKind{EdgeClient}, []EdgeKind{EdgeSDK}},
		{"whatsapp", whatsapp, gen.CallTypeWhatsapp, true, nil, nil, nil},
		{"whatsapp reporting a carrier edge", withFields(t, whatsapp, map[string]any{"carrier_edge": carrierEdge}),
			gen.CallTypeWhatsapp, true, nil, []EdgeKind{EdgeCarrier}, nil},
		{"client with unexpected sip_edge listed last", withFields(t, client, map[string]any{"sip_edge": carrierEdge}),
			gen.CallTypeClient, true, []EdgeKind{EdgeSDK, EdgeClient}, []EdgeKind{EdgeSDK, EdgeClient, EdgeSIP}, nil},
	}
	for _, tt := range tests {
		for _, absent := range []struct {
			name  string
			value any
		}{{"null", nil}, {"{}", map[string]any{}}} {
			t.Run(tt.name+"/absent as "+absent.name, func(t *testing.T) {
				body := rewriteAbsentEdges(t, tt.body, absent.value)
				hs := newHarness(t, serve(http.StatusOK, body))
				s, err := hs.fetch(context.Background(), sidOf(t, body))
				if err != nil {
					t.Fatalf("FetchSummary: %v", err)
				}
				if !bytes.Equal(s.Raw(), body) {
					t.Error("Raw() differs from the bytes served")
				}
				if s.CallType == nil || *s.CallType != tt.callType {
					t.Errorf("CallType = %v, want %s", s.CallType, tt.callType)
				}
				if s.IsComplete() != tt.complete {
					t.Errorf("IsComplete() = %v, want %v", s.IsComplete(), tt.complete)
				}
				if got := s.ExpectedEdges(); !slices.Equal(got, tt.expected) {
					t.Errorf("ExpectedEdges() = %v, want %v", got, tt.expected)
				}
				if got := edgeKinds(s.Edges()); !slices.Equal(got, tt.present) {
					t.Errorf("Edges() = %v, want %v", got, tt.present)
				}
				if got := s.MissingEdges(); !slices.Equal(got, tt.missing) {
					t.Errorf("MissingEdges() = %v, want %v", got, tt.missing)
				}
				for _, k := range allEdges {
					_, ok := s.Edge(k)
					if want := slices.Contains(tt.present, k); ok != want {
						t.Errorf("Edge(%v) present = %v, want %v", k, ok, want)
					}
				}
			})
		}
	}
}

// rewriteAbsentEdges writes every edge that is null or {} as value.
func rewriteAbsentEdges(t *testing.T, body []byte, value any) []byte {
	t.Helper()
	var m map[string]jsontext.Value
	if err := wirejson.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	fields := map[string]any{}
	for _, k := range allEdges {
		if v := string(m[k.String()]); v == "null" || v == "{}" || v == "" {
			fields[k.String()] = value
		}
	}
	return withFields(t, body, fields)
}

func edgeKinds(es []Edge) []EdgeKind {
	var out []EdgeKind
	for _, e := range es {
		out = append(out, e.Kind)
	}
	return out
}

func TestFetchSummaryRequest(t *testing.T) {
	hs := newHarness(t, serve(http.StatusOK, fixture(t, "carrier.json")))
	ctx := context.Background()
	if _, err := hs.fetch(ctx, testCallSID); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.fetch(ctx, testCallSID, WithProcessingState(ProcessingStatePartial)); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.fetch(ctx, testCallSID, nil, WithProcessingState(ProcessingStateComplete)); err != nil {
		t.Fatal(err)
	}
	reqs := hs.requests()
	if len(reqs) != 3 {
		t.Fatalf("got %d requests, want 3", len(reqs))
	}
	for i, want := range []string{"", "ProcessingState=partial", "ProcessingState=complete"} {
		r := reqs[i]
		if r.Method != http.MethodGet || r.URL.Path != "/v1/Voice/"+testCallSID+"/Summary" {
			t.Errorf("request %d: %s %s", i, r.Method, r.URL.Path)
		}
		if r.URL.RawQuery != want {
			t.Errorf("request %d: query %q, want %q", i, r.URL.RawQuery, want)
		}
		if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "callsummary-go/"+Version+" (go") {
			t.Errorf("request %d: User-Agent %q", i, ua)
		}
		if a := r.Header.Get("Accept"); a != "application/json" {
			t.Errorf("request %d: Accept %q", i, a)
		}
	}
}

func TestBaseURLPathPrefix(t *testing.T) {
	var path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path
		serve(http.StatusOK, fixture(t, "carrier.json"))(w, r)
	}))
	defer srv.Close()
	c, err := NewClient(WithBaseURL(srv.URL+"/proxy/twilio/"), WithCredentials(testAccountSID, testSecret))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.FetchSummary(context.Background(), testCallSID); err != nil {
		t.Fatal(err)
	}
	if want := "/proxy/twilio/v1/Voice/" + testCallSID + "/Summary"; path != want {
		t.Errorf("path %q, want %q", path, want)
	}
}

func TestFetchSummaryAPIKeyAuth(t *testing.T) {
	var user, pass string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ = r.BasicAuth()
		serve(http.StatusOK, fixture(t, "sip.json"))(w, r)
	}))
	defer srv.Close()
	c, err := NewClient(WithBaseURL(srv.URL), WithAPIKey(testAPIKey, testAPISecret))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.FetchSummary(context.Background(), sidOf(t, fixture(t, "sip.json"))); err != nil {
		t.Fatal(err)
	}
	if user != testAPIKey || pass != testAPISecret {
		t.Errorf("basic auth user %q, secret matches: %v", user, pass == testAPISecret)
	}
}

func TestFetchSummaryInvalidInputSendsNothing(t *testing.T) {
	hs := newHarness(t, serve(http.StatusOK, fixture(t, "carrier.json")))
	sids := map[string]string{
		"empty":             "",
		"short":             "CA123",
		"account SID":       testAccountSID,
		"non-hex":           "CAd45ec3c4af38967de454f9e45bb1cefZ",
		"too long":          testCallSID + "0",
		"lower-case prefix": "ca" + testCallSID[2:],
		"secret by mistake": testSecret,
		"path injection":    "CA/../../v1/Accounts/x/Calls/y.json",
	}
	for name, sid := range sids {
		t.Run(name, func(t *testing.T) {
			_, err := hs.fetch(context.Background(), sid)
			if !errors.Is(err, ErrInvalidCallSID) {
				t.Fatalf("err = %v, want ErrInvalidCallSID", err)
			}
			if !strings.Contains(err.Error(), "^CA[0-9a-fA-F]{32}$") {
				t.Errorf("error does not show the pattern: %v", err)
			}
			if sid != "" && strings.Contains(err.Error(), sid) {
				t.Errorf("error echoes the input: %v", err)
			}
			if _, err := hs.c.WaitForComplete(context.Background(), sid, WithPollInterval(1)); !errors.Is(err, ErrInvalidCallSID) {
				t.Errorf("WaitForComplete err = %v, want ErrInvalidCallSID", err)
			}
		})
	}
	_, err := hs.fetch(context.Background(), testCallSID, WithProcessingState("all"))
	if !errors.Is(err, ErrInvalidProcessingState) || !strings.Contains(err.Error(), `"all"`) {
		t.Errorf("processing state all: err = %v", err)
	}
	_, err = hs.fetch(context.Background(), testCallSID, WithProcessingState(ProcessingState(testSecret)))
	if !errors.Is(err, ErrInvalidProcessingState) {
		t.Errorf("processing state secret: err = %v", err)
	}
	if _, err := hs.c.FetchSummary(nil, testCallSID); err == nil {
		t.Error("nil context: no error")
	}
	var zero *Client
	if _, err := zero.FetchSummary(context.Background(), testCallSID); err == nil {
		t.Error("nil client: no error")
	}
	hs.wantHits(0)
}

func TestFetchSummaryBodyLimit(t *testing.T) {
	// A valid summary padded with spaces to exactly the limit is accepted;
	// one byte more is refused, and not retried.
	body := fixture(t, "carrier.json")
	exact := append(bytes.Clone(body), bytes.Repeat([]byte(" "), MaxResponseBytes-len(body))...)
	hs := newHarness(t, serve(http.StatusOK, exact))
	if s, err := hs.fetch(context.Background(), testCallSID); err != nil || len(s.Raw()) != MaxResponseBytes {
		t.Fatalf("body of exactly the limit: err = %v", err)
	}
	over := append(exact, ' ')
	hs2 := newHarness(t, serve(http.StatusOK, over))
	_, err := hs2.fetch(context.Background(), testCallSID)
	if !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("err = %v, want ErrResponseTooLarge", err)
	}
	hs2.wantHits(1)
	hs3 := newHarness(t, serve(http.StatusBadGateway, over))
	if _, err := hs3.fetch(context.Background(), testCallSID); !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("error body over the limit: err = %v", err)
	}
	hs3.wantHits(1)
}

func TestFetchSummaryDecodeError(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantOffset bool
		wantPtr    string
		wantErr    any
	}{
		{"syntax", `{"call_sid": "CA`, true, "/call_sid", new(*jsontext.SyntacticError)},
		{"html", `<html>ok</html>`, false, "", nil},
		{"null", `null`, false, "", nil},
		{"empty", ``, false, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, serve(http.StatusOK, []byte(tt.body)))
			_, err := hs.fetch(context.Background(), testCallSID)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want *DecodeError", err)
			}
			if de.StatusCode != http.StatusOK {
				t.Errorf("StatusCode = %d", de.StatusCode)
			}
			if (de.Offset > 0) != tt.wantOffset {
				t.Errorf("Offset = %d, want known: %v", de.Offset, tt.wantOffset)
			}
			if de.Pointer != tt.wantPtr {
				t.Errorf("Pointer = %q, want %q", de.Pointer, tt.wantPtr)
			}
			if tt.wantErr != nil && !errors.As(err, tt.wantErr) {
				t.Errorf("err %v does not unwrap to %T", err, tt.wantErr)
			}
			hs.wantHits(1) // a bad body is not retried
		})
	}
}

func TestRawKeepsUnknownFields(t *testing.T) {
	body := withFields(t, fixture(t, "carrier.json"), map[string]any{"processing_version": 7, "parent_call_sid": ""})
	hs := newHarness(t, serve(http.StatusOK, body))
	s, err := hs.fetch(context.Background(), testCallSID)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := wirejson.Unmarshal(s.Raw(), &m); err != nil {
		t.Fatal(err)
	}
	if m["processing_version"] != float64(7) {
		t.Errorf("processing_version lost from Raw: %v", m["processing_version"])
	}
	raw := s.Raw()
	raw[0] = 'X'
	if s.Raw()[0] != '{' {
		t.Error("Raw returns the Summary's own slice")
	}
	p, err := ParseSummary(body)
	if err != nil || *p.CallSID != *s.CallSID {
		t.Errorf("ParseSummary: %v", err)
	}
}
