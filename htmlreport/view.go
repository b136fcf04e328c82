package htmlreport

import (
	"html/template"
	"math"
	"strconv"
)

// chartView is a chart and the table of the numbers behind it.
type chartView struct {
	ID, Title, Desc string
	SVG             template.HTML // empty: nothing to draw (Empty says why)
	Empty           string
	Table           tableView
}

// tableView is a table of text cells; html/template escapes each.
type tableView struct {
	Caption string
	Head    []string
	Rows    [][]string
	// Note says what the rows leave out, if anything.
	Note string
}

// fmtNum writes v with three significant digits and no exponent (the
// sketches are accurate to 1 %, so more would be noise).
func fmtNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 3, 64), 64)
	if err != nil {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// fmtPct writes a share in [0, 1] as a percentage with one decimal.
func fmtPct(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) + "%" }

// finite drops what no chart can place.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
