package sandbox

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

func annotationPath(sid string) string { return "/v1/Voice/" + sid + "/Annotation" }

// postAnnotation sends a form-encoded update and returns the request, the
// response (body restored) and the body.
func postAnnotation(t *testing.T, srv *Server, sid string, form url.Values) (*http.Request, *http.Response, []byte) {
	t.Helper()
	return postRaw(t, srv, sid, "application/x-www-form-urlencoded", form.Encode())
}

func postRaw(t *testing.T, srv *Server, sid, contentType, body string) (*http.Request, *http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+annotationPath(sid), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.SetBasicAuth(srv.Handler().AccountSID(), srv.Handler().AuthToken())
	resp, got := sandboxDo(t, srv, req)
	// The validator reads the request body again.
	req.Body = io.NopCloser(strings.NewReader(body))
	return req, resp, got
}

func decodeAnnotation(t *testing.T, body []byte) gen.Annotation {
	t.Helper()
	var a gen.Annotation
	if err := wirejson.Unmarshal(body, &a); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return a
}

// A generated call without an annotation, and one the test can list.
func unannotatedCall(t *testing.T, srv *Server) string {
	t.Helper()
	for _, c := range srv.Handler().PopulationCalls() {
		if slices.Contains(c.States, gen.ProcessingStateComplete) {
			if body, _ := srv.Handler().Annotation(c.SID); !bytes.Contains(body, []byte("call_score")) {
				return c.SID
			}
		}
	}
	t.Fatal("every generated call is annotated")
	return ""
}

// GET returns the annotation, POST changes only the fields it sends, and the
// change shows in GET, in the generated summary and in the list's filters.
func TestAnnotationsRoundTrip(t *testing.T) {
	srv := newListSandbox(t)
	v := sandboxValidator(t)
	sid := unannotatedCall(t, srv)

	req, resp, body := sandboxFetch(t, srv, annotationPath(sid))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET: %d %s", resp.StatusCode, body)
	}
	if err := v.ValidateResponse(req, resp); err != nil {
		t.Fatal(err)
	}
	want := gen.Annotation{AccountSID: new(srv.Handler().AccountSID()), CallSID: new(sid), URL: new(twilioBase + annotationPath(sid))}
	if diff := cmp.Diff(want, decodeAnnotation(t, body)); diff != "" {
		t.Fatalf("empty annotation (-want +got):\n%s", diff)
	}

	steps := []struct {
		form   url.Values
		change func(a *gen.Annotation)
	}{
		{url.Values{"CallScore": {"2"}, "QualityIssues": {"low_volume,choppy_robotic"}}, func(a *gen.Annotation) {
			a.CallScore, a.QualityIssues = new(2), []gen.QualityIssue{gen.QualityIssueLowVolume, gen.QualityIssueChoppyRobotic}
		}},
		{url.Values{"AnsweredBy": {"machine"}, "Spam": {"true"}, "Comment": {"robotic audio"}}, func(a *gen.Annotation) {
			a.AnsweredBy, a.Spam, a.Comment = new(gen.AnnotationAnsweredByMachine), new(true), new("robotic audio")
		}},
		{url.Values{"ConnectivityIssue": {"dropped_call"}, "Incident": {"INC-1"}, "Spam": {"false"}}, func(a *gen.Annotation) {
			a.ConnectivityIssue, a.Incident, a.Spam = new(gen.ConnectivityIssueDroppedCall), new("INC-1"), new(false)
		}},
		// Empty clears what can be cleared.
		{url.Values{"Comment": {""}, "CallScore": {""}}, func(a *gen.Annotation) { a.Comment, a.CallScore = nil, nil }},
		// Fields the document does not name change nothing.
		{url.Values{"Colour": {"blue"}}, func(*gen.Annotation) {}},
	}
	for i, step := range steps {
		step.change(&want)
		req, resp, body := postAnnotation(t, srv, sid, step.form)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("step %d: POST %v: %d %s", i, step.form, resp.StatusCode, body)
		}
		if err := v.ValidateResponse(req, resp); err != nil {
			t.Errorf("step %d: %v", i, err)
		}
		if diff := cmp.Diff(want, decodeAnnotation(t, body)); diff != "" {
			t.Fatalf("step %d: POST answered (-want +got):\n%s", i, diff)
		}
		if _, _, got := sandboxFetch(t, srv, annotationPath(sid)); !bytes.Equal(got, body) {
			t.Fatalf("step %d: GET %s differs from POST's answer %s", i, got, body)
		}
	}

	// The generated summary embeds the annotation; the filters see it.
	_, _, summary := sandboxFetch(t, srv, sandboxPath(sid))
	var s gen.CallSummary
	if err := wirejson.Unmarshal(summary, &s); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&want, s.Annotation); diff != "" {
		t.Errorf("summary's annotation (-want +got):\n%s", diff)
	}
	listed := itemSIDs(listItems(t, srv, v, "StartTime=30d&AnsweredByAnnotation=machine&ConnectivityIssueAnnotation=dropped_call&SpamAnnotation=false"))
	if !slices.Contains(listed, sid) {
		t.Errorf("the annotation filters do not find %s", sid)
	}
}

