package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/safetext"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

type annotateOptions struct {
	target       targetOptions
	out          outputOptions
	score        *int
	issues       []string
	spam         *bool
	answeredBy   string
	connectivity string
	comment      *string
	incident     *string
}

const annotateLong = `Set the labels given, and only those, on a call's annotation, then print the
annotation as Twilio holds it. With no label flags it only prints the
annotation. fetch shows the labels in the call's report.

The update is checked before it is sent (score 1 to 5, a known answerer and
connectivity issue, 100 characters of text); a quality issue this version does
not know is sent as given, with a note. It is retried only on 429 or when the
connection could not be made: after a 5xx or a dropped connection it may or
may not have been applied; run 'callsummary annotate CALLSID' to see.

Exit status: 0 ok; 1 Twilio said no; 2 usage error (nothing is sent).`

const annotateExample = `  callsummary annotate CA62608e08adc29a8d6dbc9754e659f125 --score 2 --issue choppy_robotic --spam=false
  callsummary annotate --sandbox CA62608e08adc29a8d6dbc9754e659f125 -o json`

// annotationColumns are the fields of an annotation, for --fields.
var annotationColumns = []string{"call_sid", "score", "quality_issues", "connectivity", "answered_by", "spam", "comment", "incident"}

func newAnnotateCmd(e *env) *cobra.Command {
	var o annotateOptions
	cmd := command(e, &cobra.Command{
		Use:               "annotate [flags] CALLSID",
		Short:             "Read or set a call's annotation (score, issues, spam, comment)",
		Long:              annotateLong,
		Example:           annotateExample,
		Args:              oneCallSID,
		ValidArgsFunction: completeCallSID(e),
	}, func(cmd *cobra.Command, args []string) error { return runAnnotate(cmd, e, &o, args[0]) })
	fs := cmd.Flags()
	fs.Var(scoreValue(&o.score), "score", "call `score`: 5 Excellent, 4 Good, 3 Fair, 2 Poor, 1 Bad")
	fs.Var(enumList{items: &o.issues, known: knownQualityIssues}, "issue",
		"quality `issue`, repeatable or comma-separated: "+strings.Join(knownQualityIssues, ", "))
	addTriBool(fs, &o.spam, "spam", "mark the call as spam (--spam=false: as not spam)")
	fs.Var(enumValue{v: &o.answeredBy, known: knownAnnotationAnsweredBy, hard: true}, "answered-by",
		"who `answered`: "+strings.Join(knownAnnotationAnsweredBy, ", "))
	fs.Var(enumValue{v: &o.connectivity, known: knownConnectivity, hard: true}, "connectivity",
		"connectivity `issue`: "+strings.Join(knownConnectivity, ", "))
	fs.Var(textValue(&o.comment), "comment", "free `text`, at most 100 characters; no personal data (Twilio does not treat it as PII)")
	fs.Var(textValue(&o.incident), "incident", "incident or ticket `reference`, at most 100 characters")
	for name, known := range map[string][]string{"issue": knownQualityIssues, "answered-by": knownAnnotationAnsweredBy, "connectivity": knownConnectivity} {
		_ = cmd.RegisterFlagCompletionFunc(name, completeValues(known, name == "issue"))
	}
	addOutputFlags(cmd, &o.out, annotationColumns, annotationColumns)
	addTargetFlags(fs, &o.target)
	return cmd
}

