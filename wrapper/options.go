package callsummary

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Option configures NewClient. Options are applied in order; a later one of
// the same kind replaces an earlier one (WithTransportMiddleware adds). A nil
// Option is ignored. An option that cannot be applied makes NewClient fail
// with its error.
type Option func(*settings) error

type settings struct {
	creds       *credentials
	hostSet     bool
	baseURL     string // set by WithBaseURL; else the region and edge apply
	region      string
	edge        string
	env         *Env
	httpClient  *http.Client
	retry       RetryPolicy
	logger      *slog.Logger
	middlewares []func(http.RoundTripper) http.RoundTripper
}

// host is the base URL: the last host option's, else the environment's,
// else DefaultBaseURL.
func (s *settings) host() (string, error) {
	if s.hostSet {
		if s.baseURL != "" {
			return s.baseURL, nil
		}
		return regionalBaseURL(s.region, s.edge)
	}
	return s.env.host()
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

// WithEnv makes NewClient take what no other option sets (credentials, the
// host) from env instead of the process environment: a configuration read
// once with LoadEnv, from a getenv of the caller's choosing.
func WithEnv(env Env) Option {
	return func(s *settings) error {
		s.env = &env
		return nil
	}
}

// WithBaseURL sends requests to rawURL instead of Twilio's host: a test
// server, a sandbox or a proxy. It must be https unless the host is
// loopback (localhost, 127.0.0.0/8, ::1); a path prefix is kept. It
// replaces an earlier WithRegion, and the environment's host.
func WithBaseURL(rawURL string) Option {
	return func(s *settings) error {
		u, err := checkBaseURL(rawURL)
		if err != nil {
			return err
		}
		s.hostSet, s.baseURL, s.region, s.edge = true, u, "", ""
		return nil
	}
}

// WithRegion selects the host https://insights.{edge}.{region}.twilio.com
// (see the package documentation for defaults). It replaces an earlier
// WithBaseURL, and the environment's host. Credentials must belong to that
// region.
func WithRegion(region, edge string) Option {
	return func(s *settings) error {
		if _, err := regionalBaseURL(region, edge); err != nil {
			return err
		}
		s.hostSet, s.baseURL, s.region, s.edge = true, "", region, edge
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
		if _, err := p.withDefaults(); err != nil {
			return err
		}
		s.retry = p
		return nil
	}
}

// WithLogger logs retries and polls at debug level to l. The default, and
// WithLogger(nil), discard. No log line carries a credential, and summaries
// log with their parties redacted.
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

// FetchOption configures one FetchSummary call. A nil FetchOption is
// ignored; one that cannot be applied fails the call before any request.
type FetchOption func(*fetchSettings) error

type fetchSettings struct {
	state *ProcessingState
}

// WithProcessingState sends ProcessingState=state. Any value other than
// ProcessingStateComplete and ProcessingStatePartial fails with
// ErrInvalidProcessingState before sending.
func WithProcessingState(state ProcessingState) FetchOption {
	return func(f *fetchSettings) error {
		if err := validateProcessingState(state); err != nil {
			return err
		}
		f.state = &state
		return nil
	}
}

// WaitOption configures WaitForComplete. A nil WaitOption is ignored; one
// that cannot be applied fails the call before any request.
type WaitOption func(*waitSettings) error

type waitSettings struct {
	interval  time.Duration
	onPartial func(*Summary)
}

// WithPollInterval sets the first interval between polls (default
// DefaultPollInterval); later intervals grow by half up to four times it.
// d must be positive.
func WithPollInterval(d time.Duration) WaitOption {
	return func(w *waitSettings) error {
		if d <= 0 {
			return fmt.Errorf("callsummary: WithPollInterval(%v): the interval must be positive", d)
		}
		w.interval = d
		return nil
	}
}

// WithPartialHandler calls fn with every partial summary polled, from the
// polling goroutine, before the next wait.
func WithPartialHandler(fn func(*Summary)) WaitOption {
	return func(w *waitSettings) error {
		if fn == nil {
			return errors.New("callsummary: WithPartialHandler(nil)")
		}
		w.onPartial = fn
		return nil
	}
}