// A fixture's annotation is its embedded one until updated; then its
// summary, fetched or listed, carries the updated annotation in place of
// the embedded one, every other byte of the fixture as it was.
func TestAnnotationsOfFixtures(t *testing.T) {
	srv := newSandbox(t)
	const seed = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	_, _, body := sandboxFetch(t, srv, annotationPath(seed))
	a := decodeAnnotation(t, body)
	if deref(a.CallScore) != 2 || deref(a.Comment) != "this is a call" || deref(a.URL) != twilioBase+annotationPath(seed) {
		t.Errorf("seed annotation: %s", body)
	}
	for _, c := range []struct {
		sid   string
		query string
		state gen.ProcessingState
	}{
		{seed, "", gen.ProcessingStateComplete},
		{seed, "?ProcessingState=partial", gen.ProcessingStatePartial},
		{"CA67d894ec58cb5185cbf2afff2e778203", "", gen.ProcessingStateComplete}, // a file: indented, "annotation": null last
	} {
		before, _ := srv.Handler().Fixture(c.sid, c.state)
		_, resp, posted := postAnnotation(t, srv, c.sid, url.Values{"CallScore": {"5"}, "Comment": {"ok now"}})
		if resp.StatusCode != http.StatusOK || deref(decodeAnnotation(t, posted).CallScore) != 5 {
			t.Fatalf("POST: %d %s", resp.StatusCode, posted)
		}
		_, _, after := sandboxFetch(t, srv, sandboxPath(c.sid)+c.query)
		var s gen.CallSummary
		if err := wirejson.Unmarshal(after, &s); err != nil || s.Annotation == nil ||
			deref(s.Annotation.CallScore) != 5 || deref(s.Annotation.Comment) != "ok now" {
			t.Errorf("%s%s: the summary does not carry the update (%v): %s", c.sid, c.query, err, after)
		}
		checkSameMembers(t, before, after, "annotation")
		if got, _ := srv.Handler().Fixture(c.sid, c.state); !bytes.Equal(got, after) {
			t.Errorf("%s: Fixture differs from what is served", c.sid)
		}
	}
	// The nulls fixture has a null call_sid; its annotation still names it.
	const nulls = "CAf59df63d71d69652516866e32fb2c6d2"
	_, resp, body := sandboxFetch(t, srv, annotationPath(nulls))
	if resp.StatusCode != http.StatusOK || deref(decodeAnnotation(t, body).CallSID) != nulls {
		t.Errorf("nulls fixture: %d %s", resp.StatusCode, body)
	}
}

