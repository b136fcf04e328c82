package callsummary

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

func TestDecodePage(t *testing.T) {
	item := string(bytes.TrimSpace(fixture(t, "carrier.json")))
	odd := "{ \"call_sid\" : \"CA1\",\n \"zz_unknown\": [1, {\"x\": null}] }"
	body := []byte(" {\"extra\": {\"a\": [1,2]}, \"call_summaries\" : [ " + item + " ,\n" + odd + "\t], \"meta\": {\"page\": 3, \"next_page_url\": null}} \n")
	p, err := decodePage(200, body)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Summaries) != 2 || string(p.Summaries[0].Raw()) != item || string(p.Summaries[1].Raw()) != odd {
		t.Fatalf("raw bytes not kept exactly: %q", p.Summaries[1].Raw())
	}
	if *p.Meta.Page != 3 || p.NextCursor() != "" {
		t.Errorf("meta %+v", p.Meta)
	}
	// The same values as decoding the page whole.
	var whole gen.SummaryPage
	if err := wirejson.Unmarshal(body, &whole); err != nil {
		t.Fatal(err)
	}
	for i, s := range p.Summaries {
		if !reflect.DeepEqual(s.CallSummary, whole.CallSummaries[i]) {
			t.Errorf("summary %d differs from json.Unmarshal's", i)
		}
	}
	// A summary does not share memory with the page.
	copy(body, bytes.Repeat([]byte("x"), len(body)))
	if string(p.Summaries[0].Raw()) != item {
		t.Error("Raw aliases the page body")
	}
}

func TestDecodePageRefuses(t *testing.T) {
	for _, tt := range []struct{ body, want string }{
		{``, "empty body"},
		{`[]`, "not a JSON object"},
		{`{}`, "no call_summaries array"},
		{`{"call_summaries": null}`, "no call_summaries array"},
		{`{"call_summaries": {}}`, "no call_summaries array"},
		{`{"call_summaries": [], "call_summaries": []}`, "given twice"},
		{`{"call_summaries": []} x`, "after the page object"},
		{`{"call_summaries": []}{}`, "after the page object"},
		{`{"call_summaries": [{}`, "at byte 22: unexpected end of the page"},
		{`{"call_summaries": [{"call_sid": "CA`, "unexpected end of the page"},
		{`{"meta": 3, "call_summaries": []}`, "decoding summaries page"},
		{`{"call_summaries": [{"call_sid": "CA1"}}`, "decoding summaries page"},
	} {
		_, err := decodePage(200, []byte(tt.body))
		var de *DecodeError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v; want a *DecodeError saying %q", tt.body, err, tt.want)
		}
	}
}

// FuzzDecodePage: no input panics; a page accepted holds summaries whose
// Raw bytes parse, on their own, into the same values.
func FuzzDecodePage(f *testing.F) {
	item := bytes.TrimSpace(fixture(f, "client.json"))
	f.Add([]byte(`{"call_summaries":[` + string(item) + `],"meta":{"next_page_url":"https://insights.twilio.com/v1/Voice/Summaries?PageToken=x"}}`))
	f.Add([]byte(`{"call_summaries":[{}, {"call_sid":null}],"meta":null}`))
	f.Add([]byte(`{"call_summaries":[]}`))
	f.Add([]byte(`{"call_summaries":[null, 3, {"duration": "long"}, {"tags": [1]}, {}]}`))
	f.Add([]byte(`{"call_summaries":[` + strings.Repeat("{},", MaxPageSize) + `{}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := decodePage(200, body)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *DecodeError: %v", err, err)
			}
			return
		}
		if len(p.Summaries) > MaxPageSize {
			t.Fatalf("a page of %d items accepted; at most %d are", len(p.Summaries), MaxPageSize)
		}
		// Every item is yielded, as ParseSummary reads it alone: an item
		// that is not an object is kept, with one issue at its root.
		for i, s := range p.Summaries {
			again, err := ParseSummary(s.Raw())
			if err != nil {
				if is := s.DecodeIssues(); len(is) != 1 || is[0].Pointer != "" {
					t.Fatalf("summary %d: not an object, issues %v", i, is)
				}
				continue
			}
			if !reflect.DeepEqual(again.CallSummary, s.CallSummary) || !reflect.DeepEqual(again.DecodeIssues(), s.DecodeIssues()) {
				t.Fatalf("summary %d: Raw does not parse to the same values and issues", i)
			}
		}
	})
}
