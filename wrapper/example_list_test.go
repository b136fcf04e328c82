package wrapper_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/wrapper"
)

// listServer stands in for Twilio's list: two pages of one summary each,
// then, for any POST, the annotation the form describes.
func listServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			b, _ := io.ReadAll(r.Body)
			f, _ := url.ParseQuery(string(b))
			fmt.Fprintf(w, `{"call_sid":%q,"call_score":%s,"quality_issues":["%s"],"comment":%q}`,
				strings.Split(r.URL.Path, "/")[3], f.Get("CallScore"), strings.ReplaceAll(f.Get("QualityIssues"), ",", `","`), f.Get("Comment"))
			return
		}
		file, next := "carrier.json", fmt.Sprintf("%q", "http://"+r.Host+r.URL.Path+"?"+r.URL.RawQuery+"&Page=1&PageToken=PT1")
		if r.URL.Query().Get("PageToken") == "PT1" {
			file, next = "client.json", "null"
		}
		item, _ := os.ReadFile(filepath.Join("testdata", file))
		fmt.Fprintf(w, `{"call_summaries":[%s],"meta":{"key":"call_summaries","page_size":1,"next_page_url":%s}}`, item, next)
	}))
}

func ExampleClient_ListSummaries() {
	srv := listServer()
	defer srv.Close()
	c, err := wrapper.NewClient(
		wrapper.WithBaseURL(srv.URL),
		wrapper.WithAPIKey("SK0123456789abcdef0123456789abcdef", "example-secret"),
	)
	if err != nil {
		log.Fatal(err)
	}
	filter := wrapper.ListFilter{
		CallTypes: []gen.CallType{gen.CallTypeCarrier, gen.CallTypeClient},
		Start:     wrapper.Since(24 * time.Hour), // "1d"
		HasTag:    new(true),
		PageSize:  1,
	}
	// Pages are fetched as the loop needs them; break stops fetching.
	for s, err := range c.ListSummaries(context.Background(), filter) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(*s.CallSid, *s.CallType, s.QualityTags())
	}
	// Output:
	// CAd45ec3c4af38967de454f9e45bb1cef4 carrier [high_jitter]
	// CA62608e08adc29a8d6dbc9754e659f125 client [high_jitter high_packet_loss low_mos]
}

func ExampleClient_UpdateAnnotation() {
	srv := listServer()
	defer srv.Close()
	c, err := wrapper.NewClient(
		wrapper.WithBaseURL(srv.URL),
		wrapper.WithAPIKey("SK0123456789abcdef0123456789abcdef", "example-secret"),
	)
	if err != nil {
		log.Fatal(err)
	}
	// Only the fields set are sent, and changed. Validation (the 1–5 score,
	// the enums, 100 characters of text) happens before anything is sent.
	a, err := c.UpdateAnnotation(context.Background(), "CA62608e08adc29a8d6dbc9754e659f125", wrapper.AnnotationUpdate{
		CallScore:     new(2),
		QualityIssues: []gen.QualityIssue{gen.QualityIssueChoppyRobotic, gen.QualityIssueEcho},
		Comment:       new("robotic audio after transfer"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*a.CallSid, *a.CallScore, *a.QualityIssues, *a.Comment)
	// Output:
	// CA62608e08adc29a8d6dbc9754e659f125 2 [choppy_robotic echo] robotic audio after transfer
}
