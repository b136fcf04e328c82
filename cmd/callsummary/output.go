package main

import (
	"encoding/csv"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/voiceinsights/callsummary/internal/safetext"
)

// Output formats: one -o flag on every command that prints records.
const (
	formatText   = "text"
	formatJSON   = "json"
	formatNDJSON = "ndjson"
	formatCSV    = "csv"
)

var allFormats = []string{formatText, formatJSON, formatNDJSON, formatCSV}

// outputOptions are -o/--output, its alias --json, --fields and --no-header.
type outputOptions struct {
	format   string
	json     bool
	fields   []string
	noHeader bool
	// columns are the names --fields accepts; defaults, the columns shown
	// without --fields.
	columns, defaults []string
}

// addOutputFlags adds the output flags to cmd. columns are what --fields
// chooses from (nil: no --fields), textDefaults the columns of text output
// without --fields (csv shows them all).
func addOutputFlags(cmd *cobra.Command, o *outputOptions, columns, textDefaults []string) {
	fs := cmd.Flags()
	o.format = formatText
	fs.VarP(enumValue{v: &o.format, known: allFormats, hard: true}, "output", "o", "output `format`: text, json, ndjson (one JSON value a line) or csv")
	fs.BoolVar(&o.json, "json", false, "print JSON: the same as -o json")
	o.columns, o.defaults = columns, textDefaults
	if columns != nil {
		of := "text and csv output"
		if textDefaults == nil {
			of = "csv output" // the text output is not a table
		}
		fs.Var(enumList{items: &o.fields, known: columns, hard: true}, "fields",
			"`columns` of "+of+", comma-separated, in order: "+strings.Join(columns, ", "))
		_ = cmd.RegisterFlagCompletionFunc("fields", completeValues(columns, true))
	}
	fs.BoolVar(&o.noHeader, "no-header", false, "leave out the header line of text and csv output")
	_ = cmd.RegisterFlagCompletionFunc("output", completeValues(allFormats, false))
}

// resolve checks the combination and returns the format and the columns
// to show.
func (o *outputOptions) resolve(cmd *cobra.Command) (format string, fields []string, err error) {
	format = o.format
	if o.json {
		if cmd.Flags().Changed("output") && o.format != formatJSON {
			return "", nil, usagef("--json is -o json; it contradicts -o %s", o.format)
		}
		format = formatJSON
	}
	table := format == formatText || format == formatCSV
	switch {
	case len(o.fields) > 0 && !table:
		return "", nil, usagef("--fields chooses the columns of text and csv output, not of -o %s", format)
	case o.noHeader && !table:
		return "", nil, usagef("--no-header is for text and csv output; -o %s has no header", format)
	}
	fields = o.fields
	if len(fields) == 0 {
		fields = o.defaults
		if format == formatCSV {
			fields = o.columns
		}
	}
	return format, slices.Clone(fields), nil
}

// writeCSV writes one record. Cells are made printable, a csv file being
// read on terminals too, and one a spreadsheet would run as a formula is
// quoted (safetext.CSVCell).
func writeCSV(w io.Writer, cells []string) error {
	clean := make([]string, len(cells))
	for i, c := range cells {
		clean[i] = safetext.CSVCell(c)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(clean); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// completeValues completes a flag's value from known; for a list, the
// last of its comma-separated values, leaving room for another.
func completeValues(known []string, list bool) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		done, last := "", toComplete
		if i := strings.LastIndexByte(toComplete, ','); list && i >= 0 {
			done, last = toComplete[:i+1], toComplete[i+1:]
		}
		var out []cobra.Completion
		for _, k := range known {
			if strings.HasPrefix(k, last) {
				out = append(out, done+k)
			}
		}
		directive := cobra.ShellCompDirectiveNoFileComp
		if list {
			directive |= cobra.ShellCompDirectiveNoSpace
		}
		return out, directive
	}
}
