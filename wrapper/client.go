package callsummary

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"runtime"
	"strings"

	"github.com/voiceinsights/callsummary/gen"
)

// Version is this SDK's version, sent in the User-Agent.
const Version = "0.2.0"

// userAgent reads like "callsummary-go/0.2.0 (go1.26.8; linux/amd64)".
var userAgent = fmt.Sprintf("callsummary-go/%s (%s; %s/%s)", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)

// Client fetches Call Summaries. It is safe for concurrent use. Printing it
// with any fmt verb shows the host and the credential's SID, never the
// secret.
type Client struct {
	api     *gen.Client
	baseURL string
	creds   *credentials
	log     *slog.Logger
	clock   *clock
	doer    *retryDoer
}

// NewClient builds a Client. Credentials come from WithCredentials or
// WithAPIKey, else from the environment (see Env). The host comes from the
// last of WithBaseURL and WithRegion, else from the environment, else
// DefaultBaseURL. The environment is os.Getenv unless WithEnv gives one.
func NewClient(opts ...Option) (*Client, error) {
	var s settings
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	if s.creds == nil || !s.hostSet {
		if s.env == nil {
			e, err := LoadEnv(nil)
			if err != nil && s.creds == nil {
				return nil, err
			}
			s.env = &e
		}
		if s.creds == nil {
			if s.env.creds == nil {
				return nil, errNoCredentials
			}
			s.creds = s.env.creds
		}
	}
	base, err := s.host()
	if err != nil {
		return nil, err
	}
	policy, err := s.retry.withDefaults()
	if err != nil {
		return nil, err
	}
	hc, err := buildHTTPClient(s.httpClient, s.middlewares, s.creds.redact)
	if err != nil {
		return nil, err
	}
	log := s.logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Client{baseURL: base, creds: s.creds, log: log, clock: newClock()}
	c.doer = &retryDoer{hc: hc, redact: s.creds.redact, policy: policy, log: log, clock: c.clock, maxBytes: MaxResponseBytes}
	c.api, err = gen.NewClient(base,
		gen.WithHTTPClient(c.doer),
		gen.WithRequestEditorFn(c.editRequest))
	if err != nil {
		return nil, fmt.Errorf("callsummary: %w", err)
	}
	return c, nil
}

// editRequest runs once per request; every retry re-sends a clone.
func (c *Client) editRequest(_ context.Context, req *http.Request) error {
	req.Header.Set("Authorization", c.creds.header())
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "application/json")
	return nil
}

// check is the guard every request method runs first: a nil or zero
// Client and a nil Context are errors, not panics.
func (c *Client) check(ctx context.Context) error {
	switch {
	case c == nil || c.api == nil:
		return errNilClient
	case ctx == nil:
		return errNilContext
	}
	return nil
}

// BaseURL is the scheme, host and path prefix requests go to ("" for a nil
// Client).
func (c *Client) BaseURL() string {
	if c == nil {
		return ""
	}
	return c.baseURL
}

// Redact returns text with the client's secret, the Basic header value
// that carries it, and any run of eight bytes or more of either replaced by
// "[REDACTED]": the client's own errors and logs are redacted so; use it on
// anything else a server sent before printing it, since a proxy may echo
// the credential into a field of a successful response too.
func (c *Client) Redact(text string) string {
	if c == nil || c.creds == nil {
		return text
	}
	return c.creds.redact(text)
}

func (c *Client) String() string {
	if c == nil || c.creds == nil {
		return "callsummary.Client(nil)"
	}
	return fmt.Sprintf("callsummary.Client{base: %s, auth: %s}", c.baseURL, c.creds)
}

// GoString keeps %#v from printing fields (and so the secret).
func (c *Client) GoString() string { return c.String() }

// Format makes every verb, %+v and %x included, print String.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// CallSIDPattern is the pattern the document gives a call SID.
const CallSIDPattern = `^CA[0-9a-fA-F]{32}$`

// ValidateCallSID reports whether sid is a call SID (CallSIDPattern), as
// every method taking one does before sending anything. The error wraps
// ErrInvalidCallSID and says what is wrong without echoing the value, which
// could be a token passed by mistake.
func ValidateCallSID(sid string) error {
	const want = "want " + CallSIDPattern + " (CA and 32 hex digits)"
	trimmed := strings.TrimSpace(sid)
	switch {
	case sid == "":
		return fmt.Errorf("%w: empty; %s", ErrInvalidCallSID, want)
	case trimmed != sid && ValidateCallSID(trimmed) == nil:
		return fmt.Errorf("%w: a call SID with white space around it; %s", ErrInvalidCallSID, want)
	case strings.Contains(sid, "://") || strings.Contains(sid, "/Summary"):
		return fmt.Errorf("%w: a URL, not a call SID; give the CA… part alone; %s", ErrInvalidCallSID, want)
	case len(sid) >= 2 && strings.EqualFold(sid[:2], "CA") && sid[:2] != "CA":
		return fmt.Errorf("%w: starts with %q; a call SID starts with upper-case \"CA\"; %s", ErrInvalidCallSID, sid[:2], want)
	case len(sid) >= 2 && (sid[:2] == "AC" || sid[:2] == "SK" || sid[:2] == "CF" || sid[:2] == "RE"):
		return fmt.Errorf("%w: starts with %q, the prefix of another kind of Twilio SID (account, key, conference, recording); %s",
			ErrInvalidCallSID, sid[:2], want)
	case len(sid) != 34:
		return fmt.Errorf("%w: %d bytes long, not 34; %s", ErrInvalidCallSID, len(sid), want)
	case sid[:2] != "CA":
		return fmt.Errorf("%w: does not start with \"CA\"; %s", ErrInvalidCallSID, want)
	}
	for i := 2; i < len(sid); i++ {
		if !isHex(sid[i]) {
			return fmt.Errorf("%w: byte %d is not a hex digit; %s", ErrInvalidCallSID, i, want)
		}
	}
	return nil
}

