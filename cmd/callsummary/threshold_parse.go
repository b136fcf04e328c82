package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/voiceinsights/callsummary/fleet"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// The --fail-if grammar (callsummary help fail-if), read by a hand-written
// lexer and a recursive-descent parser so that every error can name the
// column it is at:
//
//	threshold = figure op number [unit] | "verdict" ("==" | "!=") name | "tag" "(" name ")"
//	figure    = name | name "(" name ")"
//	op        = "<" | "<=" | ">" | ">=" | "==" | "!="
//	number    = digits ["." digits] | "." digits
//	unit      = "%" | "ms" | "s"

// maxThresholdLen bounds one expression: the longest sensible one is
// about 40 characters.
const maxThresholdLen = 200

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokName
	tokNumber
	tokOp
	tokLParen
	tokRParen
	tokPercent
	tokOther // a character the grammar has no use for
)

type token struct {
	kind tokenKind
	text string
	col  int // 1-based, in characters
}

// describe is how an error names a token it did not want.
func (t token) describe() string {
	if t.kind == tokEOF {
		return "the end"
	}
	return "'" + t.text + "'"
}

// lexer splits an expression into tokens, one at a time.
type lexer struct {
	src []rune
	pos int
}

func isLetter(r rune) bool { return r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') }
func isDigit(r rune) bool  { return '0' <= r && r <= '9' }

func (l *lexer) next() token {
	for l.pos < len(l.src) && (l.src[l.pos] == ' ' || l.src[l.pos] == '\t') {
		l.pos++
	}
	start := l.pos
	tok := func(k tokenKind) token { return token{kind: k, text: string(l.src[start:l.pos]), col: start + 1} }
	if l.pos == len(l.src) {
		return tok(tokEOF)
	}
	r := l.src[l.pos]
	l.pos++
	switch {
	case isLetter(r):
		for l.pos < len(l.src) && (isLetter(l.src[l.pos]) || isDigit(l.src[l.pos])) {
			l.pos++
		}
		return tok(tokName)
	case isDigit(r) || (r == '.' && l.pos < len(l.src) && isDigit(l.src[l.pos])):
		for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
			l.pos++
		}
		if r != '.' && l.pos+1 < len(l.src) && l.src[l.pos] == '.' && isDigit(l.src[l.pos+1]) {
			l.pos++
			for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
				l.pos++
			}
		}
		return tok(tokNumber)
	case r == '(':
		return tok(tokLParen)
	case r == ')':
		return tok(tokRParen)
	case r == '%':
		return tok(tokPercent)
	case r == '<' || r == '>' || r == '=' || r == '!':
		if l.pos < len(l.src) && l.src[l.pos] == '=' {
			l.pos++
		}
		if t := tok(tokOp); t.text != "=" && t.text != "!" {
			return t
		}
	}
	return tok(tokOther)
}

// parser reads one expression with one token of lookahead.
type parser struct {
	lex   lexer
	tok   token
	scope thresholdScope
}

// parseError is a mistake in an expression: what is wrong, the column
// it is at (0: the whole expression), and what would have been right.
type parseError struct {
	msg  string
	col  int
	want string
}

func (e *parseError) Error() string {
	s := e.msg
	if e.col > 0 {
		s += fmt.Sprintf(" at column %d", e.col)
	}
	if e.want != "" {
		s += " (" + e.want + ")"
	}
	return s
}

// errorAt is a mistake at tok; want may be "".
func errorAt(tok token, want, format string, args ...any) error {
	return &parseError{msg: fmt.Sprintf(format, args...), col: tok.col, want: want}
}

func (p *parser) advance() token {
	t := p.tok
	p.tok = p.lex.next()
	return t
}

// parseThreshold reads one --fail-if expression for a command of scope.
func parseThreshold(src string, scope thresholdScope) (*threshold, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &parseError{msg: "empty: want a threshold such as " + exampleThreshold(scope)}
	}
	if n := len([]rune(src)); n > maxThresholdLen {
		return nil, &parseError{msg: fmt.Sprintf("%d characters: a threshold is at most %d", n, maxThresholdLen)}
	}
	p := &parser{lex: lexer{src: []rune(src)}, scope: scope}
	p.advance()
	t, err := p.threshold()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEOF {
		hint := ""
		if p.tok.kind == tokName {
			hint = "one condition per --fail-if; repeat the flag for another"
		}
		return nil, errorAt(p.tok, hint, "unexpected %s", p.tok.describe())
	}
	return t, nil
}

