package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// Annotations live in memory, per call SID, for the sandbox's lifetime. A
// call's annotation is, in order: what POST set; else what its summary was
// generated or written with (a fixture's embedded annotation); else an empty
// one naming the call. The list's annotation filters read the same value.
//
// A generated call's summary embeds its current annotation, since its JSON is
// generated on demand. A fixture's summary is served as its exact bytes until
// its annotation is updated; then the update takes the place of its embedded
// annotation, the other bytes unchanged (fixtureBody).
type annotationStore struct {
	mu  sync.RWMutex
	set map[string]gen.Annotation
}

func (s *annotationStore) get(sid string) (gen.Annotation, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.set[sid]
	return a, ok
}

// update applies u to the stored annotation of sid, or to base if there is
// none yet, and returns the result. Values are never modified in place:
// readers may hold the previous annotation.
func (s *annotationStore) update(sid string, base gen.Annotation, u annotationUpdate) gen.Annotation {
	s.mu.Lock()
	defer s.mu.Unlock()
	current, ok := s.set[sid]
	if !ok {
		current = base
	}
	next := u.apply(current)
	if s.set == nil {
		s.set = make(map[string]gen.Annotation)
	}
	s.set[sid] = next
	return next
}

// change is one field of an update: set says the form named it; the zero
// v (nil) clears the field.
type change[T any] struct {
	set bool
	v   T
}

func (c change[T]) apply(dst *T) {
	if c.set {
		*dst = c.v
	}
}

// annotationUpdate is a parsed POST body: only the fields sent change.
type annotationUpdate struct {
	answeredBy   change[*gen.AnnotationAnsweredBy]
	connectivity change[*gen.ConnectivityIssue]
	quality      change[[]gen.QualityIssue]
	spam         change[*bool]
	score        change[*int]
	comment      change[*string]
	incident     change[*string]
}

func (u annotationUpdate) apply(a gen.Annotation) gen.Annotation {
	u.answeredBy.apply(&a.AnsweredBy)
	u.connectivity.apply(&a.ConnectivityIssue)
	u.quality.apply(&a.QualityIssues)
	u.spam.apply(&a.Spam)
	u.score.apply(&a.CallScore)
	u.comment.apply(&a.Comment)
	u.incident.apply(&a.Incident)
	return a
}

// maxAnnotationText is Twilio's limit on Comment and Incident, in characters.
const maxAnnotationText = 100

// parseAnnotationUpdate reads the form fields of an update. Request
// validation has checked them against the document already; this checks
// again because the handler must not trust that it ran, and because the
// document cannot say that an empty CallScore, Comment or Incident clears it.
// Fields the document does not name are ignored, as Twilio does.
func parseAnnotationUpdate(form url.Values) (annotationUpdate, error) {
	var u annotationUpdate
	var bad []string
	field := func(name string) (string, bool) {
		vs, ok := form[name]
		if !ok || len(vs) == 0 {
			return "", false
		}
		return vs[len(vs)-1], true
	}
	if v, ok := field("AnsweredBy"); ok {
		if a := gen.AnnotationAnsweredBy(v); a.Valid() {
			u.answeredBy = change[*gen.AnnotationAnsweredBy]{true, &a}
		} else {
			bad = append(bad, "AnsweredBy must be unknown_answered_by, human or machine")
		}
	}
	if v, ok := field("ConnectivityIssue"); ok {
		if c := gen.ConnectivityIssue(v); c.Valid() {
			u.connectivity = change[*gen.ConnectivityIssue]{true, &c}
		} else {
			bad = append(bad, "ConnectivityIssue is not a known connectivity issue")
		}
	}
	if v, ok := field("QualityIssues"); ok {
		if issues, err := parseQualityIssues(v); err == nil {
			u.quality = change[[]gen.QualityIssue]{true, issues}
		} else {
			bad = append(bad, err.Error())
		}
	}
	if v, ok := field("Spam"); ok {
		switch v {
		case "true", "false":
			u.spam = change[*bool]{true, new(v == "true")}
		default:
			bad = append(bad, "Spam must be true or false")
		}
	}
	if v, ok := field("CallScore"); ok {
		if n, err := strconv.Atoi(v); v == "" {
			u.score = change[*int]{set: true}
		} else if err == nil && n >= 1 && n <= 5 {
			u.score = change[*int]{true, &n}
		} else {
			bad = append(bad, "CallScore must be an integer from 1 to 5, or empty to clear it")
		}
	}
	for _, f := range []struct {
		name string
		dst  *change[*string]
	}{{"Comment", &u.comment}, {"Incident", &u.incident}} {
		v, ok := field(f.name)
		switch {
		case !ok:
		case utf8.RuneCountInString(v) > maxAnnotationText:
			bad = append(bad, fmt.Sprintf("%s is longer than %d characters", f.name, maxAnnotationText))
		case v == "":
			*f.dst = change[*string]{set: true}
		default:
			*f.dst = change[*string]{true, &v}
		}
	}
	if len(bad) > 0 {
		return u, &invalidParameterError{strings.Join(bad, "; ")}
	}
	return u, nil
}

