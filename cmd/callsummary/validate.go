package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/internal/safetext"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

const validateLong = `Validate Call Summary JSON against the OpenAPI document. Each FILE (or standard
input, for -) holds one summary as returned by GET /v1/Voice/{CallSid}/Summary,
or many: NDJSON (one a line, as 'callsummary list -o ndjson' writes them) or
JSON values one after another. Every violation is printed with its JSON pointer
and the rule it breaks; values are never printed, so the output is safe to share
even for summaries that carry phone numbers. A value larger than the API's 10 MiB
response cap is not read.

--report-unknown also lists what a value holds that the document does not know:
properties it does not name, and enum values outside its lists (shown only when
they look like an enum value, never a property's value). Twilio adds both without
notice; the list says what to add to openapi/insights.yaml. Unknown properties do
not make a value invalid; an enum value outside the document's lists does (the
lists are Twilio's own), and is named among the violations too.

Exit status: 0 every value valid; 1 any invalid; 2 an input could not be read.`

const validateExample = `  callsummary validate summary.json
  callsummary list --sandbox -o ndjson -n 100 | callsummary validate -
  callsummary list -o ndjson --since 1d | callsummary validate --report-unknown -`

// validationColumns are the columns of csv output: one row per violation,
// one for a valid value.
var validationColumns = []string{"input", "value", "valid", "pointer", "reason"}

func newValidateCmd(e *env) *cobra.Command {
	var out outputOptions
	var reportUnknown bool
	cmd := command(e, &cobra.Command{
		Use:     "validate FILE... | -",
		Short:   "Validate Call Summary JSON (one value, NDJSON or a stream) against the OpenAPI document",
		Long:    validateLong,
		Example: validateExample,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("no files: give one or more FILEs, or - for standard input")
			}
			if n := countOf(args, "-"); n > 1 {
				return usagef("- (standard input) given %d times; it can be read only once", n)
			}
			return nil
		},
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return []cobra.Completion{"json", "ndjson"}, cobra.ShellCompDirectiveFilterFileExt
		},
	}, func(cmd *cobra.Command, args []string) error {
		format, fields, err := out.resolve(cmd)
		if err != nil {
			return err
		}
		return runValidate(e, args, format, fields, out.noHeader, reportUnknown)
	})
	addOutputFlags(cmd, &out, validationColumns, nil)
	cmd.Flags().BoolVar(&reportUnknown, "report-unknown", false, "also list properties and enum values the document does not know (drift)")
	return cmd
}

func countOf(xs []string, x string) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

// validation is the verdict on one value of an input, as -o json and
// ndjson print it.
type validation struct {
	Input string `json:"input"`
	// Value is the value's place in its input, from 1 (for an input that
	// could not be read, the place of the value that could not be).
	Value int  `json:"value"`
	Valid bool `json:"valid"`
	// Error says why the value is not a summary at all: not JSON, or too
	// large to read.
	Error      string            `json:"error,omitempty"`
	Violations []violationReport `json:"violations"`
	// Unknown is what the value holds that the document does not know
	// (with --report-unknown).
	Unknown []unknownReport `json:"unknown,omitempty"`
	// Unreadable: the input could not be opened or read to the end.
	Unreadable bool `json:"unreadable,omitempty"`
	// alone: the input holds this value only, so text names the input alone.
	alone bool
}

type violationReport struct {
	Pointer string `json:"pointer"`
	Reason  string `json:"reason"`
}

// unknownReport is one property or enum value the document does not know.
type unknownReport struct {
	Pointer string `json:"pointer"`
	// Kind is "property" or "enum value".
	Kind string `json:"kind"`
	// Value is an unknown enum value when it looks like one; never a
	// property's value.
	Value string `json:"value,omitempty"`
}

func (u unknownReport) reason() string {
	switch {
	case u.Kind == "property":
		return "unknown property: not in the document"
	case u.Value == "":
		return "unknown enum value (not shown: it does not look like one)"
	}
	return fmt.Sprintf("unknown enum value %q", u.Value)
}

// errValueTooLarge: a value over the response cap is not read whole.
var errValueTooLarge = fmt.Errorf("a JSON value larger than %d bytes (the API's response cap): not read", callsummary.MaxResponseBytes)

