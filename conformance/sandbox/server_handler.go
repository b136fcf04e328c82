package sandbox

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/conformance/sandbox/internal/serverapi"
	"github.com/voiceinsights/callsummary/gen"
)

// A Handler is the sandbox as an http.Handler: Twilio's Call Summary endpoint
// serving the fixture set, for `callsummary serve` and for users' own servers.
// Server wraps it on a loopback listener. It is safe for concurrent use.
//
// Each request goes through, in order: routing by the server interface
// oapi-codegen generates from the document; the injected faults for its SID;
// basic auth; request validation against the document; then the fixture.
type Handler struct {
	cfg         serverConfig
	v           *conformance.Validator
	fixtures    map[string]*fixture
	order       []string
	pop         *population // nil without a population
	index       listIndex
	annotations annotationStore
	started     time.Time // the clock's reading at NewHandler, for WithCompletion
	mux         http.Handler
	faults      faultBook
	requests    atomic.Uint64 // numbers each request's Twilio-Request-Id
}

// NewHandler builds the sandbox: it parses the document, loads the fixtures
// (checking that each one names the SID it is served under) and mounts the
// generated routes. The population (WithPopulation) is generated on first
// use, relative to the clock's reading here.
func NewHandler(opts ...Option) (*Handler, error) {
	cfg, err := newServerConfig(opts)
	if err != nil {
		return nil, err
	}
	v, err := conformance.NewValidator()
	if err != nil {
		return nil, err
	}
	fixtures, order, err := loadFixtures(v)
	if err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, v: v, fixtures: fixtures, order: order, started: cfg.clock()}
	if cfg.popSize > 0 {
		h.pop = newPopulation(cfg.popSize, cfg.popSeed, cfg.clock(), cfg.accountSID)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", h.unrouted)
	h.mux = serverapi.HandlerWithOptions(fetcher{h}, serverapi.StdHTTPServerOptions{
		BaseRouter:       mux,
		Middlewares:      []serverapi.MiddlewareFunc{h.guard},
		ErrorHandlerFunc: h.bindError,
	})
	return h, nil
}

// AccountSID returns the Account SID the sandbox accepts as user name.
func (h *Handler) AccountSID() string { return h.cfg.accountSID }

// AuthToken returns the Auth Token the sandbox accepts with AccountSID.
func (h *Handler) AuthToken() string { return h.cfg.authToken }

// APIKey returns the API key pair the sandbox also accepts, or two empty
// strings if none was configured with WithAPIKey.
func (h *Handler) APIKey() (keySID, secret string) { return h.cfg.keySID, h.cfg.keySecret }

// Calls lists the sample calls (the fixtures), in a fixed order. The
// generated population is listed by PopulationCalls.
func (h *Handler) Calls() []SampleCall {
	out := make([]SampleCall, 0, len(h.order))
	for _, sid := range h.order {
		c := h.fixtures[sid].call
		c.States = append([]gen.ProcessingState(nil), c.States...)
		out = append(out, c)
	}
	return out
}

// Fixture returns the exact bytes the sandbox serves (outside lifecycle mode)
// for sid and a ProcessingState: for complete (or ""), the complete summary
// (for a call WithCompletion completes, once its delay has passed); for
// partial, the partial summary if the call has one, else the complete one.
// An annotation set through the sandbox is in place of the one the summary
// was written with. For a generated call, it returns what FetchSummary
// serves at the clock's now, which depends on the call's age and current
// annotation. The slice is a copy.
func (h *Handler) Fixture(sid string, state gen.ProcessingState) ([]byte, bool) {
	f, ok := h.fixtures[sid]
	if !ok {
		body, ok := h.summary(sid, cmp.Or(state, gen.ProcessingStateComplete))
		return body, ok
	}
	partial, complete := f.partial != nil, f.complete != nil
	if h.cfg.lifecycle == nil {
		partial, complete = h.fixtureStates(f, h.cfg.clock())
	}
	body, ok := h.fixtureFor(f, state, partial, complete, f.complete == nil)
	return bytes.Clone(body), ok
}

// ServeHTTP serves one request and logs it at debug level.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	h.faults.countRequest()
	// Twilio names every response (RQ and 32 hex digits), the reference its
	// support asks for; the sandbox numbers them.
	id := fmt.Sprintf("RQ%032x", h.requests.Add(1))
	w.Header().Set("Twilio-Request-Id", id)
	rec := &statusRecorder{ResponseWriter: w}
	if p := r.URL.Path; p == "" || path.Clean(p) != p {
		// ServeMux would redirect to the cleaned path; Twilio knows no such
		// resource.
		notFound(rec, r)
	} else {
		h.mux.ServeHTTP(rec, r)
	}
	// Only the method, path and query: never a header (Authorization).
	h.cfg.logger.LogAttrs(r.Context(), slog.LevelDebug, "sandbox request",
		slog.String("method", r.Method),
		slog.String("path", r.URL.EscapedPath()),
		slog.String("query", r.URL.RawQuery),
		slog.Int("status", rec.status),
		slog.String("fault", faultName(rec.fault)),
		slog.Duration("elapsed", time.Since(start)),
		slog.String("request_id", id))
}

