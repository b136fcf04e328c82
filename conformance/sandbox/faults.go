package sandbox

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// A FaultKind is one way the sandbox can misbehave instead of answering.
type FaultKind int

const (
	// FaultTooManyRequests answers 429 with Twilio's 20429 body and, if
	// Fault.RetryAfter is set, a Retry-After header with that exact value
	// (seconds or an HTTP date).
	FaultTooManyRequests FaultKind = iota + 1
	// FaultServerError answers Fault.Status (500 by default; any 5xx) with a
	// Twilio JSON error body (20503 for 503, else 20500) and Retry-After if
	// Fault.RetryAfter is set.
	FaultServerError
	// FaultReset resets the connection (RST) before sending any byte. On a
	// reused keep-alive connection net/http's Transport retries a GET that
	// fails so, once, on another connection: the client then sees the next
	// response, and the sandbox counts two requests. Script it twice, or use
	// a fresh connection, to see the error.
	FaultReset
	// FaultResetMidBody sends a 200's headers and half its body, then resets.
	FaultResetMidBody
	// FaultTruncated declares the whole body's Content-Length, sends half of
	// it and closes the connection: the client reads io.ErrUnexpectedEOF.
	FaultTruncated
	// FaultStall waits Fault.Delay before answering normally (auth included);
	// with no Delay it waits until the client gives up.
	FaultStall
	// FaultSlowBody sends a 200's headers and half its body, waits
	// Fault.Delay (until the client gives up if zero), then sends the rest.
	FaultSlowBody
	// FaultHTMLError answers like a proxy: an HTML page with Fault.Status
	// (502 by default).
	FaultHTMLError
	// FaultInvalidJSON answers 200 application/json with the first half of the
	// summary: not JSON.
	FaultInvalidJSON
	// FaultSchemaViolation answers 200 with JSON that breaks the document:
	// call_type "pstn" and duration as a string in a summary (the first item
	// of a list page), answered_by "robot" and call_score as a string in an
	// annotation.
	FaultSchemaViolation
	// FaultOversize answers 200 with a valid JSON summary of Fault.Size bytes
	// (11 MiB by default), chunked, so only counting the bytes catches it.
	FaultOversize
	// FaultRedirect answers Fault.Status (307 by default) to Fault.Location,
	// by default the same URL on the other loopback name (127.0.0.1 and
	// localhost swap; any other host becomes redirect.invalid), so a client
	// that follows it carries no credentials there.
	FaultRedirect
	// FaultEmptyBody answers 200 application/json with an empty body.
	FaultEmptyBody

	faultKinds = iota + 1 // one past the last kind
)

func (k FaultKind) String() string {
	names := [...]string{"", "too_many_requests", "server_error", "reset", "reset_mid_body", "truncated",
		"stall", "slow_body", "html_error", "invalid_json", "schema_violation", "oversize", "redirect", "empty_body"}
	if k <= 0 || int(k) >= len(names) {
		return fmt.Sprintf("FaultKind(%d)", int(k))
	}
	return names[k]
}

// FaultKinds lists every kind, in order.
func FaultKinds() []FaultKind {
	out := make([]FaultKind, 0, faultKinds-1)
	for k := FaultKind(1); int(k) < faultKinds; k++ {
		out = append(out, k)
	}
	return out
}

// A Fault replaces one response. Only the fields its Kind names are read.
type Fault struct {
	Kind FaultKind
	// Status for FaultServerError (5xx), FaultHTMLError and FaultRedirect (3xx).
	Status int
	// RetryAfter is the Retry-After header's value for FaultTooManyRequests and
	// FaultServerError; empty sends none.
	RetryAfter string
	// Delay for FaultStall and FaultSlowBody. Fault delays run on real time,
	// not WithClock's: they exist to exercise real timeouts.
	Delay time.Duration
	// Size of the body for FaultOversize, in bytes.
	Size int64
	// Location for FaultRedirect.
	Location string
}

const defaultOversize = 11 << 20

