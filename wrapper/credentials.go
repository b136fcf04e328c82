package callsummary

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
)

// Environment variables NewClient reads when no option sets the value.
const (
	EnvAccountSID = "TWILIO_ACCOUNT_SID"
	EnvAuthToken  = "TWILIO_AUTH_TOKEN"
	EnvAPIKey     = "TWILIO_API_KEY"
	EnvAPISecret  = "TWILIO_API_SECRET"
	EnvRegion     = "TWILIO_REGION"
	EnvEdge       = "TWILIO_EDGE"
	// EnvBaseURL points the client at another host than Twilio's (a
	// sandbox, a recording proxy) without changing code, as WithBaseURL
	// does. It wins over TWILIO_REGION and TWILIO_EDGE.
	EnvBaseURL = "CALLSUMMARY_BASE_URL"
)

const redacted = "[REDACTED]"

// credentials is the HTTP Basic user and password. fmt prints unexported
// fields raw, without calling their methods, even behind a pointer (a bad
// verb such as %s on a struct shows &{…}). So the secret is captured in a
// closure, which fmt can only print as an address, and the type also
// formats itself redacted.
type credentials struct {
	kind   string              // "account" or "api-key", for messages
	user   string              // AC… or SK…: not a secret
	secret func() string       // never a plain field
	scrub  func(string) string // newRedactor of the secret and the header
}

func (c credentials) String() string {
	return fmt.Sprintf("%s %s:%s", c.kind, c.user, redacted)
}

func (c credentials) GoString() string { return c.String() }

func (c credentials) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// header is the Authorization header value.
func (c credentials) header() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(c.user+":"+c.secret()))
}

// redact removes the secret, the header value that carries it, and any
// long run of either, from s.
func (c credentials) redact(s string) string {
	if c.scrub == nil {
		return s
	}
	return c.scrub(s)
}

func newCredentials(kind, user, secret string) (*credentials, error) {
	// Messages never include the values: a swapped argument would be a
	// token printed in a log.
	switch {
	case user == "":
		return nil, fmt.Errorf("callsummary: %s credentials: empty SID", kind)
	case secret == "":
		return nil, fmt.Errorf("callsummary: %s credentials: empty secret", kind)
	case strings.ContainsAny(user, ":\r\n"):
		return nil, fmt.Errorf("callsummary: %s credentials: SID contains ':' or a line break", kind)
	}
	c := &credentials{kind: kind, user: user, secret: func() string { return secret }}
	c.scrub = newRedactor(secret, strings.TrimPrefix(c.header(), "Basic "))
	return c, nil
}

// errNoCredentials is NewClient's error when neither an option nor the
// environment gives credentials.
var errNoCredentials = fmt.Errorf("callsummary: no credentials: use WithCredentials or WithAPIKey, or set %s and %s, or %s and %s",
	EnvAccountSID, EnvAuthToken, EnvAPIKey, EnvAPISecret)

// Env is the client configuration found in environment variables, read
// once by LoadEnv: the credentials (an API key pair, Twilio's
// recommendation for servers, before the account pair), the region and
// edge, and EnvBaseURL. Printing an Env never shows the secret.
type Env struct {
	creds *credentials // nil: no complete pair
	// Region and Edge are TWILIO_REGION and TWILIO_EDGE.
	Region, Edge string
	// BaseURL is CALLSUMMARY_BASE_URL, checked as WithBaseURL checks it.
	BaseURL string
}

// LoadEnv reads the configuration from getenv (os.Getenv when nil). An
// empty variable counts as unset. It fails when only one variable of a
// credential pair is set (and no complete pair is), when the region and
// edge do not name a host, or when CALLSUMMARY_BASE_URL is not a base URL
// WithBaseURL would accept; a missing pair is not an error
// (HasCredentials says so).
func LoadEnv(getenv func(string) string) (Env, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	e := Env{Region: getenv(EnvRegion), Edge: getenv(EnvEdge), BaseURL: getenv(EnvBaseURL)}
	key, keySecret := getenv(EnvAPIKey), getenv(EnvAPISecret)
	sid, token := getenv(EnvAccountSID), getenv(EnvAuthToken)
	var err error
	switch {
	case key != "" && keySecret != "":
		e.creds, err = newCredentials("api-key", key, keySecret)
	case sid != "" && token != "":
		e.creds, err = newCredentials("account", sid, token)
	default:
		err = halfSetPair(getenv)
	}
	if err != nil {
		return e, err
	}
	if _, err := e.host(); err != nil {
		return e, err
	}
	return e, nil
}

// halfSetPair reports a credential pair with only one variable set.
func halfSetPair(getenv func(string) string) error {
	var half []string
	for _, p := range [][2]string{{EnvAccountSID, EnvAuthToken}, {EnvAPIKey, EnvAPISecret}} {
		a, b := getenv(p[0]) != "", getenv(p[1]) != ""
		if a != b {
			set, unset := p[0], p[1]
			if b {
				set, unset = p[1], p[0]
			}
			half = append(half, fmt.Sprintf("%s is set but %s is empty", set, unset))
		}
	}
	if len(half) == 0 {
		return nil
	}
	return errors.New("callsummary: incomplete credentials in the environment: " + strings.Join(half, "; "))
}

// HasCredentials reports whether the environment holds a complete pair.
func (e Env) HasCredentials() bool { return e.creds != nil }

// host is the base URL the environment chooses.
func (e *Env) host() (string, error) {
	if e == nil {
		return DefaultBaseURL, nil
	}
	if e.BaseURL != "" {
		u, err := checkBaseURL(e.BaseURL)
		if err != nil {
			return "", fmt.Errorf("%w (from %s)", err, EnvBaseURL)
		}
		return u, nil
	}
	u, err := regionalBaseURL(e.Region, e.Edge)
	if err != nil {
		return "", fmt.Errorf("%w (from %s/%s)", err, EnvRegion, EnvEdge)
	}
	return u, nil
}

func (e Env) String() string {
	auth := "none"
	if e.creds != nil {
		auth = e.creds.String()
	}
	base := e.BaseURL
	if u, err := url.Parse(base); err == nil {
		base = displayURL(u, nil)
	} else {
		base = "(not a URL)"
	}
	return fmt.Sprintf("callsummary.Env{auth: %s, region: %q, edge: %q, base: %q}", auth, e.Region, e.Edge, base)
}

// GoString keeps %#v from printing fields.
func (e Env) GoString() string { return e.String() }

// Format makes every verb print String.
func (e Env) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, e.String()) }
