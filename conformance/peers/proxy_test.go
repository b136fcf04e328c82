//go:build peers

package peers

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// proxiedSandbox starts the sandbox and `prism proxy --errors` in front of
// it, and returns the sandbox and the proxy's base URL.
func proxiedSandbox(t *testing.T, opts ...sandbox.Option) (*sandbox.Server, string) {
	t.Helper()
	srv, err := sandbox.NewServer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, startPrism(t, "proxy", "--errors", documentFile(t), srv.URL)
}

// proxyGet sends GET base+path with basic auth through Prism's proxy.
func proxyGet(t *testing.T, base, path, user, password string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s through Prism: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := wirejson.Unmarshal(a, &va); err != nil {
		return false
	}
	if err := wirejson.Unmarshal(b, &vb); err != nil {
		return false
	}
	return cmp.Equal(va, vb)
}

// Prism's proxy, a validator independent of ours, checks every response of
// the sandbox: every fixture in every state, and its 401 and 404 bodies.
// It finds nothing but the known disagreement (see nullEnumPointers).
func TestPrismProxyPassesSandbox(t *testing.T) {
	srv, base := proxiedSandbox(t)

	calls := srv.Handler().Calls()
	if len(calls) == 0 {
		t.Fatal("the sandbox has no fixtures")
	}
	for _, call := range calls {
		for _, state := range call.States {
			t.Run(call.SID+"/"+string(state), func(t *testing.T) {
				want, ok := srv.Handler().Fixture(call.SID, state)
				if !ok {
					t.Fatalf("no %s fixture for %s", state, call.SID)
				}
				path := "/v1/Voice/" + call.SID + "/Summary?ProcessingState=" + string(state)
				resp, body := proxyGet(t, base, path, srv.Handler().AccountSID(), srv.Handler().AuthToken())
				disagreement := nullEnumPointers(t, want)
				if got := prismViolations(t, resp); !slices.Equal(got, disagreement) {
					t.Fatalf("Prism reports violations at %v, want %v", got, disagreement)
				}
				if len(disagreement) > 0 {
					// --errors turns the known disagreement into a 500.
					if resp.StatusCode != http.StatusInternalServerError {
						t.Errorf("through Prism: %s; want 500 for null enums %v", describe(resp), disagreement)
					}
					return
				}
				if resp.StatusCode != http.StatusOK || !jsonEqual(t, body, want) {
					t.Errorf("through Prism: %s, body %s; want 200 and the fixture", describe(resp), body)
				}
			})
		}
	}

	errorCases := map[string]struct {
		path, password string
		status         int
	}{
		"unknown SID":    {"/v1/Voice/CA00000000000000000000000000000000/Summary", srv.Handler().AuthToken(), http.StatusNotFound},
		"wrong password": {"/v1/Voice/" + calls[0].SID + "/Summary", "not-the-token", http.StatusUnauthorized},
	}
	for name, tc := range errorCases {
		t.Run(name, func(t *testing.T) {
			resp, body := proxyGet(t, base, tc.path, srv.Handler().AccountSID(), tc.password)
			if resp.StatusCode != tc.status {
				t.Fatalf("through Prism: %s, body %s; want %d", describe(resp), body, tc.status)
			}
			if vs := prismViolations(t, resp); len(vs) != 0 {
				t.Errorf("Prism reports violations at %v", vs)
			}
			var e gen.Error
			if err := wirejson.Unmarshal(body, &e); err != nil || e.Status == nil || *e.Status != tc.status {
				t.Errorf("not Twilio's error body for %d: %s", tc.status, body)
			}
		})
	}
}

// The proxy does catch violations: every file of our negative set, served
// by an upstream, comes back as 500 with sl-violations at exactly the
// pointers our validator finds.
func TestPrismProxyCatchesViolations(t *testing.T) {
	v := newValidator(t)
	files, err := filepath.Glob("../testdata/negative/*.json")
	if err != nil || len(files) < 12 {
		t.Fatalf("negative set: %d files, %v", len(files), err)
	}
	var current atomic.Pointer[[]byte]
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(*current.Load())
	}))
	t.Cleanup(upstream.Close)
	base := startPrism(t, "proxy", "--errors", documentFile(t), upstream.URL)

	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want := ourPointers(t, v, body)
			current.Store(&body)
			// With --errors Prism answers 500 with its own problem body.
			resp, _ := proxyGet(t, base, "/v1/Voice/CA62608e08adc29a8d6dbc9754e659f125/Summary", testAccountSID, testAuthToken)
			if resp.StatusCode != http.StatusInternalServerError {
				t.Errorf("through Prism: %s; want 500", describe(resp))
			}
			if pointers := slices.Compact(prismViolations(t, resp)); !slices.Equal(pointers, want) {
				t.Errorf("Prism reports violations at %v, ours at %v", pointers, want)
			}
		})
	}
}

// ourPointers are the distinct pointers our validator rejects body at.
func ourPointers(t *testing.T, v *conformance.Validator, body []byte) []string {
	t.Helper()
	ve, ok := errors.AsType[*conformance.ValidationError](v.ValidateSummary(body))
	if !ok {
		t.Fatalf("our validator accepts a negative file")
	}
	out := ve.Pointers()
	slices.Sort(out)
	return slices.Compact(out)
}
