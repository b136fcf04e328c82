// Command benchtable turns a `go test -bench` output file into the Markdown
// tables of bench/README.md: the median of each benchmark's runs, the ratios
// that the project's performance targets are stated in, and whether each is
// met.
// Every figure it prints is computed from the file; nothing is typed in.
//
//	go run ./cmd/benchtable results/latest.txt > results/table.md
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// samples maps a benchmark name without its -procs suffix (e.g.
// "Decode/payload=ClientCall/impl=gen") to its values by unit.
type samples map[string]map[string][]float64

func read(r io.Reader, name string) (samples, []string, error) {
	s := samples{}
	var config []string
	br := benchfmt.NewReader(r, name)
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, nil, rec
		case *benchfmt.Result:
			if len(config) == 0 {
				for _, c := range rec.Config {
					if c.File {
						config = append(config, c.Key+": "+string(c.Value))
					}
				}
			}
			key := benchName(rec.Name)
			if s[key] == nil {
				s[key] = map[string][]float64{}
			}
			for _, v := range rec.Values {
				s[key][v.Unit] = append(s[key][v.Unit], v.Value)
			}
		}
	}
	return s, config, br.Err()
}

func benchName(n benchfmt.Name) string {
	base, parts := n.Parts()
	var b bytes.Buffer
	b.Write(base)
	for _, p := range parts {
		if !bytes.HasPrefix(p, []byte("-")) { // drop the GOMAXPROCS suffix
			b.Write(p)
		}
	}
	return b.String()
}

// median of name's values in unit; ok is false when there are none.
func (s samples) median(name, unit string) (m float64, n int, ok bool) {
	vs := slices.Clone(s[name][unit])
	if len(vs) == 0 {
		return 0, 0, false
	}
	slices.Sort(vs)
	if len(vs)%2 == 1 {
		return vs[len(vs)/2], len(vs), true
	}
	return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2, len(vs), true
}

type table struct {
	targets []string
	s       samples
	w       *bufio.Writer
	missing []string
}

func (t *table) get(name, unit string) float64 {
	m, _, ok := t.s.median(name, unit)
	if !ok {
		t.missing = append(t.missing, name+" ("+unit+")")
	}
	return m
}

func (t *table) printf(format string, args ...any) { fmt.Fprintf(t.w, format, args...) }