func runValidate(e *env, inputs []string, format string, fields []string, noHeader, reportUnknown bool) error {
	v, err := conformance.NewValidator()
	if err != nil {
		return err
	}
	out := bufio.NewWriter(e.stdout)
	w := &validationWriter{w: out, format: format, fields: fields, noHeader: noHeader}
	var values, invalid, unreadable, drifted int
	for _, name := range inputs {
		read := 0 // values of this input reported
		err := eachValue(e, name, func(r validation) error {
			values++
			read++
			if !r.Valid {
				invalid++
			}
			if len(r.Unknown) > 0 {
				drifted++
			}
			return w.write(r)
		}, v, reportUnknown)
		if err != nil {
			if e.stdout.broken() {
				return err
			}
			unreadable++
			// The value that could not be read is the one after the last
			// reported; text names the input alone.
			r := validation{Input: displayName(name), Value: read + 1, alone: true, Unreadable: true, Error: message(err), Violations: []violationReport{}}
			if werr := w.write(r); werr != nil {
				return werr
			}
		}
		if err := out.Flush(); err != nil {
			return err
		}
	}
	if err := w.end(); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	// A total, for a stream of many values, and a word that the drift
	// check ran even when it found nothing.
	if reportUnknown {
		e.notef("%d of %d values hold something the document does not know", drifted, values)
	} else if values > 1 && invalid == 0 && unreadable == 0 {
		e.notef("%d values, all valid", values)
	}
	switch {
	case unreadable > 0:
		// Exit 2: the command could not do its job, which is not the
		// validator saying no.
		return &cliError{code: exitUsage, err: fmt.Errorf("%d of %d inputs could not be read", unreadable, len(inputs))}
	case invalid > 0:
		return &cliError{code: exitNo, err: fmt.Errorf("%d of %d values invalid", invalid, values)}
	}
	return nil
}

// eachValue validates the values of one input in turn, telling each to
// yield once it knows whether another follows. The error is the input's:
// it could not be opened or read.
func eachValue(e *env, name string, yield func(validation) error, v *conformance.Validator, reportUnknown bool) error {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	src := &boundedReader{r: r}
	dec := wirejson.NewDecoder(src)
	var pending *validation
	for i := 1; ; i++ {
		src.limit = dec.InputOffset() + callsummary.MaxResponseBytes + 64<<10
		raw, err := dec.ReadValue()
		if err == nil && len(raw) > callsummary.MaxResponseBytes {
			err = errValueTooLarge
		}
		cur := validation{Input: displayName(name), Value: i}
		switch {
		case errors.Is(err, io.EOF) && i == 1:
			cur.Error = "no JSON value"
		case errors.Is(err, io.EOF):
			pending.alone = i == 2
			return yield(*pending)
		case errors.Is(err, errValueTooLarge) || (err != nil && errors.As(err, new(*os.PathError))):
			// The input cannot be read on: what was read is reported first.
			if pending != nil {
				if yerr := yield(*pending); yerr != nil {
					return yerr
				}
			}
			if errors.Is(err, errValueTooLarge) {
				return errValueTooLarge // without the decoder's wrapping
			}
			return err
		case err != nil:
			cur.Error = "not JSON: " + message(err)
		default:
			body := slices.Clone(raw)
			cur.Valid, cur.Violations = validateValue(v, body)
			if reportUnknown {
				cur.Unknown = unknownIn(v, body)
			}
		}
		if pending != nil {
			if err := yield(*pending); err != nil {
				return err
			}
		}
		if cur.Error != "" {
			// The stream cannot be followed past a syntax error.
			cur.alone = i == 1
			return yield(cur)
		}
		pending = &cur
	}
}

// validateValue checks one value; the result never holds a value of it.
func validateValue(v *conformance.Validator, body []byte) (bool, []violationReport) {
	err := v.ValidateSummary(body)
	var ve *conformance.ValidationError
	switch {
	case err == nil:
		return true, []violationReport{}
	case errors.As(err, &ve):
		out := make([]violationReport, len(ve.Violations))
		for i, x := range ve.Violations {
			out[i] = violationReport{Pointer: x.Pointer, Reason: x.Reason}
		}
		return false, out
	}
	return false, []violationReport{{Reason: message(err)}}
}

