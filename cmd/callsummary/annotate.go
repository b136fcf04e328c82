package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"

	"github.com/voiceinsights/callsummary/gen"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

type annotateOptions struct {
	target       fetchOptions
	json         bool
	score        *int
	issues       []string
	spam         *bool
	answeredBy   string
	connectivity string
	comment      *string
	incident     *string
}

func runAnnotate(ctx context.Context, e *env, args []string) error {
	var o annotateOptions
	fs := newFlagSet("annotate")
	fs.Var(optionalInt(&o.score), "score", "call `score`: 5 Excellent, 4 Good, 3 Fair, 2 Poor, 1 Bad")
	fs.Var(listValue{&o.issues}, "issue", "quality `issue`, repeatable or comma-separated: low_volume, choppy_robotic, echo, dtmf, latency, owa, static_noise, no_quality_issue, unknown_quality_issue")
	fs.Var(triBool(&o.spam), "spam", "mark the call as spam (--spam=false: as not spam)")
	fs.StringVar(&o.answeredBy, "answered-by", "", "who `answered`: human, machine or unknown_answered_by")
	fs.StringVar(&o.connectivity, "connectivity", "", "connectivity `issue`: no_connectivity_issue, invalid_number, caller_id, dropped_call, number_reachability, unknown_connectivity_issue")
	fs.Var(optionalString(&o.comment), "comment", "free `text`, at most 100 characters; no personal data (Twilio does not treat it as PII)")
	fs.Var(optionalString(&o.incident), "incident", "incident or ticket `reference`, at most 100 characters")
	fs.BoolVar(&o.json, "json", false, "print the annotation's JSON exactly as received")
	fs.StringVar(&o.target.baseURL, "base-url", "", "send requests to this `URL` (a proxy, 'callsummary serve', a test server)")
	fs.StringVar(&o.target.region, "region", "", "Twilio `region`, e.g. ie1 (default $TWILIO_REGION, else us1)")
	fs.StringVar(&o.target.edge, "edge", "", "Twilio edge `location` for the host, e.g. dublin (default $TWILIO_EDGE, else the region's)")
	fs.DurationVar(&o.target.timeout, "timeout", 0, "give up after this `duration` (0: no limit beyond each request's own)")
	fs.details = `Sets the labels given, and only those, then prints the annotation as Twilio
holds it. With no label flags it only prints the annotation.

Example:
  callsummary annotate CA62608e08adc29a8d6dbc9754e659f125 --score 2 --issue choppy_robotic --spam=false

The update is checked before it is sent (score 1 to 5, known issues, 100
characters of text). It is retried only on 429 or when the connection could
not be made: after a 5xx or a dropped connection it may or may not have been
applied; run annotate CALLSID to see.

Exit status: 0 ok; 1 Twilio said no; 2 usage error (nothing is sent).`
	pos, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	sid, err := callSIDArg(pos)
	if err != nil {
		return err
	}
	update := o.update()
	if err := update.Validate(); err != nil && !noLabels(update) { // before a sandbox is started or anything sent
		return &cliError{code: exitUsage, err: err, help: true}
	}
	ctx, c, t, done, err := newCLIClient(ctx, e, o.target)
	if err != nil {
		return err
	}
	defer done()
	var a *callsummary.Annotation
	if noLabels(update) {
		a, err = c.FetchAnnotation(ctx, sid)
	} else {
		a, err = c.UpdateAnnotation(ctx, sid, update)
	}
	if err != nil {
		return explainAnnotate(ctx, err, o.target, t)
	}
	if o.json {
		_, err = e.stdout.Write(a.Raw())
		return err
	}
	return writeAnnotation(e.stdout, a)
}

// update is the wrapper's update from the flags; the wrapper validates it.
func (o *annotateOptions) update() callsummary.AnnotationUpdate {
	u := callsummary.AnnotationUpdate{
		QualityIssues: enums[gen.QualityIssue](o.issues),
		Spam:          o.spam,
		CallScore:     o.score,
		Comment:       o.comment,
		Incident:      o.incident,
	}
	if o.answeredBy != "" {
		u.AnsweredBy = new(gen.AnnotationAnsweredBy(o.answeredBy))
	}
	if o.connectivity != "" {
		u.ConnectivityIssue = new(gen.ConnectivityIssue(o.connectivity))
	}
	return u
}

// noLabels: no label flag was given, so annotate only reads.
func noLabels(u callsummary.AnnotationUpdate) bool {
	return u.AnsweredBy == nil && u.ConnectivityIssue == nil && len(u.QualityIssues) == 0 &&
		u.Spam == nil && u.CallScore == nil && u.Comment == nil && u.Incident == nil
}

func explainAnnotate(ctx context.Context, err error, o fetchOptions, t target) error {
	var ae *callsummary.APIError
	switch {
	case errors.Is(err, callsummary.ErrInvalidAnnotation):
		return &cliError{code: exitUsage, err: err, help: true}
	case errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound:
		return &cliError{code: exitNo, err: err,
			advice: "Twilio error 20404: no such call, or its summary is no longer kept (30 days): check the call SID"}
	case errors.As(err, &ae) && ae.StatusCode >= 500:
		return &cliError{code: exitNo, err: err,
			advice: "the update was not retried, since it may have been applied: run 'callsummary annotate CALLSID' to see"}
	}
	return explain(ctx, err, o, t)
}

// writeAnnotation prints the labels, one per line, "-" for unset.
func writeAnnotation(w io.Writer, a *callsummary.Annotation) error {
	issues := "-"
	if len(a.QualityIssues) > 0 {
		names := make([]string, len(a.QualityIssues))
		for i, q := range a.QualityIssues {
			names[i] = string(q)
		}
		issues = strings.Join(names, ", ")
	}
	spam := "-"
	if a.Spam != nil {
		spam = fmt.Sprint(*a.Spam)
	}
	score := intStr(a.CallScore)
	if a.CallScore != nil {
		if name, ok := map[int]string{1: "Bad", 2: "Poor", 3: "Fair", 4: "Good", 5: "Excellent"}[*a.CallScore]; ok {
			score += "/5 (" + name + ")"
		}
	}
	tw := newTable(w)
	for _, r := range [][2]string{
		{"Call", str(a.CallSID)},
		{"Score", score},
		{"Quality issues", issues},
		{"Connectivity", str((*string)(a.ConnectivityIssue))},
		{"Answered by", str((*string)(a.AnsweredBy))},
		{"Spam", spam},
		{"Comment", printable(str(a.Comment))},
		{"Incident", printable(str(a.Incident))},
	} {
		fmt.Fprintf(tw, "%s\t%s\n", r[0], r[1])
	}
	return tw.Flush()
}

// printable replaces control characters in free text from the server, so
// that a comment cannot move the cursor or recolour the terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
}