// guard runs before the generated handler reaches fetcher: the request has
// matched the document's route, so its SID is known (AnySID for the list).
func (h *Handler) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Faults come first: they stand for the network and Twilio's edge,
		// which fail whatever the credentials.
		if f, ok := h.faults.arrive(r.PathValue("CallSid")); ok && h.serveFault(w, r, r.PathValue("CallSid"), f) {
			return
		}
		if !h.cfg.authorized(r) {
			unauthorized(w)
			return
		}
		// Validation reads the whole body (an annotation update's form):
		// bound it first.
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
		}
		if err := h.v.ValidateRequest(r); err != nil {
			h.rejectRequest(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// rejectRequest maps a request that violates the document to Twilio's
// answer: a SID that cannot exist is an unknown resource (404, 20404), as
// Twilio answers any unknown path; any other violation is an invalid
// parameter (400, 20001) whose message names each parameter and why.
func (h *Handler) rejectRequest(w http.ResponseWriter, r *http.Request, err error) {
	var ve *conformance.ValidationError
	if !errors.As(err, &ve) {
		if errors.Is(err, conformance.ErrMethodNotAllowed) {
			methodNotAllowed(w, r)
			return
		}
		notFound(w, r)
		return
	}
	for _, v := range ve.Violations {
		if v.Pointer == "parameter CallSid" {
			notFound(w, r)
			return
		}
	}
	// kin-openapi cannot say which form field failed to decode ("invalid
	// syntax"): the update's own parser can, in words fit for the message.
	if r.Method == http.MethodPost && routeOf(r) == routeAnnotation && r.ParseForm() == nil {
		if _, err := parseAnnotationUpdate(r.PostForm); err != nil {
			writeTwilioError(w, http.StatusBadRequest, codeInvalidParameter, err.Error())
			return
		}
	}
	names := make([]string, 0, len(ve.Violations))
	reasons := make([]string, 0, len(ve.Violations))
	for _, v := range ve.Violations {
		// A form field's pointer is /Name; a query parameter's "parameter Name".
		name := strings.TrimPrefix(strings.TrimPrefix(v.Pointer, "parameter "), "/")
		if name == "" {
			name = "body"
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
			reasons = append(reasons, parameterHint(r, name, v.Reason))
		}
	}
	writeTwilioError(w, http.StatusBadRequest, codeInvalidParameter,
		fmt.Sprintf("Invalid parameter: %s (%s)", strings.Join(names, ", "), strings.Join(reasons, "; ")))
}

// parameterHint says what a parameter must be: in our words where the
// validator's would be vague, else the validator's reason (never a value).
func parameterHint(r *http.Request, name, reason string) string {
	if name == "ProcessingState" && !strings.HasSuffix(r.URL.Path, "/Summaries") {
		return "ProcessingState must be complete or partial"
	}
	return name + ": " + reason
}

// unrouted answers what the document's route does not match.
func (h *Handler) unrouted(w http.ResponseWriter, r *http.Request) {
	if err := h.v.ValidateRequest(r); errors.Is(err, conformance.ErrMethodNotAllowed) {
		methodNotAllowed(w, r)
		return
	}
	notFound(w, r)
}

// bindError handles a parameter the generated code could not bind. Request
// validation runs first, so this is a safety net.
func (h *Handler) bindError(w http.ResponseWriter, _ *http.Request, err error) {
	writeTwilioError(w, http.StatusBadRequest, codeInvalidParameter, "Invalid parameter: "+err.Error())
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	allow := http.MethodGet
	if strings.HasSuffix(r.URL.Path, "/Annotation") {
		allow = "GET, POST" // the only resource that can be changed
	}
	w.Header().Set("Allow", allow)
	writeTwilioError(w, http.StatusMethodNotAllowed, codeMethodNotAllowed, "Method not allowed")
}

// fetcher implements the generated server interface without exporting its
// method on Handler.
type fetcher struct{ h *Handler }

func (f fetcher) FetchSummary(w http.ResponseWriter, r *http.Request, callSid gen.CallSID, params gen.FetchSummaryParams) {
	want := gen.ProcessingStateComplete
	if params.ProcessingState != nil {
		want = *params.ProcessingState
	}
	body, ok := f.h.summary(callSid, want)
	if !ok {
		notFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// summary returns the bytes to serve for a SID and the requested state.
// Without ProcessingState (or with complete) only a complete summary is
// served, so a call with only a partial one is 404; with partial, the partial
// summary if there is one, else the complete one. In lifecycle mode, partial
// returns the newest summary that exists at the clock's now.
func (h *Handler) summary(sid string, want gen.ProcessingState) ([]byte, bool) {
	f, ok := h.fixtures[sid]
	if !ok {
		return h.generatedSummary(sid, want)
	}
	partial, complete := h.fixtureStates(f, h.cfg.clock())
	return h.fixtureFor(f, want, partial, complete, h.cfg.lifecycle != nil || f.complete == nil)
}

// fixtureFor picks the summary of a fixture to serve for want, given which
// exist: partial is the partial summary while there is one, except for a
// timed call (newest: lifecycle mode, or a call WithCompletion completes),
// whose newest summary it is, as Twilio answers.
func (h *Handler) fixtureFor(f *fixture, want gen.ProcessingState, partial, complete, newest bool) ([]byte, bool) {
	switch {
	case want == gen.ProcessingStatePartial && partial && !(newest && complete):
		return h.fixtureBody(f, gen.ProcessingStatePartial), true
	case complete:
		return h.fixtureBody(f, gen.ProcessingStateComplete), true
	}
	return nil, false
}

// statusRecorder remembers the status for the request log. Unwrap lets
// http.ResponseController reach the connection (Flush, Hijack) for faults.
type statusRecorder struct {
	http.ResponseWriter
	status int // 0 if the connection was hijacked or nothing was written
	fault  FaultKind
}

func faultName(k FaultKind) string {
	if k == 0 {
		return "none"
	}
	return k.String()
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