func isHex(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F'
}

var shortWord = regexp.MustCompile(`^[a-z_]{1,16}$`)

func validateProcessingState(p ProcessingState) error {
	if p.Valid() {
		return nil
	}
	if shortWord.MatchString(string(p)) { // e.g. "all": safe and useful to show
		return fmt.Errorf("%w %q: want %q or %q", ErrInvalidProcessingState, string(p), ProcessingStateComplete, ProcessingStatePartial)
	}
	return fmt.Errorf("%w: want %q or %q", ErrInvalidProcessingState, ProcessingStateComplete, ProcessingStatePartial)
}

// FetchSummary fetches the summary of one call. Without options no
// ProcessingState is sent and Twilio's default applies (its documents do
// not name it); WithProcessingState(ProcessingStatePartial) returns the
// newest summary, complete or not, and WaitForComplete builds on it.
//
// Errors: ErrInvalidCallSID or ErrInvalidProcessingState before any
// request; *APIError for a non-2xx response (match ErrNotFound and the
// other sentinels with errors.Is); *DecodeError for a 2xx body that is not
// a summary; ErrResponseTooLarge; otherwise a transport or context error,
// wrapped.
func (c *Client) FetchSummary(ctx context.Context, callSID string, opts ...FetchOption) (*Summary, error) {
	if err := c.check(ctx); err != nil {
		return nil, err
	}
	var fs fetchSettings
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&fs); err != nil {
			return nil, err
		}
	}
	if err := ValidateCallSID(callSID); err != nil {
		return nil, err
	}
	resp, err := c.api.FetchSummary(ctx, callSID, &gen.FetchSummaryParams{ProcessingState: fs.state})
	if err != nil {
		return nil, fmt.Errorf("callsummary: fetching summary of %s: %w", callSID, err)
	}
	body, err := c.readBody(resp, "summary of "+callSID)
	if err != nil {
		return nil, err
	}
	s, err := decodeSummary(resp.StatusCode, body)
	if err != nil {
		return nil, c.scrubDecode(err)
	}
	if err := sameCall(callSID, s.CallSID); err != nil {
		return nil, err
	}
	c.logIssues(ctx, callSID, s)
	return s, nil
}

// scrubDecode removes the client's secret from a *DecodeError's pointer: a
// proxy that echoes the credential can make it a member name.
func (c *Client) scrubDecode(err error) error {
	if de, ok := errors.AsType[*DecodeError](err); ok {
		de.Pointer = c.creds.redact(de.Pointer)
	}
	return err
}

// sameCall refuses a response that names another call than the one asked
// for (a null call_sid cannot tell, and passes). SIDs compare without case:
// their hex digits may be written either way.
func sameCall(asked string, got *string) error {
	if got == nil || strings.EqualFold(*got, asked) {
		return nil
	}
	if ValidateCallSID(*got) != nil {
		return fmt.Errorf("%w: asked for %s, got a call_sid that is not a call SID", ErrWrongCall, asked)
	}
	return fmt.Errorf("%w: asked for %s, got %s", ErrWrongCall, asked, *got)
}

// logIssues logs, at Warn and once each, the values of a summary that did
// not fit their types: where and why, never the value.
func (c *Client) logIssues(ctx context.Context, callSID string, s *Summary) {
	for i := range s.issues {
		// A map key in a pointer is the server's: it may echo the secret.
		s.issues[i].Pointer = c.creds.redact(s.issues[i].Pointer)
	}
	for _, is := range s.issues {
		c.log.LogAttrs(ctx, slog.LevelWarn, "callsummary: a value did not fit its type and was left at its zero value",
			slog.String("call_sid", callSID), slog.String("pointer", is.Pointer), slog.String("reason", is.Err.Error()))
	}
}

// readBody takes the body the doer read and closes the response; a non-2xx
// response becomes an *APIError. The doer has already bounded the body
// (MaxResponseBytes): every response reaching here went through it.
func (c *Client) readBody(resp *http.Response, what string) ([]byte, error) {
	defer resp.Body.Close()
	bb, ok := resp.Body.(*bufferedBody)
	if !ok {
		return nil, fmt.Errorf("callsummary: reading %s: the response did not come through the client's transport", what)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, newAPIError(resp, bb.data, withRequestPII(resp.Request, c.creds.redact))
	}
	return bb.data, nil
}
