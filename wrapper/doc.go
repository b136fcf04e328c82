// Package callsummary is the Go client for Twilio Voice Insights' Call
// Summary API: GET https://insights.twilio.com/v1/Voice/{CallSid}/Summary,
// the list GET /v1/Voice/Summaries, and a call's
// /v1/Voice/{CallSid}/Annotation. It lives in the module's wrapper folder:
//
//	import callsummary "github.com/voiceinsights/callsummary/wrapper"
//
// It is a thin layer over package gen, which is generated from
// openapi/insights.yaml: the HTTP requests and every data type are gen's
// (aliased here, so one import is enough); this package adds credentials,
// regions, retries, typed errors, edges by call type, quality helpers,
// listing and waiting for a complete summary.
//
// # Fetching
//
//	c, err := callsummary.NewClient() // TWILIO_API_KEY/TWILIO_API_SECRET or TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN
//	s, err := c.FetchSummary(ctx, "CA…")
//	var apiErr *callsummary.APIError
//	switch {
//	case errors.Is(err, callsummary.ErrNotFound): // no summary (yet)
//	case errors.As(err, &apiErr):                // apiErr.StatusCode, .Code, .Message, .RequestID
//	}
//	fmt.Println(s) // CA… (client, completed, complete)
//
// Summary embeds gen.CallSummary, so every documented field is s.Field, a
// pointer because Twilio leaves out what it did not measure; Raw returns
// the exact bytes received, unknown fields included. The helpers read the
// fields for you, with no nil checks: Edges, Streams, WorstStream and the
// Stat values of Stream (Jitter, Latency, MOS, RTT), HasTag, String.
//
// # Listing and annotating
//
//	f := callsummary.ListFilter{CallTypes: []callsummary.CallType{callsummary.CallTypeSIP}, Start: callsummary.Since(24 * time.Hour), HasTag: new(true)}
//	for s, err := range c.ListSummaries(ctx, f) { // pages fetched lazily; break stops
//		if err != nil {
//			return err // ErrInvalidFilter before any request, else as FetchSummary
//		}
//		fmt.Println(s)
//	}
//	a, err := c.UpdateAnnotation(ctx, "CA…", callsummary.AnnotationUpdate{CallScore: new(2), Spam: new(true)})
//
// ListSummaries follows meta.next_page_url only on the base URL's scheme,
// host and list path (ErrInvalidCursor otherwise). ListSummaryPages yields
// whole pages; FetchSummaryPage and SummaryPage.NextCursor serve callers
// that keep their place. ListTime says how Start and End are rounded.
// UpdateAnnotation validates first (ErrInvalidAnnotation) and is retried
// only on 429 or a refused connection; FetchAnnotation reads the labels
// back. Twilio documents the annotation resource for US1 only.
//
// # Options
//
// Every option is a With… function that can fail: NewClient takes Option,
// FetchSummary FetchOption, WaitForComplete WaitOption. An option that
// cannot be applied fails the call before any request, with its error.
//
// # Hosts, regions and edges
//
// The last of WithBaseURL and WithRegion wins; without either, the
// environment decides (CALLSUMMARY_BASE_URL, else TWILIO_REGION and
// TWILIO_EDGE, else https://insights.twilio.com). LoadEnv reads those
// variables once, from a getenv of the caller's choosing, and WithEnv hands
// the result to NewClient. Twilio's host rule is
// https://insights.{edge}.{region}.twilio.com. With a region and no edge,
// the edge is the one Twilio's SDKs default to (DefaultEdge: au1 sydney,
// br1 sao-paulo, ie1 dublin, de1 frankfurt, jp1 tokyo, jp2 osaka,
// sg1 singapore, us1 ashburn, us2 umatilla); another region needs an
// explicit edge. With an edge and no region, the region is us1. Credentials
// must have been created in the region they are used in.
//
// # Edges by call type
//
// Media enters and leaves Twilio at edges; which ones a summary carries
// depends on call_type (sources: Twilio's "Call Summary resource" page and
// "Understanding Twilio Media Edges"):
//
//	carrier   carrier_edge
//	sip       sip_edge
//	trunking  sip_edge, carrier_edge
//	client    sdk_edge, client_edge   (sdk_edge can be missing)
//	whatsapp  not documented: none expected, whatever is present is reported
//
// An edge that is null or {} is absent. Edges lists the present ones, the
// expected first; MissingEdges the expected but absent ones (a partial
// summary, an SDK call without sdk_edge).
//
// # Quality
//
// Streams gives each edge's inbound and outbound metrics (packet loss,
// jitter, latency, MOS, RTT); WorstStream ranks them by Severity, the worst
// metric relative to the threshold at which Twilio raises its tag. Verdict
// rates the call (good, tagged, poor, unknown) from the worst stream and the
// tags, as the CLI's report does. HasTag and Tag.Explain cover the seven
// documented tags.
//
// # Retries and waiting
//
// GETs are retried on 429, 500, 502, 503, 504 and transport errors with
// exponential backoff and full jitter, honouring Retry-After (see
// RetryPolicy); the annotation POST only on 429 and a refused connection.
// WaitForComplete polls until processing_state is complete.
//
// # Decoding
//
// Bodies are decoded with encoding/json/v2, from the module
// github.com/go-json-experiment/json (the standard library's package for
// Go 1.26; an alias of it from Go 1.27), faster than encoding/json on
// these bodies (bench/README.md). Every body encoding/json accepts is
// accepted, invalid UTF-8 and duplicate names included; names match
// exactly. ParseSummary decodes a body stored earlier.
//
// Twilio adds fields and values without notice, and its documentation does
// not give every leaf's type, so a summary is decoded leniently: when a
// value does not fit its type (a float where an integer is typed, a string
// codec, an object where a list is), that field stays at its zero value,
// every other field is filled, Raw keeps the exact bytes, and
// Summary.DecodeIssues names each value that did not fit by its JSON Pointer
// (never by the value, which may be PII); the client logs each at Warn. The
// same holds for each summary of a list page: one item that does not fit
// costs that item's field, not the page. Unknown properties are ignored and
// unknown enum values kept as they are (Valid reports whether a value is
// known). Only a 2xx body that is not a JSON object at all (not JSON, empty,
// an array) is a *DecodeError, with the byte offset of the failure; it
// unwraps to the v2 error (*json.SemanticError, *jsontext.SyntacticError)
// or this package's own.
//
// # Security
//
// The base URL must be https unless its host is loopback. Authorization is
// dropped on a redirect to another host. The secret never appears in an
// error, a log line, or in the fmt output of a Client or an Env; a
// Summary's String and LogValue leave out the parties. Bodies over
// MaxResponseBytes fail with ErrResponseTooLarge.
//
// # Testing
//
// Package conformance/sandbox serves this API on loopback, from the same
// document, with fault injection; package conformance validates traffic
// against the document. The examples here run against the sandbox.
package callsummary
