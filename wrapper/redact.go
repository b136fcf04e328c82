package callsummary

import (
	"net/http"
	"net/url"
	"strings"
)

// minSecretRun is the shortest run of a secret's bytes treated as the
// secret: a proxy may echo half a header, and an excerpt may cut one.
const minSecretRun = 8

// newRedactor returns a function that removes from text each of forms (a
// secret, the base64 value of the Basic header that carries it) and any run
// of minSecretRun bytes or more of one of them. It captures the forms in a
// closure, which fmt cannot print.
func newRedactor(forms ...string) func(string) string {
	runs := make(map[string]struct{})
	for _, f := range forms {
		for i := 0; i+minSecretRun <= len(f); i++ {
			runs[f[i:i+minSecretRun]] = struct{}{}
		}
	}
	return func(s string) string {
		for _, f := range forms {
			if f != "" {
				s = strings.ReplaceAll(s, f, redacted)
			}
		}
		return redactRuns(s, runs)
	}
}

// redactRuns replaces each stretch of s covered by runs of minSecretRun
// bytes found in runs with one redacted marker.
func redactRuns(s string, runs map[string]struct{}) string {
	if len(runs) == 0 || len(s) < minSecretRun {
		return s
	}
	var b strings.Builder
	done, end := 0, -1 // s[:done] is written; a marked stretch ends at end
	for i := 0; i+minSecretRun <= len(s); i++ {
		if _, ok := runs[s[i:i+minSecretRun]]; !ok {
			continue
		}
		if i > end { // a new stretch
			if end >= 0 {
				b.WriteString(redacted)
			}
			b.WriteString(s[done:i])
		}
		end = i + minSecretRun
		done = end
	}
	if end < 0 {
		return s
	}
	b.WriteString(redacted)
	b.WriteString(s[done:])
	return b.String()
}

// displayURL is u as it may be shown in an error or a log line: scheme,
// host and path only (no user info; no query, which can hold the From and
// To filters, only "?…" where there was one; no fragment), with the secret
// removed from the path.
func displayURL(u *url.URL, redact func(string) string) string {
	if u == nil {
		return ""
	}
	path := u.Path
	if redact != nil {
		if r := redact(path); r != path {
			path = r
		} else if esc := u.EscapedPath(); redact(esc) != esc {
			path = redact(esc)
		}
	}
	out := (&url.URL{Scheme: u.Scheme, Host: u.Host}).String() + path
	if u.RawQuery != "" {
		out += "?…"
	}
	return out
}

// partyFilters are the list's query parameters that name a party: a server
// may quote them back in an error, and they are PII.
var partyFilters = []string{"From", "To"}

// withRequestPII extends redact with the values of req's party filters, as
// written and as escaped in a URL, so that an error quoting them back holds
// neither.
func withRequestPII(req *http.Request, redact func(string) string) func(string) string {
	if req == nil || req.URL == nil || req.URL.RawQuery == "" {
		return redact
	}
	q := req.URL.Query()
	var forms []string
	for _, name := range partyFilters {
		v := q.Get(name)
		if len(v) < 3 {
			continue // too short to tell from other text
		}
		forms = append(forms, v, url.QueryEscape(v), url.PathEscape(v))
		if d := strings.TrimPrefix(v, "+"); d != v && len(d) >= 7 {
			forms = append(forms, d)
		}
	}
	if len(forms) == 0 {
		return redact
	}
	return func(s string) string {
		s = redact(s)
		for _, f := range forms {
			s = strings.ReplaceAll(s, f, redacted)
		}
		return s
	}
}