// parseQualityIssues reads Twilio's comma-separated list; a repeated issue
// counts once.
func parseQualityIssues(v string) ([]gen.QualityIssue, error) {
	var out []gen.QualityIssue
	for item := range strings.SplitSeq(v, ",") {
		q := gen.QualityIssue(item)
		if !q.Valid() {
			return nil, fmt.Errorf("QualityIssues holds %q, which is not a known quality issue", truncate(item, 40))
		}
		if !slices.Contains(out, q) {
			out = append(out, q)
		}
	}
	return out, nil
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// invalidParameterError is a request the sandbox answers with 400 (20001).
type invalidParameterError struct{ detail string }

func (e *invalidParameterError) Error() string { return "Invalid parameter: " + e.detail }

// baseAnnotation is the annotation of a known call before any update: the
// fixture's embedded one or the generated one, else empty, with the call's
// SIDs and URL filled in.
func (h *Handler) baseAnnotation(sid string) (gen.Annotation, bool) {
	var a gen.Annotation
	switch f, c := h.fixtures[sid], h.generatedCall(sid); {
	case f != nil:
		if f.annotation != nil {
			a = *f.annotation
		}
		if f.facts.account != "" {
			a.AccountSID = cmpOr(a.AccountSID, &f.facts.account)
		}
	case c != nil:
		if c.base != nil {
			a = *c.base
		}
	default:
		return a, false
	}
	a.AccountSID = cmpOr(a.AccountSID, &h.cfg.accountSID)
	a.CallSID = cmpOr(a.CallSID, new(sid))
	a.URL = cmpOr(a.URL, new(twilioBase+"/v1/Voice/"+sid+"/Annotation"))
	return a, true
}

// annotation is the current annotation of a known call.
func (h *Handler) annotation(sid string) (gen.Annotation, bool) {
	if a, ok := h.annotations.get(sid); ok {
		return a, true
	}
	return h.baseAnnotation(sid)
}

func cmpOr[T comparable](p, fallback *T) *T {
	if p != nil {
		return p
	}
	return fallback
}

// encodeAnnotation writes an annotation in the order Twilio sends its
// fields (the document's x-order). Fields never set are left out rather
// than null: the document requires none, and strict OpenAPI 3.0 validators
// reject null for nullable enums.
func encodeAnnotation(a gen.Annotation) []byte {
	body, err := wirejson.Marshal(a)
	if err != nil {
		return []byte(`{}`) // strings, ints and bools only: cannot happen
	}
	return body
}

// Annotation returns the bytes GET /v1/Voice/{sid}/Annotation serves now, for
// a fixture or a generated call.
func (h *Handler) Annotation(sid string) ([]byte, bool) {
	a, ok := h.annotation(sid)
	if !ok {
		return nil, false
	}
	return encodeAnnotation(a), true
}

// maxFormBody bounds an annotation update's body: seven short fields.
const maxFormBody = 64 << 10

func (f fetcher) FetchAnnotation(w http.ResponseWriter, r *http.Request, callSid gen.CallSID) {
	a, ok := f.h.annotation(callSid)
	if !ok {
		notFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, encodeAnnotation(a))
}

func (f fetcher) UpdateAnnotation(w http.ResponseWriter, r *http.Request, callSid gen.CallSID) {
	base, ok := f.h.baseAnnotation(callSid)
	if !ok {
		notFound(w, r)
		return
	}
	// guard has bounded the body (maxFormBody).
	if err := r.ParseForm(); err != nil {
		writeTwilioError(w, http.StatusBadRequest, codeInvalidParameter, "Invalid parameter: the body is not a form")
		return
	}
	u, err := parseAnnotationUpdate(r.PostForm)
	if err != nil {
		writeTwilioError(w, http.StatusBadRequest, codeInvalidParameter, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, encodeAnnotation(f.h.annotations.update(callSid, base, u)))
}
