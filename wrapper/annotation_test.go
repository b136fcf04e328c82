package callsummary

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/voiceinsights/callsummary/gen"
)

const annotationBody = `{"account_sid":"AC0123456789abcdef0123456789abcdef","call_sid":"CAd45ec3c4af38967de454f9e45bb1cef4","answered_by":"human","connectivity_issue":"invalid_number","quality_issues":["low_volume","choppy_robotic"],"spam":true,"call_score":2,"comment":"this is a call","incident":"https://example.zendesk.com/tickets/17353089","url":"https://insights.twilio.com/v1/Voice/CAd45ec3c4af38967de454f9e45bb1cef4/Annotation","unknown_field":1}`

var annotationPath = "/v1/Voice/" + testCallSID + "/Annotation"

func TestFetchAnnotation(t *testing.T) {
	hs := newHarness(t, sequence(serve(503, nil), serve(200, []byte(annotationBody))))
	a, err := hs.c.FetchAnnotation(context.Background(), testCallSID)
	if err != nil {
		t.Fatal(err)
	}
	if *a.CallScore != 2 || *a.AnsweredBy != gen.AnnotationAnsweredByHuman || len(a.QualityIssues) != 2 || !*a.Spam {
		t.Errorf("decoded %+v", a.Annotation)
	}
	if string(a.Raw()) != annotationBody {
		t.Error("Raw is not the bytes received")
	}
	hs.wantHits(2) // a GET: the 503 is retried
	for _, r := range hs.requests() {
		if r.Method != http.MethodGet || r.URL.Path != annotationPath {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
	}
	if (*Annotation)(nil).Raw() != nil {
		t.Error("nil Raw")
	}
}

func TestFetchAnnotationErrors(t *testing.T) {
	hs := newHarness(t, serve(404, twilio404))
	if _, err := hs.c.FetchAnnotation(context.Background(), testCallSID); !errors.Is(err, ErrNotFound) {
		t.Errorf("404: %v", err)
	}
	hs2 := newHarness(t, serve(200, []byte(`null`)))
	_, err := hs2.c.FetchAnnotation(context.Background(), testCallSID)
	var de *DecodeError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "decoding annotation") {
		t.Errorf("null body: %v", err)
	}
	if _, err := hs.c.FetchAnnotation(context.Background(), "CA123"); !errors.Is(err, ErrInvalidCallSID) {
		t.Errorf("bad SID: %v", err)
	}
	var nilClient *Client
	if _, err := nilClient.FetchAnnotation(context.Background(), testCallSID); err == nil {
		t.Error("nil client")
	}
	hs.wantHits(1)
}

