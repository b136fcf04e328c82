// Package peers checks the document and the sandbox with two independent
// tools: Stoplight Prism (a mock on the document, and a validating proxy in
// front of the sandbox) and Redocly CLI (lint). Its tests carry the build tag
// `peers`, so that `go test ./...` needs no Node.js; run them with
// `bash conformance/peers/run.sh` (or `make peers`), which installs the pinned
// npm packages and sets PRISM_BIN.
package peers