// us formats seconds (benchfmt normalizes ns/op to sec/op) as
// microseconds, or as milliseconds from one millisecond up.
func us(sec float64) string {
	if sec >= 1e-3 {
		return fmt.Sprintf("%.2f ms", sec*1e3)
	}
	return fmt.Sprintf("%.2f µs", sec*1e6)
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func (t *table) decode() {
	impls := []string{"twilio", "gen", "minimal", "map", "gen-stdlib", "minimal-jsonv2"}
	t.printf("### Decode (`BenchmarkDecode`): one body into a fresh value, medians\n\n")
	t.printf("| payload | impl | time/op | B/op | allocs/op | twilio-go time ÷ this | this time ÷ minimal |\n")
	t.printf("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n")
	var checks []string
	for _, payload := range []string{"CarrierCall", "TrunkingCall", "ClientCall"} {
		name := func(impl string) string { return "Decode/payload=" + payload + "/impl=" + impl }
		tw := t.get(name("twilio"), "sec/op")
		min := t.get(name("minimal"), "sec/op")
		for _, impl := range impls {
			sec := t.get(name(impl), "sec/op")
			t.printf("| %s | %s | %s | %.0f | %.0f | %.2f× | %.2f× |\n", payload, impl, us(sec),
				t.get(name(impl), "B/op"), t.get(name(impl), "allocs/op"), tw/sec, sec/min)
		}
		gen := t.get(name("gen"), "sec/op")
		minV2 := t.get(name("minimal-jsonv2"), "sec/op")
		genAllocs, twAllocs := t.get(name("gen"), "allocs/op"), t.get(name("twilio"), "allocs/op")
		checks = append(checks,
			fmt.Sprintf("| decode %s: gen ≥ 1.5× faster than twilio-go | %.2f× | %s |", payload, tw/gen, verdict(tw/gen >= 1.5)),
			fmt.Sprintf("| decode %s: gen allocs ≤ twilio-go allocs | %.0f vs %.0f | %s |", payload, genAllocs, twAllocs, verdict(genAllocs <= twAllocs)),
			fmt.Sprintf("| decode %s: gen within 1.1× of the minimal struct (encoding/json, as written by hand) | %.2f× | %s |", payload, gen/min, verdict(gen/min <= 1.1)),
			fmt.Sprintf("| decode %s: gen within 1.1× of the minimal struct on the same engine (v2) | %.2f× | %s |", payload, gen/minV2, verdict(gen/minV2 <= 1.1)),
		)
	}
	t.printf("\n")
	t.printf("Same fields only (`BenchmarkDecodeSameFields`: ClientCall without from, to, attributes, properties, trust and annotation, which the minimal struct skips):\n\n")
	t.printf("| impl | time/op | B/op | allocs/op | this time ÷ minimal | this time ÷ minimal-jsonv2 |\n| --- | --- | ---: | ---: | ---: | ---: |\n")
	sameMin := t.get("DecodeSameFields/payload=ClientCall/impl=minimal", "sec/op")
	sameMinV2 := t.get("DecodeSameFields/payload=ClientCall/impl=minimal-jsonv2", "sec/op")
	for _, impl := range []string{"gen", "minimal", "minimal-jsonv2"} {
		n := "DecodeSameFields/payload=ClientCall/impl=" + impl
		sec := t.get(n, "sec/op")
		t.printf("| %s | %s | %.0f | %.0f | %.2f× | %.2f× |\n", impl, us(sec), t.get(n, "B/op"), t.get(n, "allocs/op"), sec/sameMin, sec/sameMinV2)
	}
	t.printf("\n")
	t.printf("### Decode and read sdk_edge inbound MOS avg (`BenchmarkDecodeMOS`, ClientCall)\n\n")
	t.printf("| impl | time/op | B/op | allocs/op | twilio-go time ÷ this |\n| --- | --- | ---: | ---: | ---: |\n")
	tw := t.get("DecodeMOS/payload=ClientCall/impl=twilio", "sec/op")
	for _, impl := range []string{"twilio", "gen"} {
		n := "DecodeMOS/payload=ClientCall/impl=" + impl
		sec := t.get(n, "sec/op")
		t.printf("| %s | %s | %.0f | %.0f | %.2f× |\n", impl, us(sec), t.get(n, "B/op"), t.get(n, "allocs/op"), tw/sec)
	}
	gen := t.get("DecodeMOS/payload=ClientCall/impl=gen", "sec/op")
	checks = append(checks, fmt.Sprintf("| decode + typed MOS access: gen ≥ 1.5× faster than twilio-go + type assertions | %.2f× | %s |", tw/gen, verdict(tw/gen >= 1.5)))
	t.printf("\n")
	t.targets = append(t.targets, checks...)
}

func (t *table) fetch() {
	t.printf("### Fetch on loopback (`BenchmarkFetch`, ClientCall, sequential), medians\n\n")
	t.printf("| impl | time/op | B/op | allocs/op | this ÷ raw net/http | twilio-go ÷ this |\n| --- | --- | ---: | ---: | ---: | ---: |\n")
	raw := t.get("Fetch/impl=raw", "sec/op")
	tw := t.get("Fetch/impl=twilio", "sec/op")
	for _, impl := range []string{"twilio", "wrapper", "raw", "raw-jsonv2"} {
		n := "Fetch/impl=" + impl
		sec := t.get(n, "sec/op")
		t.printf("| %s | %s | %.0f | %.0f | %.2f× | %.2f× |\n", impl, us(sec), t.get(n, "B/op"), t.get(n, "allocs/op"), sec/raw, tw/sec)
	}
	w := t.get("Fetch/impl=wrapper", "sec/op")
	rawV2 := t.get("Fetch/impl=raw-jsonv2", "sec/op")
	t.targets = append(t.targets,
		fmt.Sprintf("| fetch: wrapper within 1.10× of raw net/http (+ encoding/json, the target's baseline) | %.2f× | %s |", w/raw, verdict(w/raw <= 1.10)),
		fmt.Sprintf("| fetch: wrapper within 1.10× of raw net/http on the same engine (+ encoding/json/v2) | %.2f× | %s |", w/rawV2, verdict(w/rawV2 <= 1.10)),
		fmt.Sprintf("| fetch: wrapper faster than twilio-go | twilio-go ÷ wrapper = %.2f× | %s |", tw/w, verdict(w < tw)),
	)
	t.printf("\n")
}

func (t *table) conformance() {
	t.printf("### Conformance (ClientCall), medians\n\n")
	t.printf("| benchmark | time/op | B/op | allocs/op |\n| --- | ---: | ---: | ---: |\n")
	rows := []struct{ label, name string }{
		{"`NewValidator` (parse + validate the document, build the router)", "NewValidator"},
		{"`ValidateSummary(body)`", "Validate/op=summary"},
		{"└ part: decoding the body into `any` (encoding/json/v2, as the validator does)", "ValidateParts/part=decode-any"},
		{"└ (before: the same with encoding/json)", "ValidateParts/part=decode-any-stdlib"},
		{"└ part: kin-openapi `Schema.VisitJSON` of the decoded value", "ValidateParts/part=visit"},
		{"└ floor: reading the body's tokens with `jsontext`, nothing else", "ValidateParts/part=tokenize"},
		{"proposal: the schema compiled once, the body's tokens walked (`proposals/streamvalidate`)", "StreamValidate"},
		{"`ValidateResponse(req, resp)`", "Validate/op=response"},
		{"wrapper fetch, plain transport", "ValidatingTransport/transport=plain"},
		{"wrapper fetch, validating transport (fail mode)", "ValidatingTransport/transport=validating"},
	}
	for _, r := range rows {
		t.printf("| %s | %s | %.0f | %.0f |\n", r.label, us(t.get(r.name, "sec/op")), t.get(r.name, "B/op"), t.get(r.name, "allocs/op"))
	}
	plain := t.get("ValidatingTransport/transport=plain", "sec/op")
	val := t.get("ValidatingTransport/transport=validating", "sec/op")
	parse := t.get("NewValidator", "sec/op")
	t.printf("\nThe validating transport adds %s per fetch (%.2f× the plain fetch). Parsing the document costs %s, %.0f× a `ValidateSummary`.\n\n",
		us(val-plain), val/plain, us(parse), parse/t.get("Validate/op=summary", "sec/op"))
	for _, r := range rows {
		if r.name != "Validate/op=summary" && r.name != "Validate/op=response" {
			continue
		}
		sec := t.get(r.name, "sec/op")
		t.targets = append(t.targets, fmt.Sprintf("| validation: %s < 60 µs | %s | %s |", r.label, us(sec), verdict(sec < 60e-6)))
	}
}

func (t *table) sandbox() {
	t.printf("### Sandbox throughput (`BenchmarkSandbox`, wrapper clients against `sandbox.NewServer`), medians\n\n")
	t.printf("| concurrent clients | fetches/s | time/op | B/op | allocs/op |\n| ---: | ---: | ---: | ---: | ---: |\n")
	for _, n := range []string{"1", "8", "64"} {
		name := "Sandbox/clients=" + n
		t.printf("| %s | %.0f | %s | %.0f | %.0f |\n", n, t.get(name, "fetches/s"), us(t.get(name, "sec/op")), t.get(name, "B/op"), t.get(name, "allocs/op"))
	}
	t.printf("\n")
}

// drift prices the degrading decode beside the strict one.
func (t *table) drift() {
	t.printf("### Drift (`BenchmarkDecodeDrift`, ClientCall through `ParseSummary`), medians\n\n")
	t.printf("| path | time/op | B/op | allocs/op | this ÷ strict |\n| --- | ---: | ---: | ---: | ---: |\n")
	strict := t.get("DecodeDrift/path=strict", "sec/op")
	for _, path := range []string{"strict", "drifted"} {
		name := "DecodeDrift/path=" + path
		sec := t.get(name, "sec/op")
		t.printf("| %s | %s | %.0f | %.0f | %.2f× |\n", path, us(sec), t.get(name, "B/op"), t.get(name, "allocs/op"), sec/strict)
	}
	t.printf("\n")
}

func run(args []string, out io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: benchtable RESULTS.txt")
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	s, config, err := read(bytes.NewReader(data), args[0])
	if err != nil {
		return err
	}
	w := bufio.NewWriter(out)
	t := &table{s: s, w: w}
	t.printf("<!-- generated by `go run ./cmd/benchtable %s`; do not edit -->\n\n", args[0])
	// The "# " lines `make run` writes first: date, commit, Go, CPU, load, command.
	var header []string
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "# "); ok {
			header = append(header, "- "+strings.TrimSpace(rest))
		}
	}
	if len(header) > 0 {
		t.printf("Run (from the head of the results file):\n\n%s\n\n", strings.Join(header, "\n"))
	}
	if len(config) > 0 {
		t.printf("Run configuration: %s.\n\n", strings.Join(config, "; "))
	}
	_, n, _ := s.median("Fetch/impl=raw", "sec/op")
	t.printf("Each figure is the median of %d runs of the same `go test` invocation; ratios divide medians of that run.\n\n", n)
	t.decode()
	t.drift()
	t.fetch()
	t.conformance()
	t.sandbox()
	t.printf("### Targets\n\n| target | measured | verdict |\n| --- | ---: | --- |\n")
	for _, line := range t.targets {
		t.printf("%s\n", line)
	}
	if len(t.missing) > 0 {
		return fmt.Errorf("no results for: %s", strings.Join(t.missing, ", "))
	}
	return w.Flush()
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}
