package reliability

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/internal/testkit"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// partyKeys hold personal data inside from and to: numbers, SIP URIs,
// client names, addresses and coordinates.
var partyKeys = map[string]bool{"caller": true, "callee": true, "ip_address": true, "lat": true, "lon": true}

// parties returns the personal values of a summary's from and to, as text.
func parties(t *testing.T, body []byte) []string {
	t.Helper()
	var m map[string]any
	if err := wirejson.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(k, e)
			}
		case string:
			if partyKeys[key] {
				out = append(out, x)
			}
		case float64:
			if partyKeys[key] {
				out = append(out, strconv.FormatFloat(x, 'f', -1, 64))
			}
		}
	}
	walk("", m["from"])
	walk("", m["to"])
	return out
}

func assertNoParty(t *testing.T, what, s string, values []string) {
	t.Helper()
	for _, v := range values {
		if strings.Contains(s, v) {
			t.Errorf("%s holds the party value %q: %s", what, v, s)
		}
	}
}

// sampleSummaries are every summary the sandbox serves, with their parties.
type sample struct {
	name    string
	sid     string
	state   callsummary.ProcessingState
	body    []byte
	parties []string
}

func samples(t *testing.T, srv *sandbox.Server) []sample {
	var out []sample
	for _, c := range srv.Handler().Calls() {
		for _, st := range c.States {
			body, _ := srv.Handler().Fixture(c.SID, st)
			out = append(out, sample{name: c.SID + "/" + string(st), sid: c.SID, state: st, body: body, parties: parties(t, body)})
		}
	}
	return out
}

func TestSummaryLogsHideParties(t *testing.T) {
	srv := newSandbox(t, &syncBuffer{})
	rig := newClient(t, srv.URL, &syncBuffer{}, nil)
	checked := 0
	for _, sm := range samples(t, srv) {
		t.Run(sm.name, func(t *testing.T) {
			s, err := rig.client.FetchSummary(context.Background(), sm.sid, callsummary.WithProcessingState(sm.state))
			if err != nil {
				t.Fatal(err)
			}
			for name, h := range map[string]func(*syncBuffer) slog.Handler{
				"json": func(w *syncBuffer) slog.Handler {
					return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
				},
				"text": func(w *syncBuffer) slog.Handler {
					return slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
				},
			} {
				var buf syncBuffer
				log := slog.New(h(&buf))
				log.Debug("fetched", "summary", s)
				log.Debug("fetched", slog.Any("summary", s))
				log.With("summary", s).Info("fetched")
				out := buf.String()
				if s.CallSID != nil && !strings.Contains(out, *s.CallSID) {
					t.Errorf("%s log does not name the call: %s", name, out)
				}
				if (s.From != nil || s.To != nil) && !strings.Contains(out, "[REDACTED]") {
					t.Errorf("%s log does not mark the parties redacted: %s", name, out)
				}
				assertNoParty(t, name+" log of a *Summary", out, sm.parties)
			}
			checked += len(sm.parties)
		})
	}
	if checked == 0 {
		t.Fatal("no party values to look for: the fixtures changed")
	}
}

