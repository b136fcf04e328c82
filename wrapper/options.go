package wrapper

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/voiceinsights/callsummary/gen"
)

// Option configures NewClient. Options are applied in order; a later one of
// the same kind replaces an earlier one (WithTransportMiddleware adds). A nil
// Option is ignored.
type Option func(*settings) error

type settings struct {
	creds       *credentials
	baseURL     string
	region      string
	edge        string
	regionSet   bool
	httpClient  *http.Client
	retry       RetryPolicy
	logger      *slog.Logger
	middlewares []func(http.RoundTripper) http.RoundTripper
}

// WithCredentials authenticates with an Account SID (AC…) and its Auth
// Token. It replaces any earlier credentials option and the environment.
func WithCredentials(accountSID, authToken string) Option {
	return func(s *settings) error {
		c, err := newCredentials("account", accountSID, authToken)
		s.creds = c
		return err
	}
}

// WithAPIKey authenticates with an API Key SID (SK…) and its secret; the
// Account SID is not needed for this endpoint.
func WithAPIKey(apiKeySID, apiKeySecret string) Option {
	return func(s *settings) error {
		c, err := newCredentials("api-key", apiKeySID, apiKeySecret)
		s.creds = c
		return err
	}
}

// WithBaseURL sends requests to rawURL instead of Twilio's host: a test
// server, a sandbox or a proxy. It must be https unless the host is
// loopback (localhost, 127.0.0.0/8, ::1); a path prefix is kept. It takes
// precedence over WithRegion and TWILIO_REGION/TWILIO_EDGE.
func WithBaseURL(rawURL string) Option {
	return func(s *settings) error {
		u, err := checkBaseURL(rawURL)
		s.baseURL = u
		return err
	}
}

// WithRegion selects the host https://insights.{edge}.{region}.twilio.com
// (see the package documentation for defaults). It takes precedence over
// TWILIO_REGION and TWILIO_EDGE. Credentials must belong to that region.
func WithRegion(region, edge string) Option {
	return func(s *settings) error {
		s.region, s.edge, s.regionSet = region, edge, true
		return nil
	}
}

// WithHTTPClient sends requests through a copy of hc; hc itself is never
// modified. The copy gets DefaultTimeout if hc.Timeout is zero, and a
// CheckRedirect that drops Authorization on a redirect to another host
// before calling hc.CheckRedirect.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error {
		if hc == nil {
			return errors.New("callsummary: WithHTTPClient(nil)")
		}
		s.httpClient = hc
		return nil
	}
}

// WithRetry sets the retry policy; zero fields take the defaults.
func WithRetry(p RetryPolicy) Option {
	return func(s *settings) error {
		s.retry = p
		return nil
	}
}

// WithLogger logs retries and polls at debug level to l. The default
// discards. No log line carries a credential, and summaries log with their
// parties redacted.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		s.logger = l
		return nil
	}
}

// WithTransportMiddleware wraps the RoundTripper of the HTTP client in use
// (http.DefaultTransport when it has none). Each call adds a layer around
// the previous ones, so the last one added sees each request first. A
// validating RoundTripper, a recorder or tracing plug in here; it sees every
// attempt, retries included.
func WithTransportMiddleware(mw func(http.RoundTripper) http.RoundTripper) Option {
	return func(s *settings) error {
		if mw == nil {
			return errors.New("callsummary: WithTransportMiddleware(nil)")
		}
		s.middlewares = append(s.middlewares, mw)
		return nil
	}
}

// ProcessingState is the summary's assembly state, as a query parameter and
// in the response's processing_state.
type ProcessingState = gen.ProcessingState

// The processing states. With ProcessingStatePartial Twilio returns the
// newest summary, complete or not; with ProcessingStateComplete it asks for
// the complete one. Twilio's prose also names "all", which its enum lacks:
// it is refused here.
const (
	ProcessingStateComplete = gen.ProcessingStateComplete
	ProcessingStatePartial  = gen.ProcessingStatePartial
)

// FetchOption configures one FetchSummary call. A nil FetchOption is ignored.
type FetchOption func(*fetchSettings)

type fetchSettings struct {
	state *ProcessingState
}

// WithProcessingState sends ProcessingState=state. Any value other than
// the two constants fails with ErrInvalidProcessingState before sending.
func WithProcessingState(state ProcessingState) FetchOption {
	return func(f *fetchSettings) { f.state = &state }
}
