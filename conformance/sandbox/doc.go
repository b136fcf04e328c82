// Package sandbox is a fake Twilio for tests: the Call Summary endpoints
// served on loopback from the same OpenAPI document as the client, in the
// manner of net/http/httptest.
//
//	srv, err := sandbox.NewServer()
//	...
//	defer srv.Close()
//	h := srv.Handler()
//	client, err := callsummary.NewClient(
//		callsummary.WithBaseURL(srv.URL),
//		callsummary.WithCredentials(h.AccountSID(), h.AuthToken()))
//
// It serves realistic summaries: the document's examples and a few more
// fixtures, and a generated population of thousands of calls that the list
// endpoint filters and pages through. Every summary it writes is one of
// package gen's types, so a property added to the document appears in the
// population with no change here. It stores annotations, checks
// credentials as Twilio does (401, 20003), answers unknown calls with 404
// (20404), validates every request against the document, follows Twilio's
// timing after a call (WithLifecycle) and injects network faults (Inject,
// InjectRandom).
//
// A Handler is the same sandbox as an http.Handler, for a server of your
// own (`callsummary serve` uses it).
package sandbox
