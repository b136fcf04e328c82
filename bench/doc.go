// Package bench holds the benchmarks of the callsummary SDK against the
// official twilio-go SDK and against the raw net/http + encoding/json limit.
//
// It is its own module so that the SDK's users never download twilio-go or
// the benchmark tools. Run `make bench` here (or at the repository root) for
// the full run and `make smoke` for a one-iteration check; README.md has the
// results.
package bench