// breakParties returns bodies whose violations sit in from and to while the
// personal values stay in the body, some of them at the offending place.
func breakParties(t *testing.T, body []byte) map[string][]byte {
	t.Helper()
	party := func(m map[string]any, side string) map[string]any {
		p, _ := m[side].(map[string]any)
		if p == nil {
			p = map[string]any{}
		}
		return p
	}
	who := func(p map[string]any) any { return cmp.Or(p["caller"], p["callee"]) }
	variants := map[string]func(m map[string]any){
		"from is an array of its caller": func(m map[string]any) { m["from"] = []any{who(party(m, "from"))} },
		"from.caller is an array":        func(m map[string]any) { f := party(m, "from"); f["caller"] = []any{f["caller"]} },
		"to.callee is an object":         func(m map[string]any) { f := party(m, "to"); f["callee"] = map[string]any{"v": f["callee"]} },
		"from.location holds the caller": func(m map[string]any) { f := party(m, "from"); f["location"] = who(f) },
		"to.sdk holds the callee":        func(m map[string]any) { f := party(m, "to"); f["sdk"] = who(f) },
		"to.location.lat is a string": func(m map[string]any) {
			if l, ok := party(m, "to")["location"].(map[string]any); ok {
				l["lat"] = fmt.Sprint(l["lat"])
			}
		},
		// Not a PII field: only the validator's own discretion keeps the
		// value out.
		"call_state holds the caller":          func(m map[string]any) { m["call_state"] = who(party(m, "from")) },
		"call_type pstn beside intact parties": func(m map[string]any) { m["call_type"] = "pstn" },
	}
	out := make(map[string][]byte)
	for name, edit := range variants {
		var m map[string]any
		if err := wirejson.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		b, err := wirejson.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if !jsonEqual(b, body) { // the edit found what it breaks
			out[name] = b
		}
	}
	return out
}

func TestValidationErrorsHideParties(t *testing.T) {
	v, err := validator()
	if err != nil {
		t.Fatal(err)
	}
	srv := newSandbox(t, &syncBuffer{})
	rejected := 0
	for _, sm := range samples(t, srv) {
		if len(sm.parties) == 0 {
			continue
		}
		for name, body := range breakParties(t, sm.body) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v1/Voice/"+sm.sid+"/Summary", nil)
			resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
				Body: readCloser(body), Request: req}
			for via, err := range map[string]error{
				"ValidateSummary":  v.ValidateSummary(body),
				"ValidateResponse": v.ValidateResponse(req, resp),
			} {
				if err == nil {
					t.Errorf("%s %s: %s accepted a broken body", sm.name, name, via)
					continue
				}
				rejected++
				for verb, s := range testkit.Printed(err) {
					assertNoParty(t, sm.name+" "+name+" "+via+" "+verb, s, sm.parties)
				}
			}
		}
	}
	if rejected == 0 {
		t.Fatal("no body was rejected: the check proves nothing")
	}
	t.Logf("%d validation errors checked", rejected)
}

// TestValidatingTransportLogsHideParties runs the schema-violation fault
// through the conformance Transport in report mode, whose log is the
// violation report a user sees.
func TestValidatingTransportLogsHideParties(t *testing.T) {
	v, err := validator()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv := newSandbox(t, logs)
	values := parties(t, must(srv.Handler().Fixture(carrierSID, callsummary.ProcessingStateComplete)))
	if err := srv.Handler().Inject(carrierSID, sandbox.Fault{Kind: sandbox.FaultSchemaViolation}); err != nil {
		t.Fatal(err)
	}
	var reports syncBuffer
	rig := newClient(t, srv.URL, logs, nil, callsummary.WithTransportMiddleware(
		v.Middleware(conformance.LogViolationsTo(debugLogger(&reports)))))
	s, err := rig.client.FetchSummary(context.Background(), carrierSID)
	if err != nil || len(s.DecodeIssues()) == 0 {
		t.Fatalf("a schema violation: %v, issues %v; want the summary with its issues", err, s.DecodeIssues())
	}
	if !strings.Contains(logs.String(), `pointer=/duration`) {
		t.Fatalf("the decode issue is not logged: %q", logs.String())
	}
	if !strings.Contains(reports.String(), "/call_type") {
		t.Fatalf("no violation reported: %q", reports.String())
	}
	assertNoParty(t, "violation report", reports.String(), values)
	assertNoParty(t, "debug log", logs.String(), values)
	for verb, s := range testkit.Printed(err) {
		assertNoParty(t, "error "+verb, s, values)
	}
	sweepSecrets(t, err, logs, rig)
	assertNoSecret(t, "violation report", reports.String())
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	return wirejson.Unmarshal(a, &x) == nil && wirejson.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

func must(b []byte, ok bool) []byte {
	if !ok {
		panic("no such fixture")
	}
	return b
}
