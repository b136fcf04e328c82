package fleet_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/fleet"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

func TestWriteTextAndCSV(t *testing.T) {
	all := population(t, 3000, 1)
	// A hostile carrier name: an escape sequence must not reach a terminal.
	s, err := callsummary.ParseSummary([]byte(`{"call_type":"carrier","from":{"carrier":"Evil\u001b[2J Telecom"},"tags":["high_pdd"]}`))
	if err != nil {
		t.Fatal(err)
	}
	a := aggregate(t, append(all[:500:500], s), []fleet.Dim{fleet.DimCallType, fleet.DimFromCarrier})
	res := a.Result()
	var text bytes.Buffer
	if err := res.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	if strings.Contains(out, "\x1b") || !strings.Contains(out, "Evil") || !strings.Contains(out, "CALL_TYPE") || !strings.Contains(out, "501 calls") {
		t.Errorf("text output:\n%s", out)
	}
	var c bytes.Buffer
	if err := res.WriteCSV(&c); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(res.Groups)+1 || rows[0][0] != "call_type" || rows[0][2] != "calls" {
		t.Fatalf("CSV: %d rows, header %v", len(rows), rows[0])
	}
	found := false
	for _, r := range rows[1:] {
		if strings.Contains(r[1], "\x1b") {
			t.Errorf("the CSV holds an escape: %q", r[1])
		}
		if r[1] == "Evil?[2J Telecom" { // made printable, as in text
			found = true
		}
	}
	if !found {
		t.Error("the CSV lost the carrier name")
	}
}