func TestUpdateAnnotationSendsTheForm(t *testing.T) {
	var form url.Values
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != annotationPath {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			t.Errorf("Content-Type %q", ct)
		}
		b, _ := io.ReadAll(r.Body)
		form, _ = url.ParseQuery(string(b))
		serve(200, []byte(annotationBody))(w, r)
	})
	comment := strings.Repeat("é", MaxAnnotationText) // 100 characters, 200 bytes
	a, err := hs.c.UpdateAnnotation(context.Background(), testCallSID, AnnotationUpdate{
		AnsweredBy:        new(gen.AnnotationAnsweredByHuman),
		ConnectivityIssue: new(gen.ConnectivityIssueInvalidNumber),
		QualityIssues:     []gen.QualityIssue{gen.QualityIssueLowVolume, gen.QualityIssueChoppyRobotic},
		Spam:              new(true),
		CallScore:         new(2),
		Comment:           &comment,
		Incident:          new("https://example.zendesk.com/tickets/17353089"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if *a.CallScore != 2 {
		t.Error("response not decoded")
	}
	want := url.Values{
		"AnsweredBy": {"human"}, "ConnectivityIssue": {"invalid_number"}, "QualityIssues": {"low_volume,choppy_robotic"},
		"Spam": {"true"}, "CallScore": {"2"}, "Comment": {comment}, "Incident": {"https://example.zendesk.com/tickets/17353089"},
	}
	if fmt.Sprint(form) != fmt.Sprint(want) {
		t.Errorf("form %v\nwant %v", form, want)
	}
	hs.wantHits(1)

	// Only the fields set are sent.
	if _, err := hs.c.UpdateAnnotation(context.Background(), testCallSID, AnnotationUpdate{Spam: new(false)}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(form) != "map[Spam:[false]]" {
		t.Errorf("form %v", form)
	}

	// A quality issue Twilio lists in prose only is sent as given.
	if _, err := hs.c.UpdateAnnotation(context.Background(), testCallSID, AnnotationUpdate{QualityIssues: []gen.QualityIssue{"echo", "robotic"}}); err != nil {
		t.Fatal(err)
	}
	if got := form.Get("QualityIssues"); got != "echo,robotic" {
		t.Errorf("QualityIssues = %q", got)
	}
}

func TestUpdateAnnotationInvalid(t *testing.T) {
	for _, tt := range []struct {
		name, sid, want string
		u               AnnotationUpdate
	}{
		{"empty", testCallSID, "no field set", AnnotationUpdate{QualityIssues: []gen.QualityIssue{}}},
		{"score 0", testCallSID, "CallScore is 0: want 1 (Bad) to 5 (Excellent)", AnnotationUpdate{CallScore: new(0)}},
		{"score 6", testCallSID, "CallScore is 6", AnnotationUpdate{CallScore: new(6)}},
		{"answered by", testCallSID, `AnsweredBy "machine_start": want one of human, machine, unknown_answered_by`, AnnotationUpdate{AnsweredBy: new(gen.AnnotationAnsweredBy("machine_start"))}},
		{"connectivity", testCallSID, "ConnectivityIssue", AnnotationUpdate{ConnectivityIssue: new(gen.ConnectivityIssue("none"))}},
		{"empty quality issue", testCallSID, "QualityIssues[1] is empty", AnnotationUpdate{QualityIssues: []gen.QualityIssue{"echo", ""}}},
		{"comment 101 characters", testCallSID, "Comment is 101 characters long: want at most 100", AnnotationUpdate{Comment: new(strings.Repeat("ü", 101))}},
		{"incident 101 characters", testCallSID, "Incident is 101 characters long", AnnotationUpdate{Incident: new(strings.Repeat("x", 101))}},
		{"invalid UTF-8", testCallSID, "Comment is not valid UTF-8", AnnotationUpdate{Comment: new("\xff")}},
		{"call SID", "CAd45ec3c4af38967de454f9e45bb1cef", "invalid call SID", AnnotationUpdate{Spam: new(true)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, serve(200, []byte(annotationBody)))
			if err := tt.u.Validate(); tt.sid == testCallSID && (!errors.Is(err, ErrInvalidAnnotation) || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate: %v", err)
			}
			_, err := hs.c.UpdateAnnotation(context.Background(), tt.sid, tt.u)
			if !errors.Is(err, ErrInvalidAnnotation) && !errors.Is(err, ErrInvalidCallSID) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v; want %q", err, tt.want)
			}
			hs.wantHits(0)
		})
	}
}

// TestUpdateAnnotationRetryRules: a POST is retried only when Twilio
// certainly did not act on it.
func TestUpdateAnnotationRetryRules(t *testing.T) {
	ok := serve(200, []byte(annotationBody))
	for _, tt := range []struct {
		name  string
		first http.HandlerFunc
		hits  int
		ok    bool
	}{
		{"429 is retried", serve(429, twilioError(429, 20429, "Too many requests")), 2, true},
		{"500 is not", serve(500, twilioError(500, 20500, "internal")), 1, false},
		{"503 is not", serve(503, nil), 1, false},
		{"reset is not", hijack(true), 1, false},
		{"close without response is not", hijack(false), 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var (
				mu     sync.Mutex
				bodies []string
				n      atomic.Int32
			)
			hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				bodies = append(bodies, string(b))
				mu.Unlock()
				if n.Add(1) == 1 {
					tt.first(w, r)
					return
				}
				ok(w, r)
			}, WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}))
			_, err := hs.c.UpdateAnnotation(context.Background(), testCallSID, AnnotationUpdate{CallScore: new(3), Comment: new("choppy")})
			assertErrNoSecret(t, err)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v", err)
			}
			hs.wantHits(tt.hits)
			mu.Lock()
			defer mu.Unlock()
			for _, b := range bodies {
				if b != "CallScore=3&Comment=choppy" {
					t.Errorf("body %q: a retry must send the body again, whole", b)
				}
			}
		})
	}
}

// TestUpdateAnnotationRetriedWhenRefused: connection refused means nothing
// was sent, so the POST is tried again; the server sees it once.
func TestUpdateAnnotationRetriedWhenRefused(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := closed.Addr().String()
	closed.Close() // nothing listens there now: dialling it is refused
	var dials atomic.Int32
	tr := &http.Transport{DisableKeepAlives: true}
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			addr = refused
		}
		return d.DialContext(ctx, network, addr)
	}
	hs := newHarness(t, serve(200, []byte(annotationBody)), WithHTTPClient(&http.Client{Transport: tr}))
	if _, err := hs.c.UpdateAnnotation(context.Background(), testCallSID, AnnotationUpdate{Spam: new(true)}); err != nil {
		t.Fatal(err)
	}
	if dials.Load() != 2 {
		t.Errorf("%d dials, want 2", dials.Load())
	}
	hs.wantHits(1)
	if n := hs.retryLines(); n != 1 {
		t.Errorf("%d retry lines", n)
	}

	// Refused every time: retried up to MaxAttempts, then the dial error.
	tr2 := &http.Transport{DisableKeepAlives: true}
	var dials2 atomic.Int32
	tr2.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		dials2.Add(1)
		return d.DialContext(ctx, network, refused)
	}
	hs2 := newHarness(t, serve(200, nil), WithHTTPClient(&http.Client{Transport: tr2}))
	_, err = hs2.c.UpdateAnnotation(context.Background(), testCallSID, AnnotationUpdate{Spam: new(true)})
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "dial" || dials2.Load() != DefaultMaxAttempts {
		t.Errorf("err %v after %d dials", err, dials2.Load())
	}
	hs2.wantHits(0)
}

func TestMayRetryNeedsARewindableBody(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", io.NopCloser(strings.NewReader("x")))
	if req.GetBody != nil {
		t.Fatal("test needs a body without GetBody")
	}
	if mayRetry(req, &http.Response{StatusCode: 429}, nil) {
		t.Error("a body that cannot be rewound was retried")
	}
	req2, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", strings.NewReader("x"))
	if !mayRetry(req2, &http.Response{StatusCode: 429}, nil) || mayRetry(req2, &http.Response{StatusCode: 502}, nil) {
		t.Error("POST rules")
	}
}
