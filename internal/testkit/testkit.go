// Package testkit holds the helpers the module's tests share: the secret
// sweep, Twilio's error body, a server started for one test, the parsed
// document. It is imported by tests only.
//
// It imports no package of the module that tests use it for (the client,
// conformance, the sandbox), so every one of them can use it, internal
// tests included.
package testkit

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.uber.org/goleak"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	"github.com/voiceinsights/callsummary/openapi"
)

// Secrets are credentials that must never leak: each secret, and the
// base64 value of the Basic Authorization header of each user:secret pair.
type Secrets struct {
	forms []string
}

// NewSecrets takes the credential pairs (SID, secret, SID, secret, …).
func NewSecrets(pairs ...string) *Secrets {
	s := &Secrets{}
	for i := 0; i+1 < len(pairs); i += 2 {
		user, secret := pairs[i], pairs[i+1]
		s.forms = append(s.forms, secret, base64.StdEncoding.EncodeToString([]byte(user+":"+secret)))
	}
	return s
}

// Forms returns every string that must not appear.
func (s *Secrets) Forms() []string { return append([]string(nil), s.forms...) }

// AssertAbsent fails t if text holds any of the secrets' forms.
func (s *Secrets) AssertAbsent(t testing.TB, what, text string) {
	t.Helper()
	for _, f := range s.forms {
		if n := strings.Count(text, f); n > 0 {
			t.Errorf("%s holds a secret %d times: %q", what, n, text)
		}
	}
}

// AssertNotPrinted fails t if v, printed with any verb a caller might log
// it with, holds a secret.
func (s *Secrets) AssertNotPrinted(t testing.TB, what string, v any) {
	t.Helper()
	if v == nil {
		return
	}
	for verb, text := range Printed(v) {
		s.AssertAbsent(t, what+" "+verb, text)
	}
}

// Printed renders v under every verb a caller might log it with.
func Printed(v any) map[string]string {
	out := make(map[string]string)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		out[verb] = fmt.Sprintf(verb, v)
	}
	return out
}

// TwilioError is Twilio's JSON error body.
func TwilioError(status, code int, message string) []byte {
	b, err := wirejson.Marshal(gen.Error{
		Code: &code, Message: &message, Status: &status,
		MoreInfo: new("https://www.twilio.com/docs/errors/" + strconv.Itoa(code)),
	})
	if err != nil {
		panic(err) // ints and strings: cannot happen
	}
	return b
}

// Start starts a server for one test with start, and on cleanup closes it
// and checks that no goroutine started since is left.
func Start[S interface{ Close() }](t testing.TB, start func() (S, error)) S {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	srv, err := start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		goleak.VerifyNone(t, ignore)
	})
	return srv
}

var document = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document())
	if err != nil {
		return nil, err
	}
	return doc, doc.Validate(context.Background())
})

// Document returns the document, parsed and validated once per test
// binary. Tests must not modify it.
func Document(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := document()
	if err != nil {
		t.Fatalf("%s: %v", openapi.Name, err)
	}
	return doc
}

// MustJSON encodes v with the module's JSON engine.
func MustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := wirejson.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Deref returns *p, or the zero value for nil.
func Deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// Example returns the document's example name (components/examples) as
// JSON with its keys sorted: the bytes the sandbox serves for it. Test
// bodies derive from the document's examples, so they cannot drift from it.
func Example(t testing.TB, name string) []byte {
	t.Helper()
	ref := Document(t).Components.Examples[name]
	if ref == nil || ref.Value == nil {
		t.Fatalf("%s has no example %q", openapi.Name, name)
	}
	return MustJSON(t, ref.Value.Value)
}

// SetPointer returns body with the value at the RFC 6901 pointer ptr (one
// that exists in body) replaced by v.
func SetPointer(t testing.TB, body []byte, ptr string, v any) []byte {
	t.Helper()
	var root any
	if err := wirejson.Unmarshal(body, &root); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(ptr, "/")[1:]
	node := root
	for i, p := range parts {
		last := i == len(parts)-1
		switch n := node.(type) {
		case map[string]any:
			if _, ok := n[p]; !ok && !last {
				t.Fatalf("%s: nothing at %s", ptr, p)
			}
			switch {
			case last && v == Removed:
				delete(n, p)
			case last:
				n[p] = v
			}
			node = n[p]
		case []any:
			j, err := strconv.Atoi(p)
			if err != nil || j < 0 || j >= len(n) {
				t.Fatalf("%s: no element %s", ptr, p)
			}
			if last && v == Removed {
				// The slice shrinks: set it again in its parent.
				return SetPointer(t, body, parentOf(ptr), slices.Delete(slices.Clone(n), j, j+1))
			}
			if last {
				n[j] = v
			}
			node = n[j]
		default:
			t.Fatalf("%s: nothing at %s", ptr, p)
		}
	}
	return MustJSON(t, root)
}

// Removed, as the value given to SetPointer, removes what is at the
// pointer: the member of an object, or the element of an array (the
// elements after it move up).
var Removed = &struct{ removed bool }{true}

func parentOf(ptr string) string {
	i := strings.LastIndexByte(ptr, '/')
	return ptr[:i]
}
