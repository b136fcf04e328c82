// Package reliability holds no code: its tests prove that the wrapper keeps
// working under every fault the conformance sandbox can inject, and a few it
// cannot (a refused connection, a redirect to a host that records headers).
//
//   - The fault table (faults_test.go) asserts, per fault, the attempts the
//     server saw, the final error's type and message, and that nothing is
//     left running (goleak).
//   - The cancellation test measures how fast a cancelled context ends a
//     long Retry-After wait.
//   - The soak test (soak_test.go) runs concurrent fetches against random
//     faults from a fixed seed; -short skips it.
//   - The secrets and PII sweep runs over the whole fault table with a
//     sentinel auth token.
//
// go test ./reliability/ -reliability.report=FILE writes the fault table and
// the soak counts as Markdown, the figures RELIABILITY.md quotes.
package reliability