// Invalid updates are Twilio's 400 (20001) naming the field, and change
// nothing; unknown calls are 404 for GET and POST.
func TestAnnotationsRejectInvalidUpdates(t *testing.T) {
	srv := newListSandbox(t)
	v := sandboxValidator(t)
	sid := unannotatedCall(t, srv)
	if _, resp, _ := postAnnotation(t, srv, sid, url.Values{"CallScore": {"3"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("valid update: %d", resp.StatusCode)
	}
	_, _, before := sandboxFetch(t, srv, annotationPath(sid))
	cases := map[string]url.Values{
		"CallScore":         {"CallScore": {"6"}},
		"CallScore ":        {"CallScore": {"three"}},
		"AnsweredBy":        {"AnsweredBy": {"robot"}},
		"ConnectivityIssue": {"ConnectivityIssue": {"none"}},
		"QualityIssues":     {"QualityIssues": {"echo,hiss"}},
		"QualityIssues ":    {"QualityIssues": {""}},
		"Spam":              {"Spam": {"maybe"}},
		"Comment":           {"Comment": {strings.Repeat("é", 101)}},
		"Incident":          {"Incident": {strings.Repeat("x", 101)}, "CallScore": {"4"}},
	}
	for name, form := range cases {
		req, resp, body := postAnnotation(t, srv, sid, form)
		field := strings.TrimSpace(name)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"code":20001`) || !strings.Contains(string(body), field) {
			t.Errorf("%s %v: %d %s", name, form, resp.StatusCode, body)
		}
		if err := v.ValidateResponse(req, resp); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, tc := range map[string]struct{ contentType, body string }{
		"empty body": {"application/x-www-form-urlencoded", ""},
		"JSON body":  {"application/json", `{"CallScore":2}`},
		"huge body":  {"application/x-www-form-urlencoded", "Comment=" + strings.Repeat("x", maxFormBody)},
	} {
		if _, resp, body := postRaw(t, srv, sid, tc.contentType, tc.body); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, resp.StatusCode, body)
		}
	}
	if _, _, after := sandboxFetch(t, srv, annotationPath(sid)); !bytes.Equal(after, before) {
		t.Errorf("rejected updates changed the annotation: %s, was %s", after, before)
	}

	const unknown = "CA0123456789abcdef0123456789abcdef"
	req, resp, _ := sandboxFetch(t, srv, annotationPath(unknown))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET unknown: %d", resp.StatusCode)
	}
	if err := v.ValidateResponse(req, resp); err != nil {
		t.Error(err)
	}
	if _, resp, _ := postAnnotation(t, srv, unknown, url.Values{"Spam": {"true"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST unknown: %d", resp.StatusCode)
	}
	if _, resp, _ := sandboxFetch(t, srv, annotationPath("CA123")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET malformed SID: %d", resp.StatusCode)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodDelete, srv.URL+annotationPath(sid), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(srv.Handler().AccountSID(), srv.Handler().AuthToken())
	resp, err = srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, POST" {
		t.Errorf("DELETE: %d Allow=%q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

// Concurrent updates of one call's fields all land: each POST applies to
// the annotation as the previous one left it.
func TestAnnotationsConcurrentUpdates(t *testing.T) {
	srv := newListSandbox(t)
	sid := unannotatedCall(t, srv)
	fields := url.Values{"AnsweredBy": {"human"}, "ConnectivityIssue": {"caller_id"}, "QualityIssues": {"echo"},
		"Spam": {"true"}, "CallScore": {"4"}, "Comment": {"c"}, "Incident": {"i"}}
	var wg sync.WaitGroup
	for name, value := range fields {
		wg.Go(func() {
			req, err := http.NewRequest(http.MethodPost, srv.URL+annotationPath(sid), strings.NewReader(url.Values{name: value}.Encode()))
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(srv.Handler().AccountSID(), srv.Handler().AuthToken())
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: %d", name, resp.StatusCode)
			}
		})
	}
	wg.Wait()
	_, _, body := sandboxFetch(t, srv, annotationPath(sid))
	want := gen.Annotation{AccountSID: new(srv.Handler().AccountSID()), CallSID: new(sid), URL: new(twilioBase + annotationPath(sid)),
		AnsweredBy: new(gen.AnnotationAnsweredByHuman), ConnectivityIssue: new(gen.ConnectivityIssueCallerID),
		QualityIssues: []gen.QualityIssue{gen.QualityIssueEcho}, Spam: new(true), CallScore: new(4), Comment: new("c"), Incident: new("i")}
	if diff := cmp.Diff(want, decodeAnnotation(t, body)); diff != "" {
		t.Errorf("after concurrent updates (-want +got):\n%s", diff)
	}
}

// checkSameMembers checks that two JSON objects have the same members in
// the same order with the same bytes, white space included, except the
// value of member skip.
func checkSameMembers(t *testing.T, before, after []byte, skip string) {
	t.Helper()
	// split returns the names, and the object cut into what lies between
	// values and the values themselves, the skipped value left out.
	split := func(obj []byte) (keys []string, parts []string) {
		dec := wirejson.NewDecoder(bytes.NewReader(obj))
		if _, err := dec.ReadToken(); err != nil {
			t.Fatal(err)
		}
		last := int(dec.InputOffset())
		for dec.PeekKind() == '"' {
			tok, err := dec.ReadToken()
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, tok.String())
			v, err := dec.ReadValue()
			if err != nil {
				t.Fatal(err)
			}
			end := int(dec.InputOffset())
			start := end - len(v)
			value := string(obj[start:end])
			if keys[len(keys)-1] == skip {
				value = ""
			}
			parts = append(parts, string(obj[last:start]), value)
			last = end
		}
		return keys, append(parts, string(obj[last:]))
	}
	k1, p1 := split(before)
	k2, p2 := split(after)
	if !slices.Equal(k1, k2) || !slices.Equal(p1, p2) {
		t.Errorf("the objects differ outside %q:\n%s\n%s", skip, before, after)
	}
}
