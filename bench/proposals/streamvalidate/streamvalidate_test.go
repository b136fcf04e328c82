package streamvalidate

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/voiceinsights/callsummary/bench"
	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/internal/testkit"
)

func compiled(tb testing.TB) (*conformance.Validator, *Validator) {
	tb.Helper()
	kin, err := conformance.NewValidator()
	if err != nil {
		tb.Fatal(err)
	}
	sv, err := Compile(testkit.Document(tb).Components.Schemas["CallSummary"].Value)
	if err != nil {
		tb.Fatal(err)
	}
	return kin, sv
}

// TestAgreesWithValidator: every summary example of the document passes
// both validators, and every file of conformance's negative set fails both,
// with the JSON pointer conformance reports among this one's.
func TestAgreesWithValidator(t *testing.T) {
	kin, sv := compiled(t)
	for _, name := range kin.ExampleNames() {
		body, _ := kin.Example(name)
		if err := kin.ValidateSummary(body); err != nil {
			continue // not a summary example
		}
		if err := sv.Validate(body); err != nil {
			t.Errorf("example %s: conformance accepts it, streamvalidate says %v", name, err)
		}
	}
	files, err := filepath.Glob("../../../conformance/testdata/negative/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no negative set found (%v)", err)
	}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		kerr, serr := kin.ValidateSummary(body), sv.Validate(body)
		var kve *conformance.ValidationError
		var sve *Error
		if !errors.As(kerr, &kve) || !errors.As(serr, &sve) {
			t.Errorf("%s: conformance %v; streamvalidate %v: want both to reject it", filepath.Base(f), kerr, serr)
			continue
		}
		var mine []string
		for _, v := range sve.Violations {
			mine = append(mine, v.Pointer)
		}
		for _, v := range kve.Violations {
			if !slices.Contains(mine, v.Pointer) {
				t.Errorf("%s: conformance reports %s, streamvalidate only %v", filepath.Base(f), v.Pointer, mine)
			}
		}
	}
}

// BenchmarkStreamValidate validates the client call's summary; compare with
// BenchmarkValidate/op=summary of package bench in the same run.
func BenchmarkStreamValidate(b *testing.B) {
	_, sv := compiled(b)
	p, err := bench.LoadPayload(bench.Largest)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := sv.Validate(p.Body); err != nil {
			b.Fatal(err)
		}
	}
}
