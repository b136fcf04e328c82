package wrapper

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Environment variables read by NewClient when no option sets the value.
const (
	EnvAccountSID = "TWILIO_ACCOUNT_SID"
	EnvAuthToken  = "TWILIO_AUTH_TOKEN"
	EnvAPIKey     = "TWILIO_API_KEY"
	EnvAPISecret  = "TWILIO_API_SECRET"
	EnvRegion     = "TWILIO_REGION"
	EnvEdge       = "TWILIO_EDGE"
)

const redacted = "[REDACTED]"

// credentials is the HTTP Basic user and password. fmt prints unexported
// fields raw, without calling their methods, even behind a pointer (a bad
// verb such as %s on a struct shows &{…}). So the secret is captured in a
// closure, which fmt can only print as an address, and the type also
// formats itself redacted.
type credentials struct {
	kind   string        // "account" or "api-key", for messages
	user   string        // AC… or SK…: not a secret
	secret func() string // never a plain field
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

// redact removes the secret, and the header that carries it, from s.
func (c credentials) redact(s string) string {
	if c.secret == nil {
		return s
	}
	s = strings.ReplaceAll(s, c.secret(), redacted)
	return strings.ReplaceAll(s, strings.TrimPrefix(c.header(), "Basic "), redacted)
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
	return &credentials{kind: kind, user: user, secret: func() string { return secret }}, nil
}

// credentialsFromEnv prefers an API key pair (Twilio's recommendation for
// servers) over the account pair. A half-set pair is reported only when no
// complete pair exists.
func credentialsFromEnv() (*credentials, error) {
	key, keySecret := os.Getenv(EnvAPIKey), os.Getenv(EnvAPISecret)
	sid, token := os.Getenv(EnvAccountSID), os.Getenv(EnvAuthToken)
	switch {
	case key != "" && keySecret != "":
		return newCredentials("api-key", key, keySecret)
	case sid != "" && token != "":
		return newCredentials("account", sid, token)
	}
	msg := fmt.Sprintf("callsummary: no credentials: use WithCredentials or WithAPIKey, or set %s and %s, or %s and %s",
		EnvAccountSID, EnvAuthToken, EnvAPIKey, EnvAPISecret)
	var half []string
	for _, p := range [][2]string{{EnvAccountSID, EnvAuthToken}, {EnvAPIKey, EnvAPISecret}} {
		a, b := os.Getenv(p[0]) != "", os.Getenv(p[1]) != ""
		if a != b {
			set, unset := p[0], p[1]
			if b {
				set, unset = p[1], p[0]
			}
			half = append(half, fmt.Sprintf("%s is set but %s is empty", set, unset))
		}
	}
	if len(half) > 0 {
		msg += " (" + strings.Join(half, "; ") + ")"
	}
	return nil, errors.New(msg)
}