func (f Fault) validate() error {
	switch {
	case f.Kind <= 0 || int(f.Kind) >= faultKinds:
		return fmt.Errorf("sandbox: unknown fault kind %d", int(f.Kind))
	case f.Kind == FaultServerError && f.Status != 0 && (f.Status < 500 || f.Status > 599):
		return fmt.Errorf("sandbox: server_error status %d is not 5xx", f.Status)
	case f.Kind == FaultHTMLError && f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("sandbox: html_error status %d is not an error", f.Status)
	case f.Kind == FaultRedirect && f.Status != 0 && (f.Status < 300 || f.Status > 399):
		return fmt.Errorf("sandbox: redirect status %d is not 3xx", f.Status)
	case f.Delay < 0 || f.Size < 0:
		return fmt.Errorf("sandbox: %s fault with a negative delay or size", f.Kind)
	}
	return nil
}

func validateFaults(faults []Fault) error {
	for _, f := range faults {
		if err := f.validate(); err != nil {
			return err
		}
	}
	return nil
}

// AnySID scripts faults on the global request sequence: Inject(AnySID, ...)
// faults are consumed by the next requests whatever their SID.
const AnySID = ""

// faultBook holds the scripted and random faults and the request counters.
type faultBook struct {
	mu      sync.Mutex
	scripts map[string][]Fault
	perSID  map[string]int64
	total   int64
	rng     *rand.Rand
	p       float64
	pool    []Fault
}

// Inject appends faults to the script of a SID (or of every request, with
// AnySID). Each request that addresses a route of the document (a Summary or
// an Annotation by its SID; the list, which has none, by AnySID) consumes one
// fault, before authentication: first from its SID's script, then from the
// global one, then (see InjectRandom) at random; with none it is served
// normally.
func (h *Handler) Inject(sid string, faults ...Fault) error {
	if err := validateFaults(faults); err != nil {
		return err
	}
	b := &h.faults
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.scripts == nil {
		b.scripts = make(map[string][]Fault)
	}
	b.scripts[sid] = append(b.scripts[sid], faults...)
	return nil
}

// InjectRandom makes each request that no script claims fail with
// probability p, with a fault drawn uniformly from faults, using a PCG
// generator seeded with seed: the same seed and request order give the same
// faults. p == 0 turns it off.
func (h *Handler) InjectRandom(seed uint64, p float64, faults ...Fault) error {
	if p < 0 || p > 1 {
		return fmt.Errorf("sandbox: fault probability %v is outside [0, 1]", p)
	}
	if p > 0 && len(faults) == 0 {
		return errors.New("sandbox: InjectRandom needs faults to draw from")
	}
	if err := validateFaults(faults); err != nil {
		return err
	}
	b := &h.faults
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rng = rand.New(rand.NewPCG(seed, seed))
	b.p = p
	b.pool = append([]Fault(nil), faults...)
	return nil
}

// PendingFaults returns how many scripted faults for sid (or AnySID) are
// still to be consumed.
func (h *Handler) PendingFaults(sid string) int {
	b := &h.faults
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.scripts[sid])
}

// Requests returns the number of requests the handler has received, any
// path, any outcome, faults included.
func (h *Handler) Requests() int64 {
	b := &h.faults
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.total
}

// RequestsFor returns the number of requests that addressed the Summary or
// the Annotation of sid (as written in the path, valid or not), faults
// included; RequestsFor(AnySID) counts the list's requests.
func (h *Handler) RequestsFor(sid string) int64 {
	b := &h.faults
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.perSID[sid]
}

// ResetFaults drops every scripted and random fault and zeroes the counters.
func (h *Handler) ResetFaults() {
	b := &h.faults
	b.mu.Lock()
	defer b.mu.Unlock()
	b.scripts, b.perSID, b.total = nil, nil, 0
	b.rng, b.p, b.pool = nil, 0, nil
}

func (b *faultBook) countRequest() {
	b.mu.Lock()
	b.total++
	b.mu.Unlock()
}

// arrive counts a request for sid and returns the fault it must suffer.
func (b *faultBook) arrive(sid string) (Fault, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.perSID == nil {
		b.perSID = make(map[string]int64)
	}
	b.perSID[sid]++
	for _, key := range []string{sid, AnySID} {
		if q := b.scripts[key]; len(q) > 0 {
			b.scripts[key] = q[1:]
			return q[0], true
		}
	}
	if b.p > 0 && b.rng.Float64() < b.p {
		return b.pool[b.rng.IntN(len(b.pool))], true
	}
	return Fault{}, false
}
