package fleet_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/fleet"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

const (
	bom   = "\uFEFF"
	line1 = `{"call_type":"carrier","tags":["high_pdd"],"duration":30}`
	line2 = `{"call_type":"sip","duration":12}`
)

func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A file saved by a Windows editor starts with a byte-order mark; it is
// not part of the first summary.
func TestReadNDJSONByteOrderMark(t *testing.T) {
	path := writeFile(t, "bom.ndjson", bom+line1+"\r\n"+line2+"\r\n")
	var raws []string
	for s, err := range fleet.ReadNDJSON(t.Context(), path) {
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, string(s.Raw()))
	}
	if len(raws) != 2 || raws[0] != line1 || raws[1] != line2 {
		t.Errorf("read %q", raws)
	}
	for _, err := range fleet.ReadNDJSON(t.Context(), writeFile(t, "only.ndjson", bom)) {
		t.Errorf("a file of only a byte-order mark: %v", err)
	}
}

func TestAddNDJSONByteOrderMark(t *testing.T) {
	for _, workers := range []int{1, 3} {
		plain, err := fleet.NewAggregator([]fleet.Dim{fleet.DimCallType})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := plain.AddNDJSON(t.Context(), strings.NewReader(line1+"\n"+line2+"\n")); err != nil {
			t.Fatal(err)
		}
		marked, _ := fleet.NewAggregator([]fleet.Dim{fleet.DimCallType})
		n, err := marked.AddNDJSON(t.Context(), strings.NewReader(bom+line1+"\n"+line2+"\n"), fleet.WithWorkers(workers))
		if err != nil || n != 2 {
			t.Fatalf("%d workers: added %d, %v", workers, n, err)
		}
		if a, b := marshal(t, plain), marshal(t, marked); a != b {
			t.Errorf("%d workers: with a byte-order mark\n%s\nwithout\n%s", workers, b, a)
		}
	}
}

// Only the start of a file may carry the mark: on any other line it is
// a line that does not decode, named by the file and line, and the error
// names no HTTP status (the bytes came from no response).
func TestNDJSONLineErrors(t *testing.T) {
	data := bom + line1 + "\n\n" + bom + line2 + "\n"
	path := writeFile(t, "bad.ndjson", data)
	var got error
	n := 0
	for _, err := range fleet.ReadNDJSON(t.Context(), path) {
		if err != nil {
			got = err
			break
		}
		n++
	}
	check := func(how string, err error, want ...string) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", how)
		}
		msg := err.Error()
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: %q does not say %q", how, msg, w)
			}
		}
		if strings.Contains(msg, "HTTP") {
			t.Errorf("%s: %q names an HTTP status", how, msg)
		}
		de, ok := errors.AsType[*callsummary.DecodeError](err)
		if !ok || de.StatusCode != 0 {
			t.Errorf("%s: %#v, want a *DecodeError with no status", how, err)
		}
	}
	if n != 1 {
		t.Errorf("ReadNDJSON gave %d summaries before the error, want 1", n)
	}
	check("ReadNDJSON", got, path+" line 3", "decoding summary at byte 0")

	a, _ := fleet.NewAggregator(nil)
	_, err := a.AddNDJSON(t.Context(), strings.NewReader(data))
	check("AddNDJSON", err, "line 3", "decoding summary at byte 0")
	if a.Calls() != 0 {
		t.Errorf("AddNDJSON kept %d calls after an error", a.Calls())
	}
}
