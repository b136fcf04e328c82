//go:build generate

// This file holds the module's go:generate lines: oapi-codegen (a tool in
// go.mod) turns openapi/insights.yaml into package gen and into the
// sandbox's server interface. `go generate ./...` sets the build tag
// "generate", so it sees this file; nothing else does, and the module root
// is not a package.
package callsummary

//go:generate go tool oapi-codegen -config openapi/oapi-codegen.yaml openapi/insights.yaml
//go:generate go tool oapi-codegen -config openapi/oapi-codegen-server.yaml openapi/insights.yaml
//go:generate go run ./internal/aliasgen -in gen/gen.go -o wrapper/gen_aliases.go
