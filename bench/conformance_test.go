package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/internal/testkit"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// BenchmarkNewValidator is what parsing the document costs: paid once per
// process by NewValidator, never by a validation (see
// TestSpecParsedOncePerProcess).
func BenchmarkNewValidator(b *testing.B) {
	b.ReportAllocs()
	var v *conformance.Validator
	for b.Loop() {
		var err error
		if v, err = conformance.NewValidator(); err != nil {
			b.Fatal(err)
		}
	}
	if len(v.ExampleNames()) == 0 {
		b.Fatal("no document")
	}
}

// summaryExchange returns a request for p's summary and a 200 response
// carrying p's body, as a client would have them.
func summaryExchange(tb testing.TB, p Payload) (*http.Request, *http.Response) {
	tb.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet,
		"https://insights.twilio.com/v1/Voice/"+p.CallSID+"/Summary", nil)
	if err != nil {
		tb.Fatal(err)
	}
	resp := &http.Response{
		StatusCode:    http.StatusOK,
		Status:        "200 OK",
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		ContentLength: int64(len(p.Body)),
		Request:       req,
	}
	return req, resp
}

// BenchmarkValidate validates one complete client-call summary: the body on
// its own (ValidateSummary) and as the response to its request
// (ValidateResponse: routing, status, headers, content type and body).
func BenchmarkValidate(b *testing.B) {
	p := mustPayload(b, Largest)
	v := mustValidator(b)
	b.Run("op=summary", func(b *testing.B) {
		if err := v.ValidateSummary(p.Body); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := v.ValidateSummary(p.Body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=response", func(b *testing.B) {
		req, resp := summaryExchange(b, p)
		resp.Body = io.NopCloser(bytes.NewReader(p.Body))
		if err := v.ValidateResponse(req, resp); err != nil {
			b.Fatal(err)
		}
		if got, err := io.ReadAll(resp.Body); err != nil || !bytes.Equal(got, p.Body) {
			b.Fatalf("ValidateResponse did not restore the body: %v", err)
		}
		b.ReportAllocs()
		for b.Loop() {
			resp.Body = io.NopCloser(bytes.NewReader(p.Body))
			if err := v.ValidateResponse(req, resp); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkValidateParts splits ValidateSummary's work to show where its
// time goes: decoding the body into map[string]any (which kin-openapi needs
// as input), as the validator does and with encoding/json, and kin-openapi's walk of the CallSummary
// schema over the decoded value (Schema.VisitJSON with the Validator's
// options). "tokenize" reads the body's JSON tokens with jsontext and
// nothing else: the floor for a validator that walks the bytes instead.
func BenchmarkValidateParts(b *testing.B) {
	p := mustPayload(b, Largest)
	schema := testkit.Document(b).Components.Schemas["CallSummary"].Value
	opts := []openapi3.SchemaValidationOption{openapi3.MultiErrors(), openapi3.DisableSchemaErrorDetails()}
	var decoded any
	if err := json.Unmarshal(p.Body, &decoded); err != nil {
		b.Fatal(err)
	}
	if err := schema.VisitJSON(decoded, opts...); err != nil {
		b.Fatal(err)
	}
	// The validator's decode (conformance's decodeAny: encoding/json/v2,
	// its default options), then encoding/json's, which it replaced.
	b.Run("part=decode-any", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var x any
			if err := jsonv2.Unmarshal(p.Body, &x); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("part=decode-any-stdlib", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var x any
			if err := json.Unmarshal(p.Body, &x); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("part=visit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := schema.VisitJSON(decoded, opts...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("part=tokenize", func(b *testing.B) {
		b.ReportAllocs()
		r := bytes.NewReader(p.Body)
		dec := jsontext.NewDecoder(r)
		for b.Loop() {
			r.Reset(p.Body)
			dec.Reset(r)
			n := 0
			for {
				_, err := dec.ReadToken()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n < 100 {
				b.Fatalf("only %d tokens", n)
			}
		}
	})
}

// BenchmarkValidatingTransport is the overhead of checking every response
// the SDK receives: callsummary.FetchSummary from the loopback server, plain
// and through the conformance transport in fail mode (so a violation would
// fail the benchmark).
func BenchmarkValidatingTransport(b *testing.B) {
	p := mustPayload(b, Largest)
	srv := newLoopbackServer(b, p)
	v := mustValidator(b)
	b.Run("transport=plain", func(b *testing.B) {
		runFetches(b, newWrapperFetcher(b, srv.URL), p.CallSID)
	})
	b.Run("transport=validating", func(b *testing.B) {
		mw := callsummary.WithTransportMiddleware(v.Middleware(conformance.FailOnViolation()))
		runFetches(b, newWrapperFetcher(b, srv.URL, mw), p.CallSID)
	})
}
