package callsummary_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/gen"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// TestContractNames pins, from outside the package, the names and
// signatures the CLI, conformance and the benchmarks rely on:
// renaming or retyping one breaks this file's build.
func TestContractNames(t *testing.T) {
	var (
		_ func(...callsummary.Option) (*callsummary.Client, error)                                                     = callsummary.NewClient
		_ func(string, string) callsummary.Option                                                                      = callsummary.WithCredentials
		_ func(string, string) callsummary.Option                                                                      = callsummary.WithAPIKey
		_ func(string) callsummary.Option                                                                              = callsummary.WithBaseURL
		_ func(string, string) callsummary.Option                                                                      = callsummary.WithRegion
		_ func(*http.Client) callsummary.Option                                                                        = callsummary.WithHTTPClient
		_ func(callsummary.RetryPolicy) callsummary.Option                                                             = callsummary.WithRetry
		_ func(*slog.Logger) callsummary.Option                                                                        = callsummary.WithLogger
		_ func(func(http.RoundTripper) http.RoundTripper) callsummary.Option                                           = callsummary.WithTransportMiddleware
		_ func(*callsummary.Client, context.Context, string, ...callsummary.FetchOption) (*callsummary.Summary, error) = (*callsummary.Client).FetchSummary
		_ func(*callsummary.Client, context.Context, string, ...callsummary.WaitOption) (*callsummary.Summary, error)  = (*callsummary.Client).WaitForComplete
		_ func(time.Duration) callsummary.WaitOption                                                                   = callsummary.WithPollInterval
		_ func(func(*callsummary.Summary)) callsummary.WaitOption                                                      = callsummary.WithPartialHandler
		_ func(*callsummary.Summary) []byte                                                                            = (*callsummary.Summary).Raw
		_ func(*callsummary.Summary) []callsummary.Edge                                                                = (*callsummary.Summary).Edges
		_ func(*callsummary.Summary, callsummary.EdgeKind) (callsummary.Edge, bool)                                    = (*callsummary.Summary).Edge
		_ func(*callsummary.Summary) []callsummary.EdgeKind                                                            = (*callsummary.Summary).ExpectedEdges
		_ func(*callsummary.Summary) []callsummary.EdgeKind                                                            = (*callsummary.Summary).MissingEdges
		_ slog.LogValuer                                                                                               = (*callsummary.Summary)(nil)
		_ error                                                                                                        = (*callsummary.APIError)(nil)
		_ gen.ProcessingState                                                                                          = callsummary.ProcessingStateComplete
	)
	// Issue 8: listing and annotations.
	var (
		_ func(*callsummary.Client, context.Context, callsummary.ListFilter) iter.Seq2[*callsummary.Summary, error]         = (*callsummary.Client).ListSummaries
		_ func(*callsummary.Client, context.Context, callsummary.ListFilter, string) (*callsummary.SummaryPage, error)      = (*callsummary.Client).FetchSummaryPage
		_ func(*callsummary.Client, context.Context, callsummary.ListFilter) iter.Seq2[*callsummary.SummaryPage, error]     = (*callsummary.Client).ListSummaryPages
		_ func(*callsummary.SummaryPage) string                                                                             = (*callsummary.SummaryPage).NextCursor
		_ func(*callsummary.Client, context.Context, string) (*callsummary.Annotation, error)                               = (*callsummary.Client).FetchAnnotation
		_ func(*callsummary.Client, context.Context, string, callsummary.AnnotationUpdate) (*callsummary.Annotation, error) = (*callsummary.Client).UpdateAnnotation
		_ func(time.Duration) callsummary.ListTime                                                                          = callsummary.Since
		_ func(time.Time) callsummary.ListTime                                                                              = callsummary.At
		_ func(*callsummary.Annotation) []byte                                                                              = (*callsummary.Annotation).Raw
		_ func(callsummary.ListFilter) error                                                                                = callsummary.ListFilter.Validate
		_ func(callsummary.AnnotationUpdate) error                                                                          = callsummary.AnnotationUpdate.Validate
		_ error                                                                                                             = callsummary.ErrInvalidFilter
		_ error                                                                                                             = callsummary.ErrInvalidAnnotation
		_ error                                                                                                             = callsummary.ErrInvalidCursor
	)
	_ = callsummary.ListFilter{CallTypes: []gen.CallType{gen.CallTypeSIP}, Start: callsummary.Since(time.Hour), End: callsummary.At(time.Now()),
		ProcessingState: gen.ListProcessingStateAll, SortBy: gen.SortByStartTime, HasTag: new(true), PageSize: callsummary.MaxPageSize}
	_ = callsummary.SummaryPage{Summaries: []*callsummary.Summary{}, Meta: gen.PageMeta{}}
	_ = callsummary.AnnotationUpdate{AnsweredBy: new(gen.AnnotationAnsweredByHuman), QualityIssues: []gen.QualityIssue{gen.QualityIssueEcho},
		Spam: new(true), CallScore: new(5), Comment: new(""), Incident: new(""), ConnectivityIssue: new(gen.ConnectivityIssueCallerID)}
	var a callsummary.Annotation
	_ = a.Annotation.CallScore // the generated type is embedded

	_ = callsummary.WithProcessingState(callsummary.ProcessingStatePartial)
	_ = callsummary.RetryPolicy{MaxAttempts: 1, InitialBackoff: time.Second, MaxBackoff: time.Second}
	_ = callsummary.Edge{Kind: callsummary.EdgeSIP}
	var s callsummary.Summary
	_ = s.CallSummary.CallSID // the generated type is embedded: s.CallSID
	_ = s.CarrierEdge

	kinds := []fmt.Stringer{callsummary.EdgeCarrier, callsummary.EdgeClient, callsummary.EdgeSIP, callsummary.EdgeSDK}
	if fmt.Sprint(kinds) != "[carrier_edge client_edge sip_edge sdk_edge]" {
		t.Errorf("EdgeKind names: %v", kinds)
	}
	for status, sentinel := range map[int]error{401: callsummary.ErrUnauthorized, 403: callsummary.ErrForbidden, 404: callsummary.ErrNotFound, 429: callsummary.ErrRateLimited} {
		var err error = fmt.Errorf("wrapped: %w", &callsummary.APIError{StatusCode: status, Code: 20000 + status, Message: "m", MoreInfo: "u"})
		var ae *callsummary.APIError
		if !errors.Is(err, sentinel) || !errors.As(err, &ae) || ae.StatusCode != status {
			t.Errorf("%d: sentinel or errors.As failed", status)
		}
	}
	c, err := callsummary.NewClient(callsummary.WithCredentials("AC0123456789abcdef0123456789abcdef", "t"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.FetchSummary(context.Background(), "CA-not-a-sid"); !errors.Is(err, callsummary.ErrInvalidCallSID) {
		t.Errorf("ErrInvalidCallSID: %v", err)
	}
}
