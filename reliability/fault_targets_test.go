package reliability

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// refusedTarget is the address of a listener that was closed: nothing
// accepts there, so every dial is refused.
func refusedTarget(t *testing.T, _ *sandbox.Server) (string, func() int64) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr, func() int64 { return -1 }
}

// servePSTN serves the carrier fixture with call_type "pstn": JSON the
// wrapper decodes although the document's enum forbids it.
func servePSTN(t *testing.T, srv *sandbox.Server) (string, func() int64) {
	fixture, _ := srv.Handler().Fixture(carrierSID, callsummary.ProcessingStateComplete)
	var m map[string]any
	if err := wirejson.Unmarshal(fixture, &m); err != nil {
		t.Fatal(err)
	}
	m["call_type"] = "pstn"
	body, err := wirejson.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(ts.Close)
	return ts.URL, hits.Load
}

// selfRedirect makes the sandbox's redirects point at the sandbox itself,
// under the same name: a loop that keeps the credentials.
func selfRedirect(t *testing.T, srv *sandbox.Server) (string, func() int64) {
	loc := srv.URL + "/v1/Voice/" + carrierSID + "/Summary"
	for range 12 {
		if err := srv.Handler().Inject(carrierSID, sandbox.Fault{Kind: sandbox.FaultRedirect, Location: loc}); err != nil {
			t.Fatal(err)
		}
	}
	return srv.URL, func() int64 { return srv.Handler().RequestsFor(carrierSID) }
}

// redirectToRecorder makes the sandbox redirect to a server on another port
// that records the Authorization header it gets and serves the fixture.
func redirectToRecorder(t *testing.T, srv *sandbox.Server) (string, func() int64) {
	body, _ := srv.Handler().Fixture(carrierSID, callsummary.ProcessingStateComplete)
	var (
		mu    sync.Mutex
		auths []string
	)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.Copy(w, bytes.NewReader(body))
	}))
	t.Cleanup(other.Close)
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if len(auths) != 1 {
			t.Errorf("the other host got %d requests, want 1", len(auths))
		}
		for _, a := range auths {
			if a != "" {
				t.Errorf("Authorization arrived at the other host: %d bytes", len(a))
			}
		}
	})
	loc := other.URL + "/v1/Voice/" + carrierSID + "/Summary"
	if err := srv.Handler().Inject(carrierSID, sandbox.Fault{Kind: sandbox.FaultRedirect, Location: loc}); err != nil {
		t.Fatal(err)
	}
	return srv.URL, func() int64 { return srv.Handler().RequestsFor(carrierSID) }
}
