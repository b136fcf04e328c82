// Package htmlreport writes call-quality reports as self-contained HTML
// pages: the fleet report (WriteFleet) from fleet statistics and the worst
// calls, and the page of one call (WriteCall), with the same content as the
// command line's text report.
//
// A page works offline and makes no request: its style sheet and its
// charts are inline, the charts drawn by gonum/plot as SVG, in generic
// font families, and a Content-Security-Policy forbids loading anything.
// It has no script. It reads well in light and dark mode and in print;
// every chart has a title and a description for screen readers, and the
// table of the numbers behind it.
//
// Everything the server sent is escaped by html/template (or, in chart
// labels, by the SVG canvas) and stripped of control characters. The
// parties' numbers, IP addresses and locations are masked unless WithPII.
//
// To write the fleet report from Go, add every summary to an Aggregation,
// keep the calls to show in full (the command line keeps the N worst by
// verdict), and pass both to WriteFleet:
//
//	agg, _ := htmlreport.NewAggregation()
//	for s, err := range client.ListSummaries(ctx, filter) {
//		// handle err; agg.Add(s); keep the worst few
//	}
//	err := htmlreport.WriteFleet(f, agg.Fleet(worst))
package htmlreport