func exampleThreshold(scope thresholdScope) string {
	if scope == scopeCall {
		return "'mos < 3.5'"
	}
	return "'p90(jitter) > 30'"
}

func (p *parser) threshold() (*threshold, error) {
	name := p.advance()
	if name.kind != tokName {
		return nil, errorAt(name, "", "want a figure such as %s, found %s", exampleThreshold(p.scope), name.describe())
	}
	t := &threshold{}
	if p.tok.kind == tokLParen {
		open := p.advance()
		arg := p.advance()
		if arg.kind != tokName {
			return nil, errorAt(arg, "", "want a name inside %s( ), found %s", name.text, arg.describe())
		}
		if p.tok.kind != tokRParen {
			return nil, errorAt(p.tok, fmt.Sprintf("to close the '(' at column %d", open.col), "want ')', found %s", p.tok.describe())
		}
		p.advance()
		t.arg = arg.text
		if err := p.function(t, name, arg); err != nil {
			return nil, err
		}
	} else if err := p.bare(t, name); err != nil {
		return nil, err
	}
	switch t.kind {
	case figTag:
		if p.tok.kind == tokOp {
			return nil, errorAt(p.tok, "tag(TAG) is a condition alone, true when the call has the tag", "unexpected %s", p.tok.describe())
		}
		return t, nil
	case figVerdict:
		return t, p.verdictComparison(t)
	}
	if err := p.comparison(t); err != nil {
		return nil, err
	}
	return t, nil
}

// function resolves name(arg).
func (p *parser) function(t *threshold, name, arg token) error {
	switch fn := name.text; {
	case p.scope == scopeFleet && quantileOf(fn) > 0:
		m, ok := metricNamed(arg.text)
		if !ok {
			return errorAt(arg, "want "+metricList, "unknown metric %s", arg.text)
		}
		t.kind, t.fn, t.q, t.metric = figQuantile, fn, quantileOf(fn), m
	case p.scope == scopeFleet && (fn == "share" || fn == "count"):
		t.kind, t.fn = figShare, fn
		if fn == "count" {
			t.kind = figCount
		}
		return p.class(t, arg, true)
	case p.scope == scopeCall && fn == "tag":
		t.kind, t.fn = figTag, fn
		return p.class(t, arg, false)
	case p.scope == scopeCall && (quantileOf(fn) > 0 || fn == "share" || fn == "count"):
		return errorAt(name, "for one call, compare "+callAlternative(fn, arg.text), "%s(%s) is a figure of many calls (stats, report, watch)",
			fn, arg.text)
	case p.scope == scopeFleet && fn == "tag":
		return errorAt(name, "for many calls, say share("+arg.text+") or count("+arg.text+")", "tag(%s) is one call's condition (fetch)", arg.text)
	case p.scope == scopeCall:
		return errorAt(name, "want tag, or a metric without parentheses: mos, jitter, loss, rtt, pdd, duration", "unknown function %s", fn)
	default:
		return errorAt(name, "want pN (p1 to p99, e.g. p10, p50, p90), share, count", "unknown function %s", fn)
	}
	return nil
}

// percentilesFor suggests the percentiles of a metric where its bad calls
// are: the low tail of MOS (a low MOS is bad), the high tail of the others.
func percentilesFor(metric string) string {
	if m, ok := metricNamed(metric); ok && m == fleet.MetricMOS {
		return "p10(" + metric + ") or p1(" + metric + ") (the low tail: a low MOS is bad), or p50(" + metric + ")"
	}
	return "p50(" + metric + "), p90(" + metric + ") or p99(" + metric + ")"
}

// callAlternative is what to write for one call instead of fn(arg).
func callAlternative(fn, arg string) string {
	if fn == "share" || fn == "count" {
		if slices.Contains(callsummary.Verdicts(), callsummary.Verdict(arg)) {
			return "verdict == " + arg
		}
		return "tag(" + arg + ")"
	}
	if m, ok := metricNamed(arg); ok {
		return "the metric itself: " + shortMetricName(m) + " > N"
	}
	return "the metric itself: jitter > 30"
}

