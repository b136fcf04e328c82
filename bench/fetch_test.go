package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/twilio/twilio-go"
	twilioclient "github.com/twilio/twilio-go/client"
	twilioinsights "github.com/twilio/twilio-go/rest/insights/v1"

	"github.com/voiceinsights/callsummary/gen"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// fetcher fetches one summary and returns its call SID.
type fetcher func(ctx context.Context, sid string) (string, error)

// newWrapperFetcher is the SDK: callsummary.Client.FetchSummary.
func newWrapperFetcher(tb testing.TB, baseURL string, opts ...callsummary.Option) fetcher {
	tb.Helper()
	opts = append([]callsummary.Option{
		callsummary.WithCredentials(accountSID, authToken),
		callsummary.WithBaseURL(baseURL),
		callsummary.WithHTTPClient(&http.Client{Transport: newTransport(tb), Timeout: fetchTimeout}),
	}, opts...)
	c, err := callsummary.NewClient(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return func(ctx context.Context, sid string) (string, error) {
		s, err := c.FetchSummary(ctx, sid)
		if err != nil {
			return "", err
		}
		return deref(s.CallSID), nil
	}
}

// newTwilioFetcher is twilio-go's InsightsV1.FetchSummary, its HTTP client
// replaced by one whose transport rewrites https://insights.twilio.com to
// the loopback server (and which, like twilio-go's default, does not follow
// redirects).
func newTwilioFetcher(tb testing.TB, baseURL string) fetcher {
	tb.Helper()
	target, err := url.Parse(baseURL)
	if err != nil {
		tb.Fatal(err)
	}
	rc := twilio.NewRestClientWithParams(twilio.ClientParams{Username: accountSID, Password: authToken})
	rc.RequestHandler.Edge, rc.RequestHandler.Region = "", "" // ignore TWILIO_EDGE/TWILIO_REGION
	base, ok := rc.RequestHandler.Client.(*twilioclient.Client)
	if !ok {
		tb.Fatalf("twilio-go's base client is a %T, not *client.Client", rc.RequestHandler.Client)
	}
	base.HTTPClient = &http.Client{
		Transport:     rewriteHost{target: target, next: newTransport(tb)},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       fetchTimeout,
	}
	return func(_ context.Context, sid string) (string, error) { // twilio-go takes no context
		s, err := rc.InsightsV1.FetchSummary(sid, &twilioinsights.FetchSummaryParams{})
		if err != nil {
			return "", err
		}
		return deref(s.CallSid), nil
	}
}

// newRawFetcher is the practical limit: net/http GET with basic auth, then
// encoding/json into gen.CallSummary, nothing else.
func newRawFetcher(tb testing.TB, baseURL string) fetcher {
	return newRawFetcherWith(tb, baseURL, func(b []byte, v any) error { return json.Unmarshal(b, v) })
}

// newRawJSONv2Fetcher is the same limit with the SDK's JSON engine,
// encoding/json/v2: what the wrapper is measured against on equal terms.
func newRawJSONv2Fetcher(tb testing.TB, baseURL string) fetcher {
	return newRawFetcherWith(tb, baseURL, func(b []byte, v any) error { return jsonv2.Unmarshal(b, v) })
}

func newRawFetcherWith(tb testing.TB, baseURL string, unmarshal func([]byte, any) error) fetcher {
	tb.Helper()
	hc := &http.Client{Transport: newTransport(tb), Timeout: fetchTimeout}
	return func(ctx context.Context, sid string) (string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/v1/Voice/"+sid+"/Summary", nil)
		if err != nil {
			return "", err
		}
		req.SetBasicAuth(accountSID, authToken)
		resp, err := hc.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return "", err
		}
		var s gen.CallSummary
		if err := unmarshal(body, &s); err != nil {
			return "", err
		}
		return deref(s.CallSID), nil
	}
}

// runFetches measures fetch, one request at a time, after one checked
// warm-up fetch that also opens the keep-alive connection.
func runFetches(b *testing.B, fetch fetcher, sid string) {
	b.Helper()
	ctx := context.Background()
	if got, err := fetch(ctx, sid); err != nil || got != sid {
		b.Fatalf("fetched call_sid %q, %v; want %q", got, err, sid)
	}
	b.ReportAllocs()
	for b.Loop() {
		got, err := fetch(ctx, sid)
		if err != nil {
			b.Fatal(err)
		}
		if got != sid {
			b.Fatalf("call_sid %q, want %q", got, sid)
		}
	}
}

// BenchmarkFetch fetches the client call's summary from one loopback
// httptest server, sequentially, through each client.
func BenchmarkFetch(b *testing.B) {
	p := mustPayload(b, Largest)
	srv := newLoopbackServer(b, p)
	impls := []struct {
		name string
		new  func(testing.TB, string) fetcher
	}{
		{"twilio", newTwilioFetcher},
		{"wrapper", func(tb testing.TB, u string) fetcher { return newWrapperFetcher(tb, u) }},
		{"raw", newRawFetcher},
		{"raw-jsonv2", newRawJSONv2Fetcher},
	}
	for _, impl := range impls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			runFetches(b, impl.new(b, srv.URL), p.CallSID)
		})
	}
}
