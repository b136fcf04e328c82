package sandbox_test

import (
	"context"
	"fmt"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// A test starts the sandbox and points a client at its URL with its
// credentials.
func ExampleNewServer() {
	srv, err := sandbox.NewServer()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	h := srv.Handler()
	client, err := callsummary.NewClient(
		callsummary.WithBaseURL(srv.URL),
		callsummary.WithCredentials(h.AccountSID(), h.AuthToken()),
		callsummary.WithHTTPClient(srv.Client()),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := client.FetchSummary(context.Background(), "CAd45ec3c4af38967de454f9e45bb1cef4")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s, s.QualityTags())
	// Output: CAd45ec3c4af38967de454f9e45bb1cef4 (carrier, completed, complete) [high_jitter]
}
