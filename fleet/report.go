package fleet

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/voiceinsights/callsummary/internal/safetext"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// WriteText writes the result as a table for people: one line per group
// with its count, verdict shares and p50/p90/p99 of each metric, then the
// tag shares. Values from the server (carriers, codecs, tags) go through
// the module's terminal sanitizer; "-" is a key value the summaries did
// not have.
func (r Result) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := make([]string, 0, len(r.By)+8)
	for _, d := range r.By {
		head = append(head, strings.ToUpper(string(d)))
	}
	head = append(head, "CALLS", "GOOD", "TAGGED", "POOR", "UNKNOWN")
	for _, m := range Metrics() {
		head = append(head, strings.ToUpper(string(m))+" P50/P90/P99")
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, g := range r.Groups {
		cells := make([]string, 0, len(head))
		for _, k := range g.Key {
			cells = append(cells, orDash(safetext.Printable(k)))
		}
		cells = append(cells, strconv.FormatInt(g.Count, 10))
		for _, v := range callsummary.Verdicts() {
			cells = append(cells, percent(g.VerdictShare(v)))
		}
		for _, m := range Metrics() {
			q, ok := g.Quantiles[m]
			if !ok {
				cells = append(cells, "-")
				continue
			}
			cells = append(cells, fmt.Sprintf("%s/%s/%s", short(q.P50), short(q.P90), short(q.P99)))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d calls; quantiles within %s of the exact values (DDSketch)\n", r.Calls, percent(r.RelativeAccuracy))
	for _, g := range r.Groups {
		if len(g.Tags) == 0 {
			continue
		}
		tags := make([]string, 0, len(g.Tags))
		for t := range g.Tags {
			tags = append(tags, t)
		}
		slices.Sort(tags)
		parts := make([]string, len(tags))
		for i, t := range tags {
			parts[i] = safetext.Printable(t) + " " + percent(share(g.Tags[t], g.Count))
		}
		key := make([]string, len(g.Key))
		for i, k := range g.Key {
			key[i] = orDash(safetext.Printable(k))
		}
		label := "tags"
		if len(key) > 0 {
			label = "tags of " + strings.Join(key, "/")
		}
		if _, err := fmt.Fprintf(w, "%s: %s\n", label, strings.Join(parts, ", ")); err != nil {
			return err
		}
	}
	return nil
}

// WriteCSV writes the result for machines: one row per group and metric
// quantile set, numbers exact (no rounding); group keys, the server's text,
// are made printable and quoted where a spreadsheet would run them as a
// formula (the JSON form, MarshalJSON, keeps them exactly). Columns: the
// dimensions, calls, each verdict's count, each known tag's count, then
// n, p50, p90 and p99 of each metric (empty when not observed).
func (r Result) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := make([]string, 0, len(r.By)+32)
	for _, d := range r.By {
		head = append(head, string(d))
	}
	head = append(head, "calls")
	for _, v := range callsummary.Verdicts() {
		head = append(head, string(v))
	}
	for _, t := range callsummary.KnownTags() {
		head = append(head, "tag_"+string(t))
	}
	for _, m := range Metrics() {
		head = append(head, string(m)+"_n", string(m)+"_p50", string(m)+"_p90", string(m)+"_p99")
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for _, g := range r.Groups {
		row := make([]string, 0, len(head))
		for _, k := range g.Key {
			row = append(row, safetext.CSVCell(k)) // a carrier or codec is the server's text
		}
		row = append(row, strconv.FormatInt(g.Count, 10))
		for _, v := range callsummary.Verdicts() {
			row = append(row, strconv.FormatInt(g.Verdicts[string(v)], 10))
		}
		for _, t := range callsummary.KnownTags() {
			row = append(row, strconv.FormatInt(g.Tags[string(t)], 10))
		}
		for _, m := range Metrics() {
			if q, ok := g.Quantiles[m]; ok {
				row = append(row, strconv.FormatInt(q.N, 10), num(q.P50), num(q.P90), num(q.P99))
			} else {
				row = append(row, "0", "", "", "")
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func percent(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) + "%" }

// short writes a quantile with three significant digits, the sketch being
// accurate to 1 % so that more would be noise, and without an exponent,
// which people misread in a table: 2280, not 2.28e+03. Outside the range
// where plain digits stay short (below 0.001 or from 1e9 on) it keeps the
// exponent, so a hostile 1e-300 is not written as 300 digits.
func short(v float64) string {
	g := strconv.FormatFloat(v, 'g', 3, 64)
	r, err := strconv.ParseFloat(g, 64)
	if err != nil || math.IsInf(r, 0) || math.IsNaN(r) {
		return g
	}
	if a := math.Abs(r); a != 0 && (a < shortMin || a >= shortMax) {
		return strconv.FormatFloat(r, 'e', -1, 64)
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// The range short writes without an exponent.
const (
	shortMin = 1e-3
	shortMax = 1e9
)
