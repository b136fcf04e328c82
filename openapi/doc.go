// Package openapi holds the Call Summary OpenAPI 3.0.3 document, the single
// source of truth from which package gen is generated, and exposes its bytes.
//
// The bytes are embedded here, in a package with no dependencies, so that gen
// and wrapper never import an OpenAPI parser: package conformance parses them
// with kin-openapi when validation is wanted.
//
// After editing insights.yaml, run `go generate ./...` (or `make generate`) at
// the module root and commit the regenerated gen/ with the document.
package openapi