// class resolves the verdict or tag inside share( ), count( ) or tag( ).
// A tag-shaped name this version does not know is kept, and noted:
// Twilio may add tags.
func (p *parser) class(t *threshold, arg token, verdicts bool) error {
	t.class = arg.text
	if verdicts && slices.Contains(callsummary.Verdicts(), callsummary.Verdict(arg.text)) {
		t.verdict = true
		return nil
	}
	if callsummary.Tag(arg.text).Known() {
		return nil
	}
	if near := nearestClass(arg.text, verdicts); !tagShaped(arg.text) || near != "" {
		want := "want a tag: " + tagList()
		if verdicts {
			want = "want a verdict (good, tagged, poor, unknown) or a tag: " + tagList()
		}
		what := "tag"
		if verdicts {
			what = "verdict or tag"
		}
		if near != "" {
			want = "did you mean " + near + "?"
		}
		return errorAt(arg, want, "unknown %s %s", what, arg.text)
	}
	t.unknownTag = true
	return nil
}

// nearestClass is the known verdict or tag name is within two edits of,
// "" if none: a typo is refused, where a name far from every known one
// may be a tag Twilio added.
func nearestClass(name string, verdicts bool) string {
	var names []string
	if verdicts {
		for _, v := range callsummary.Verdicts() {
			names = append(names, string(v))
		}
	}
	for _, t := range callsummary.KnownTags() {
		names = append(names, string(t))
	}
	best, dist := "", 3
	for _, n := range names {
		if d := editDistance(name, n); d < dist && n != name {
			best, dist = n, d
		}
	}
	return best
}

// tagShaped: lower case letters, digits and underscores, as Twilio's tags
// are.
func tagShaped(s string) bool {
	for _, r := range s {
		if !('a' <= r && r <= 'z') && !isDigit(r) && r != '_' {
			return false
		}
	}
	return s != ""
}

func tagList() string {
	var names []string
	for _, t := range callsummary.KnownTags() {
		names = append(names, string(t))
	}
	return strings.Join(names, ", ")
}

// bare resolves a name without parentheses.
func (p *parser) bare(t *threshold, name token) error {
	m, isMetric := metricNamed(name.text)
	fleetFn := quantileOf(name.text) > 0 || name.text == "share" || name.text == "count"
	switch {
	case p.scope == scopeFleet && name.text == "calls":
		t.kind, t.fn = figCalls, "calls"
	case p.scope == scopeCall && isMetric:
		t.kind, t.fn, t.metric = figMetric, name.text, m
	case p.scope == scopeCall && name.text == "verdict":
		t.kind, t.fn = figVerdict, "verdict"
	case p.scope == scopeFleet && quantileOf(name.text) > 0:
		return errorAt(name, "want a metric in parentheses, e.g. "+name.text+"(jitter)", "%s without its metric", name.text)
	case p.scope == scopeFleet && fleetFn:
		return errorAt(name, "want a verdict or tag in parentheses, e.g. "+name.text+"(poor)", "%s without its verdict or tag", name.text)
	case p.scope == scopeCall && name.text == "tag":
		return errorAt(name, "want a tag in parentheses, e.g. tag(high_jitter)", "tag without its tag")
	case p.scope == scopeCall && (fleetFn || name.text == "calls"):
		return errorAt(name, "fetch checks one call: want "+metricList+", verdict, or tag(TAG)", "%s is a figure of many calls (stats, report, watch)", name.text)
	case p.scope == scopeFleet && isMetric:
		return errorAt(name, "for many calls, say "+percentilesFor(name.text), "%s is one call's figure (fetch)", name.text)
	case p.scope == scopeFleet && name.text == "verdict":
		return errorAt(name, "for many calls, say share(poor) or count(poor)", "verdict is one call's figure (fetch)")
	case p.scope == scopeFleet && name.text == "tag":
		return errorAt(name, "for many calls, say share(TAG) or count(TAG)", "tag is one call's condition (fetch)")
	case p.scope == scopeCall:
		return errorAt(name, "want "+metricList+", verdict, or tag(TAG)", "unknown figure %s", name.text)
	default:
		return errorAt(name, "want calls, or a function: pN (p1 to p99), share, count", "unknown figure %s", name.text)
	}
	return nil
}

const opList = "want <, <=, >, >=, == or !="

