package wrapper_test

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
	"github.com/voiceinsights/callsummary/wrapper"
)

// TestContractNames pins, from outside the package, the names and
// signatures that issue 3 promises to the CLI, conformance and benchmarks:
// renaming or retyping one breaks this file's build.
func TestContractNames(t *testing.T) {
	var (
		_ func(...wrapper.Option) (*wrapper.Client, error)                                                 = wrapper.NewClient
		_ func(string, string) wrapper.Option                                                              = wrapper.WithCredentials
		_ func(string, string) wrapper.Option                                                              = wrapper.WithAPIKey
		_ func(string) wrapper.Option                                                                      = wrapper.WithBaseURL
		_ func(string, string) wrapper.Option                                                              = wrapper.WithRegion
		_ func(*http.Client) wrapper.Option                                                                = wrapper.WithHTTPClient
		_ func(wrapper.RetryPolicy) wrapper.Option                                                         = wrapper.WithRetry
		_ func(*slog.Logger) wrapper.Option                                                                = wrapper.WithLogger
		_ func(func(http.RoundTripper) http.RoundTripper) wrapper.Option                                   = wrapper.WithTransportMiddleware
		_ func(*wrapper.Client, context.Context, string, ...wrapper.FetchOption) (*wrapper.Summary, error) = (*wrapper.Client).FetchSummary
		_ func(*wrapper.Client, context.Context, string, ...wrapper.WaitOption) (*wrapper.Summary, error)  = (*wrapper.Client).WaitForComplete
		_ func(time.Duration) wrapper.WaitOption                                                           = wrapper.PollEvery
		_ func(func(*wrapper.Summary)) wrapper.WaitOption                                                  = wrapper.OnPartial
		_ func(*wrapper.Summary) []byte                                                                    = (*wrapper.Summary).Raw
		_ func(*wrapper.Summary) []wrapper.Edge                                                            = (*wrapper.Summary).Edges
		_ func(*wrapper.Summary, wrapper.EdgeKind) (wrapper.Edge, bool)                                    = (*wrapper.Summary).Edge
		_ func(*wrapper.Summary) []wrapper.EdgeKind                                                        = (*wrapper.Summary).ExpectedEdges
		_ func(*wrapper.Summary) []wrapper.EdgeKind                                                        = (*wrapper.Summary).MissingEdges
		_ slog.LogValuer                                                                                   = (*wrapper.Summary)(nil)
		_ error                                                                                            = (*wrapper.APIError)(nil)
		_ gen.ProcessingState                                                                              = wrapper.ProcessingStateComplete
	)
	// Issue 8: listing and annotations.
	var (
		_ func(*wrapper.Client, context.Context, wrapper.ListFilter) iter.Seq2[*wrapper.Summary, error]         = (*wrapper.Client).ListSummaries
		_ func(*wrapper.Client, context.Context, wrapper.ListFilter, string) (*wrapper.SummaryPage, error)      = (*wrapper.Client).FetchSummaryPage
		_ func(*wrapper.Client, context.Context, wrapper.ListFilter) iter.Seq2[*wrapper.SummaryPage, error]     = (*wrapper.Client).ListSummaryPages
		_ func(*wrapper.SummaryPage) string                                                                     = (*wrapper.SummaryPage).NextCursor
		_ func(*wrapper.Client, context.Context, string) (*wrapper.Annotation, error)                           = (*wrapper.Client).FetchAnnotation
		_ func(*wrapper.Client, context.Context, string, wrapper.AnnotationUpdate) (*wrapper.Annotation, error) = (*wrapper.Client).UpdateAnnotation
		_ func(time.Duration) wrapper.ListTime                                                                  = wrapper.Since
		_ func(time.Time) wrapper.ListTime                                                                      = wrapper.At
		_ func(*wrapper.Annotation) []byte                                                                      = (*wrapper.Annotation).Raw
		_ func(wrapper.ListFilter) error                                                                        = wrapper.ListFilter.Validate
		_ func(wrapper.AnnotationUpdate) error                                                                  = wrapper.AnnotationUpdate.Validate
		_ error                                                                                                 = wrapper.ErrInvalidFilter
		_ error                                                                                                 = wrapper.ErrInvalidAnnotation
		_ error                                                                                                 = wrapper.ErrInvalidCursor
	)
	_ = wrapper.ListFilter{CallTypes: []gen.CallType{gen.CallTypeSip}, Start: wrapper.Since(time.Hour), End: wrapper.At(time.Now()),
		ProcessingState: gen.ListProcessingStateAll, SortBy: gen.SortByStartTime, HasTag: new(true), PageSize: wrapper.MaxPageSize}
	_ = wrapper.SummaryPage{Summaries: []*wrapper.Summary{}, Meta: gen.PageMeta{}}
	_ = wrapper.AnnotationUpdate{AnsweredBy: new(gen.AnnotationAnsweredByHuman), QualityIssues: []gen.QualityIssue{gen.QualityIssueEcho},
		Spam: new(true), CallScore: new(5), Comment: new(""), Incident: new(""), ConnectivityIssue: new(gen.ConnectivityIssueCallerId)}
	var a wrapper.Annotation
	_ = a.Annotation.CallScore // the generated type is embedded

	_ = wrapper.WithProcessingState(wrapper.ProcessingStatePartial)
	_ = wrapper.RetryPolicy{MaxAttempts: 1, InitialBackoff: time.Second, MaxBackoff: time.Second}
	_ = wrapper.Edge{Kind: wrapper.SIPEdge}
	var s wrapper.Summary
	_ = s.CallSummary.CallSid // the generated type is embedded: s.CallSid
	_ = s.CarrierEdge

	kinds := []fmt.Stringer{wrapper.CarrierEdge, wrapper.ClientEdge, wrapper.SIPEdge, wrapper.SDKEdge}
	if fmt.Sprint(kinds) != "[carrier_edge client_edge sip_edge sdk_edge]" {
		t.Errorf("EdgeKind names: %v", kinds)
	}
	for status, sentinel := range map[int]error{401: wrapper.ErrUnauthorized, 403: wrapper.ErrForbidden, 404: wrapper.ErrNotFound, 429: wrapper.ErrRateLimited} {
		var err error = fmt.Errorf("wrapped: %w", &wrapper.APIError{StatusCode: status, Code: 20000 + status, Message: "m", MoreInfo: "u"})
		var ae *wrapper.APIError
		if !errors.Is(err, sentinel) || !errors.As(err, &ae) || ae.StatusCode != status {
			t.Errorf("%d: sentinel or errors.As failed", status)
		}
	}
	c, err := wrapper.NewClient(wrapper.WithCredentials("AC0123456789abcdef0123456789abcdef", "t"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.FetchSummary(context.Background(), "CA-not-a-sid"); !errors.Is(err, wrapper.ErrInvalidCallSID) {
		t.Errorf("ErrInvalidCallSID: %v", err)
	}
}
