package callsummary

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/voiceinsights/callsummary/gen"
)

// MaxAnnotationText is the longest Comment or Incident Twilio accepts, in
// characters. They are counted as Unicode code points (runes), not bytes:
// "é" precomposed is one character, "e" with a combining accent two.
const MaxAnnotationText = 100

// Annotation is the labels set on a call. It embeds the generated type,
// so every field is a.Field (a.CallScore, a.QualityIssues, …), and keeps
// the exact bytes received.
type Annotation struct {
	gen.Annotation
	raw []byte
}

// Raw returns a copy of the exact bytes received.
func (a *Annotation) Raw() []byte {
	if a == nil {
		return nil
	}
	return bytes.Clone(a.raw)
}

// AnnotationUpdate is the change UpdateAnnotation sends: only the fields
// set (non-nil, or a non-empty QualityIssues) are sent, and only those
// change. At least one must be set. Twilio documents no way to clear a
// field once set (not even the call score), so none is offered.
type AnnotationUpdate struct {
	AnsweredBy        *AnnotationAnsweredBy // human, machine or unknown_answered_by
	ConnectivityIssue *ConnectivityIssue
	// QualityIssues replaces the call's list of quality issues. Twilio
	// lists their values in prose only: one this SDK does not know is
	// sent as given.
	QualityIssues []QualityIssue
	Spam          *bool
	// CallScore: 5 Excellent, 4 Good, 3 Fair, 2 Poor, 1 Bad.
	CallScore *int
	// Comment and Incident (e.g. a ticket URL) hold at most
	// MaxAnnotationText characters (runes) of valid UTF-8. Twilio does not
	// treat them as PII, so they must hold none.
	Comment  *string
	Incident *string
}

// Validate reports the first field the API would refuse (or that none is
// set), as ErrInvalidAnnotation, without sending anything: UpdateAnnotation
// does the same first.
func (u AnnotationUpdate) Validate() error {
	_, err := u.form()
	return err
}

// form validates u and maps it to the generated form body.
func (u *AnnotationUpdate) form() (gen.AnnotationUpdate, error) {
	e := ErrInvalidAnnotation
	var f gen.AnnotationUpdate
	if err := checkEnumPtr(e, "AnsweredBy", u.AnsweredBy, wantAnnotationAnsBy); err != nil {
		return f, err
	}
	if err := checkEnumPtr(e, "ConnectivityIssue", u.ConnectivityIssue, wantConnectivity); err != nil {
		return f, err
	}
	if err := checkItems(e, "QualityIssues", u.QualityIssues); err != nil {
		return f, err
	}
	if u.CallScore != nil && (*u.CallScore < 1 || *u.CallScore > 5) {
		return f, fmt.Errorf("%w: CallScore is %d: want 1 (Bad) to 5 (Excellent)", e, *u.CallScore)
	}
	for _, t := range []struct {
		field string
		v     *string
	}{{"Comment", u.Comment}, {"Incident", u.Incident}} {
		if t.v == nil {
			continue
		}
		if !utf8.ValidString(*t.v) {
			return f, fmt.Errorf("%w: %s is not valid UTF-8", e, t.field)
		}
		if n := utf8.RuneCountInString(*t.v); n > MaxAnnotationText {
			return f, fmt.Errorf("%w: %s is %d characters long: want at most %d", e, t.field, n, MaxAnnotationText)
		}
	}
	f = gen.AnnotationUpdate{
		AnsweredBy:        u.AnsweredBy,
		ConnectivityIssue: u.ConnectivityIssue,
		Spam:              u.Spam,
		CallScore:         u.CallScore,
		Comment:           u.Comment,
		Incident:          u.Incident,
	}
	if len(u.QualityIssues) > 0 {
		names := make([]string, len(u.QualityIssues))
		for i, q := range u.QualityIssues {
			names[i] = string(q)
		}
		f.QualityIssues = new(strings.Join(names, ","))
	}
	if f == (gen.AnnotationUpdate{}) {
		return f, fmt.Errorf("%w: no field set: nothing to update (FetchAnnotation reads the annotation)", e)
	}
	return f, nil
}

// FetchAnnotation fetches the labels set on a call. Twilio documents the
// annotation resource for US1 only. A GET, retried like
// FetchSummary. Errors: ErrInvalidCallSID before any request; then as for
// FetchSummary (*APIError: errors.Is(err, ErrNotFound) for an unknown call).
func (c *Client) FetchAnnotation(ctx context.Context, callSID string) (*Annotation, error) {
	if err := c.checkCall(ctx, callSID); err != nil {
		return nil, err
	}
	resp, err := c.api.FetchAnnotation(ctx, callSID)
	if err != nil {
		return nil, fmt.Errorf("callsummary: fetching annotation of %s: %w", callSID, err)
	}
	return c.readAnnotation(resp, callSID)
}

// UpdateAnnotation sets the fields of update on a call's annotation and
// returns the annotation as Twilio now holds it. Twilio documents the
// annotation resource for US1 only. The POST is validated
// first (ErrInvalidCallSID, ErrInvalidAnnotation: nothing is sent), and is
// retried only when Twilio certainly did not apply it: on 429, and when
// the connection could not be made. After a 5xx, a reset or a timeout the
// error is returned: the update may or may not have been applied, and
// FetchAnnotation tells which.
func (c *Client) UpdateAnnotation(ctx context.Context, callSID string, update AnnotationUpdate) (*Annotation, error) {
	if err := c.checkCall(ctx, callSID); err != nil {
		return nil, err
	}
	form, err := update.form()
	if err != nil {
		return nil, err
	}
	resp, err := c.api.UpdateAnnotationWithFormdataBody(ctx, callSID, form)
	if err != nil {
		return nil, fmt.Errorf("callsummary: updating annotation of %s: %w", callSID, err)
	}
	return c.readAnnotation(resp, callSID)
}

func (c *Client) checkCall(ctx context.Context, callSID string) error {
	if err := c.check(ctx); err != nil {
		return err
	}
	return ValidateCallSID(callSID)
}

// readAnnotation reads the response of either annotation request.
func (c *Client) readAnnotation(resp *http.Response, callSID string) (*Annotation, error) {
	body, err := c.readBody(resp, "annotation of "+callSID)
	if err != nil {
		return nil, err
	}
	a := &Annotation{raw: body}
	if err := decodeObject(resp.StatusCode, body, "annotation", &a.Annotation); err != nil {
		return nil, c.scrubDecode(err)
	}
	if err := sameCall(callSID, a.CallSID); err != nil {
		return nil, err
	}
	return a, nil
}
