// Package wrapper is the Go client for Twilio Voice Insights' Call Summary
// API: GET https://insights.twilio.com/v1/Voice/{CallSid}/Summary, the list
// GET /v1/Voice/Summaries, and a call's /v1/Voice/{CallSid}/Annotation.
//
// It is a thin layer over package gen (generated from openapi/insights.yaml):
// the HTTP request and every data type are gen's; wrapper adds credentials,
// regions, retries, typed errors, edges by call type, quality helpers and
// waiting for a complete summary.
//
// # Fetching
//
//	c, err := wrapper.NewClient() // TWILIO_API_KEY/TWILIO_API_SECRET or TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN
//	s, err := c.FetchSummary(ctx, "CA…", wrapper.WithProcessingState(wrapper.ProcessingStatePartial))
//	var apiErr *wrapper.APIError
//	switch {
//	case errors.Is(err, wrapper.ErrNotFound): // no summary (yet)
//	case errors.As(err, &apiErr):            // apiErr.StatusCode, .Code, .Message, .MoreInfo
//	}
//	fmt.Println(*s.CallType, s.HasTag(wrapper.TagHighJitter), len(s.Raw()))
//
// Summary embeds gen.CallSummary, so every documented field is s.Field;
// Raw returns the exact bytes received, unknown fields included.
//
// # Listing and annotating
//
//	f := wrapper.ListFilter{CallTypes: []gen.CallType{gen.CallTypeSip}, Start: wrapper.Since(24 * time.Hour), HasTag: new(true)}
//	for s, err := range c.ListSummaries(ctx, f) { // pages fetched lazily; break stops
//		if err != nil {
//			return err // ErrInvalidFilter before any request, else as FetchSummary
//		}
//		fmt.Println(*s.CallSid)
//	}
//	a, err := c.UpdateAnnotation(ctx, "CA…", wrapper.AnnotationUpdate{CallScore: new(2), Spam: new(true)})
//
// ListSummaries follows meta.next_page_url only on the base URL's scheme,
// host and list path (ErrInvalidCursor otherwise). ListSummaryPages yields
// whole pages; FetchSummaryPage and SummaryPage.NextCursor serve callers
// that keep their place. ListTime
// says how Start and End are rounded. UpdateAnnotation validates first
// (ErrInvalidAnnotation) and is retried only on 429 or a refused
// connection; FetchAnnotation reads the labels back.
//
// # Hosts, regions and edges
//
// WithBaseURL wins; else WithRegion(region, edge); else TWILIO_REGION and
// TWILIO_EDGE; else https://insights.twilio.com. Twilio's host rule is
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
// metric relative to the threshold at which Twilio raises its tag. HasTag
// and Tag.Explain cover the seven documented tags.
//
// # Retries and waiting
//
// GETs are retried on 429, 500, 502, 503, 504 and transport errors with
// exponential backoff and full jitter, honouring Retry-After (see
// RetryPolicy); the annotation POST only on 429 and a refused connection. WaitForComplete polls until processing_state is complete.
//
// # Decoding
//
// Bodies are decoded with encoding/json/v2, from the module
// github.com/go-json-experiment/json (the standard library's package for
// Go 1.26; an alias of it from Go 1.27): about 1.6× twilio-go's decoding
// speed on the same bodies (bench/README.md). Every body encoding/json
// accepts is accepted, invalid UTF-8 and duplicate names included; names
// match exactly. A 2xx body that cannot be decoded is a *DecodeError with
// the byte offset and JSON Pointer of the failure; it unwraps to the v2
// error (*json.SemanticError, *jsontext.SyntacticError). ParseSummary
// decodes a body stored earlier.
//
// # Security
//
// The base URL must be https unless its host is loopback. Authorization is
// dropped on a redirect to another host. The secret never appears in an
// error, a log line, or in the fmt output of a Client; Summary.LogValue
// redacts the parties. Bodies over MaxResponseBytes fail with
// ErrResponseTooLarge.
package wrapper
