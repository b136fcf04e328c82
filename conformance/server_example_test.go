package conformance_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/gen"
)

// A test points any client at the sandbox's URL with its credentials.
func ExampleNewServer() {
	srv, err := conformance.NewServer()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	req, err := http.NewRequest(http.MethodGet, srv.URL+"/v1/Voice/CAd45ec3c4af38967de454f9e45bb1cef4/Summary", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
	resp, err := srv.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()

	var summary gen.CallSummary
	if err := json.NewDecoder(resp.Body).Decode(&summary); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Status, *summary.CallType, *summary.ProcessingState, *summary.Tags)
	// Output: 200 OK carrier complete [high_jitter]
}