func runAnnotate(cmd *cobra.Command, e *env, o *annotateOptions, sid string) error {
	format, fields, err := o.out.resolve(cmd)
	if err != nil {
		return err
	}
	update := o.update()
	noteUnknownValues(e, cmd.Flags())
	s, err := newSession(cmd.Context(), e, o.target)
	if err != nil {
		return err
	}
	defer s.done()
	var a *callsummary.Annotation
	if noLabels(update) {
		a, err = s.client.FetchAnnotation(s.ctx, sid)
	} else {
		a, err = s.client.UpdateAnnotation(s.ctx, sid, update)
	}
	if err != nil {
		return explainAnnotate(s.ctx, err, o.target, s.target)
	}
	switch format {
	case formatJSON:
		_, err = e.stdout.Write(a.Raw())
		return err
	case formatNDJSON:
		line, err := wirejson.Compact(a.Raw())
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(append(line, '\n'))
		return err
	}
	rows := annotationRows(a)
	var b bytes.Buffer
	if format == formatCSV {
		if !o.out.noHeader {
			if err := writeCSV(&b, fields); err != nil {
				return err
			}
		}
		cells := make([]string, len(fields))
		for i, f := range fields {
			cells[i] = rows[f].csv
		}
		if err := writeCSV(&b, cells); err != nil {
			return err
		}
	} else {
		writeAnnotation(&b, rows, fields, s.target.sandbox, o.out.noHeader)
	}
	_, err = io.WriteString(e.stdout, s.client.Redact(b.String()))
	return err
}

// update is the SDK's update from the flags; the SDK checks it again.
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

func explainAnnotate(ctx context.Context, err error, o targetOptions, t target) error {
	var ae *callsummary.APIError
	switch {
	case errors.Is(err, callsummary.ErrInvalidAnnotation):
		return &cliError{code: exitUsage, err: inFlagTerms(err, annotationFlags), help: true}
	case errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound:
		return &cliError{code: exitNo, err: err,
			advice: "Twilio error 20404: no such call, or its summary is no longer kept (30 days): check the call SID"}
	case errors.As(err, &ae) && ae.StatusCode >= 500:
		return &cliError{code: exitNo, err: err,
			advice: "the update was not retried, since it may have been applied: run 'callsummary annotate CALLSID' to see"}
	}
	return explain(ctx, err, o, t, false, false)
}

// annotationCell is one field of an annotation: its line in text ("-" when
// unset) and its csv cell ("" when unset).
type annotationCell struct{ title, text, csv string }

func annotationRows(a *callsummary.Annotation) map[string]annotationCell {
	issues := make([]string, len(a.QualityIssues))
	for i, q := range a.QualityIssues {
		issues[i] = string(q)
	}
	var spam, score, scoreText string
	if a.Spam != nil {
		spam = strconv.FormatBool(*a.Spam)
	}
	if a.CallScore != nil {
		score = strconv.Itoa(*a.CallScore)
		scoreText = score
		if name, ok := map[int]string{1: "Bad", 2: "Poor", 3: "Fair", 4: "Good", 5: "Excellent"}[*a.CallScore]; ok {
			scoreText += "/5 (" + name + ")"
		}
	}
	cell := func(title, text, csv string) annotationCell {
		if text == "" {
			text = "-"
		}
		return annotationCell{title: title, text: safetext.Printable(text), csv: csv}
	}
	plain := func(title string, v *string) annotationCell { return cell(title, opt(v), opt(v)) }
	return map[string]annotationCell{
		"call_sid":       plain("Call", a.CallSID),
		"score":          cell("Score", scoreText, score),
		"quality_issues": cell("Quality issues", strings.Join(issues, ", "), strings.Join(issues, ",")),
		"connectivity":   plain("Connectivity", (*string)(a.ConnectivityIssue)),
		"answered_by":    plain("Answered by", (*string)(a.AnsweredBy)),
		"spam":           cell("Spam", spam, spam),
		"comment":        plain("Comment", a.Comment),
		"incident":       plain("Incident", a.Incident),
	}
}

// writeAnnotation prints the labels, one per line, "-" for unset, after
// the sandbox's notice when a sandbox answered.
func writeAnnotation(w io.Writer, rows map[string]annotationCell, fields []string, sandbox string, noHeader bool) {
	if sandbox != "" && !noHeader {
		fmt.Fprintf(w, "# %s\n", sandboxNotice(sandbox))
	}
	tw := newTable(w)
	for _, f := range fields {
		fmt.Fprintf(tw, "%s\t%s\n", rows[f].title, rows[f].text)
	}
	tw.Flush()
}