// unknownIn lists what body holds that the document does not know.
func unknownIn(v *conformance.Validator, body []byte) []unknownReport {
	found, err := v.ReportUnknown(body)
	if err != nil {
		return nil // not JSON: validateValue says so
	}
	out := make([]unknownReport, len(found))
	for i, u := range found {
		out[i] = unknownReport{Pointer: u.Pointer, Kind: "enum value", Value: u.Value}
		if u.Property {
			out[i].Kind = "property"
		}
	}
	return out
}

// boundedReader fails once more than limit bytes have been read: the
// decoder holds a whole value in memory, so a value is bounded by the
// response cap, as the SDK bounds a response.
type boundedReader struct {
	r        io.Reader
	n, limit int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.n >= b.limit {
		return 0, errValueTooLarge
	}
	if rest := b.limit - b.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

// validationWriter prints results in one format.
type validationWriter struct {
	w        io.Writer
	format   string
	fields   []string
	noHeader bool
	n        int
}

func (w *validationWriter) write(r validation) error {
	first := w.n == 0
	w.n++
	var b bytes.Buffer
	switch w.format {
	case formatJSON, formatNDJSON:
		if w.format == formatJSON {
			b.WriteString(map[bool]string{true: "[\n", false: ",\n"}[first])
		}
		body, err := wirejson.Marshal(r)
		if err != nil {
			return err
		}
		b.Write(body)
		if w.format == formatNDJSON {
			b.WriteByte('\n')
		}
	case formatCSV:
		if first && !w.noHeader {
			if err := writeCSV(&b, w.fields); err != nil {
				return err
			}
		}
		rows := r.Violations
		if len(rows) == 0 && (len(r.Unknown) == 0 || r.Error != "") {
			rows = []violationReport{{Reason: r.Error}}
		}
		for _, u := range r.Unknown {
			rows = append(rows, violationReport{Pointer: u.Pointer, Reason: u.reason()})
		}
		for _, x := range rows {
			cells := map[string]string{"input": r.Input, "value": strconv.Itoa(r.Value), "valid": strconv.FormatBool(r.Valid), "pointer": x.Pointer, "reason": x.Reason}
			row := make([]string, len(w.fields))
			for i, f := range w.fields {
				row[i] = cells[f]
			}
			if err := writeCSV(&b, row); err != nil {
				return err
			}
		}
	default:
		writeValidationText(&b, r)
	}
	_, err := w.w.Write(b.Bytes())
	return err
}

// end closes json's array.
func (w *validationWriter) end() error {
	if w.format != formatJSON {
		return nil
	}
	end := "\n]\n"
	if w.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(w.w, end)
	return err
}

func writeValidationText(w io.Writer, r validation) {
	name := safetext.Printable(r.Input)
	if !r.alone {
		name += " #" + strconv.Itoa(r.Value)
	}
	switch n := len(r.Violations); {
	case r.Valid:
		fmt.Fprintf(w, "%s: valid\n", name)
	case r.Unreadable:
		fmt.Fprintf(w, "%s: cannot read: %s\n", name, safetext.Printable(r.Error))
	case r.Error != "":
		fmt.Fprintf(w, "%s: invalid: %s\n", name, safetext.Printable(r.Error))
	default:
		fmt.Fprintf(w, "%s: invalid, %d violation%s\n", name, n, plural(n))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, v := range r.Violations {
			p := v.Pointer
			if p == "" {
				p = "(body)"
			}
			fmt.Fprintf(tw, "  %s\t%s\n", safetext.Printable(p), safetext.Printable(v.Reason))
		}
		tw.Flush()
	}
	if n := len(r.Unknown); n > 0 {
		fmt.Fprintf(w, "%s: %d unknown to the document\n", name, n)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, u := range r.Unknown {
			fmt.Fprintf(tw, "  %s\t%s\n", safetext.Printable(u.Pointer), safetext.Printable(u.reason()))
		}
		tw.Flush()
	}
}

func displayName(name string) string {
	if name == "-" {
		return "(stdin)"
	}
	return name
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
