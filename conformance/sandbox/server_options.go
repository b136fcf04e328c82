package sandbox

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// The sandbox's default credentials. They are fake: the Account SID is the one
// the document's examples belong to, and the token says what it is. They are
// printed by `callsummary serve` and are safe to commit.
const (
	AccountSID = "ACe268443e43d93dab7ebef303bbe9642f"
	AuthToken  = "sandbox-auth-token"
)

// A Option configures a sandbox Handler or Server.
type Option func(*serverConfig)

type serverConfig struct {
	accountSID, authToken string
	keySID, keySecret     string
	clock                 func() time.Time
	lifecycle             *Lifecycle
	completeAfter         time.Duration // WithCompletion; 0 is off
	logger                *slog.Logger
	popSize               int
	popSeed               uint64
}

func newServerConfig(opts []Option) (serverConfig, error) {
	cfg := serverConfig{
		accountSID: AccountSID,
		authToken:  AuthToken,
		clock:      time.Now,
		logger:     slog.New(slog.DiscardHandler),
		popSize:    DefaultPopulationSize,
		popSeed:    DefaultPopulationSeed,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	if cfg.accountSID == "" || cfg.authToken == "" {
		return cfg, errors.New("sandbox: sandbox credentials must not be empty")
	}
	if (cfg.keySID == "") != (cfg.keySecret == "") {
		return cfg, errors.New("sandbox: an API key needs both its SID and its secret")
	}
	if cfg.clock == nil {
		return cfg, errors.New("sandbox: WithClock needs a function")
	}
	if cfg.logger == nil {
		return cfg, errors.New("sandbox: WithLogger needs a logger")
	}
	if cfg.popSize < 0 || cfg.popSize > MaxPopulationSize {
		return cfg, fmt.Errorf("sandbox: population size %d is outside [0, %d]", cfg.popSize, MaxPopulationSize)
	}
	if cfg.lifecycle != nil {
		if err := cfg.lifecycle.validate(); err != nil {
			return cfg, err
		}
	}
	switch {
	case cfg.completeAfter < 0:
		return cfg, errors.New("sandbox: WithCompletion needs a positive delay")
	case cfg.completeAfter > 0 && cfg.lifecycle != nil:
		return cfg, errors.New("sandbox: WithCompletion and WithLifecycle both time the summaries; use one")
	}
	return cfg, nil
}

// WithCredentials replaces the Account SID and Auth Token the sandbox accepts
// (by default AccountSID and AuthToken).
func WithCredentials(accountSID, authToken string) Option {
	return func(c *serverConfig) { c.accountSID, c.authToken = accountSID, authToken }
}

// WithAPIKey makes the sandbox also accept an API key SID (SK…) and its
// secret, as Twilio does. The account credentials stay valid.
func WithAPIKey(keySID, secret string) Option {
	return func(c *serverConfig) { c.keySID, c.keySecret = keySID, secret }
}

// WithClock sets the clock lifecycle mode reads (time.Now by default). Fault
// delays always use real time: they exist to exercise real timeouts.
func WithClock(now func() time.Time) Option {
	return func(c *serverConfig) { c.clock = now }
}

// WithCompletion makes the calls that have only a partial summary complete
// d after NewHandler, on the clock (WithClock): from then on the sandbox
// serves the complete summary Twilio would have assembled
// (SampleCall.CompletesLater), so that a client waiting for it
// (WaitForComplete, `callsummary fetch --wait`) sees the wait end. Without it
// those calls stay partial. Every other call is served as without it. It
// cannot be combined with WithLifecycle, which times every call itself; d
// must be positive.
func WithCompletion(d time.Duration) Option {
	return func(c *serverConfig) {
		c.completeAfter = d
		if d <= 0 {
			c.completeAfter = -1 // refused by newServerConfig
		}
	}
}

// WithLogger sets the logger for the request log, written at debug level.
// The Authorization header is never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *serverConfig) { c.logger = l }
}