func (p *parser) op(t *threshold) (token, error) {
	tok := p.advance()
	switch {
	case tok.kind == tokOp:
		t.op = compareOp(tok.text)
		return tok, nil
	case tok.text == "=":
		return tok, errorAt(tok, "did you mean '=='?", "'=' is not an operator")
	}
	return tok, errorAt(tok, opList, "want an operator after %s, found %s", t.figure(), tok.describe())
}

// comparison reads op number [unit] and checks that the unit fits the
// figure.
func (p *parser) comparison(t *threshold) error {
	if _, err := p.op(t); err != nil {
		return err
	}
	num := p.advance()
	if num.kind != tokNumber {
		hint := ""
		if num.text == "-" {
			hint = "no figure is negative"
		}
		return errorAt(num, hint, "want a number after %s, found %s", t.op, num.describe())
	}
	v, err := strconv.ParseFloat(num.text, 64)
	if err != nil || math.IsInf(v, 0) {
		return errorAt(num, "", "number %s is out of range", num.text)
	}
	t.number = num.text
	unitTok := p.tok
	switch {
	case p.tok.kind == tokPercent:
		t.unit = unitPercent
		p.advance()
	case p.tok.kind == tokName && (p.tok.text == "ms" || p.tok.text == "s"):
		t.unit = unit(p.tok.text)
		p.advance()
	case p.tok.kind == tokName && p.tok.col == num.col+len([]rune(num.text)):
		// Letters right after the number: a unit; after a space, the
		// start of something else, which threshold reports.
		return errorAt(p.tok, "want %, ms or s", "unknown unit %s", p.tok.text)
	}
	factor, why := t.unitFactor()
	if why != "" {
		return errorAt(unitTok, why, "unit %s does not apply to %s", t.unit, t.figure())
	}
	t.limit = v * factor
	if t.kind == figShare && t.limit > 1 {
		if t.unit == unitPercent {
			return errorAt(num, "a share is at most 100%", "share %s%% is over 100%%", num.text)
		}
		return errorAt(num, "a share is a fraction from 0 to 1: write "+num.text+"% or "+strconv.FormatFloat(v/100, 'g', -1, 64),
			"share %s is over 1", num.text)
	}
	return nil
}

func (p *parser) verdictComparison(t *threshold) error {
	opTok, err := p.op(t)
	if err != nil {
		return err
	}
	if t.op != opEQ && t.op != opNE {
		return errorAt(opTok, "a verdict is compared with == or !=", "operator %s does not apply to verdict", t.op)
	}
	v := p.advance()
	if v.kind != tokName || !slices.Contains(callsummary.Verdicts(), callsummary.Verdict(v.text)) {
		return errorAt(v, "want good, tagged, poor or unknown", "want a verdict after verdict %s, found %s", t.op, v.describe())
	}
	t.class, t.verdict = v.text, true
	return nil
}

// Metrics by the names --fail-if accepts: short ones, and the fleet's.
const metricList = "mos, jitter, loss, rtt, pdd, duration"

func metricNamed(name string) (fleet.Metric, bool) {
	switch name {
	case "mos":
		return fleet.MetricMOS, true
	case "jitter", string(fleet.MetricJitter):
		return fleet.MetricJitter, true
	case "loss", string(fleet.MetricLoss):
		return fleet.MetricLoss, true
	case "rtt", string(fleet.MetricRTT):
		return fleet.MetricRTT, true
	case "pdd", string(fleet.MetricPDD):
		return fleet.MetricPDD, true
	case "duration", string(fleet.MetricDuration):
		return fleet.MetricDuration, true
	}
	return "", false
}

func shortMetricName(m fleet.Metric) string {
	return map[fleet.Metric]string{fleet.MetricMOS: "mos", fleet.MetricJitter: "jitter", fleet.MetricLoss: "loss",
		fleet.MetricRTT: "rtt", fleet.MetricPDD: "pdd", fleet.MetricDuration: "duration"}[m]
}

// quantileOf is the quantile a function name asks for, pN for N from 1
// to 99 (p10 is 0.1); 0 for another name.
func quantileOf(fn string) float64 {
	digits, ok := strings.CutPrefix(fn, "p")
	if !ok || len(digits) == 0 || len(digits) > 2 || digits[0] == '0' {
		return 0
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 1 || n > 99 {
		return 0
	}
	return float64(n) / 100
}
