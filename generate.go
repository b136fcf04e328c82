// Package callsummary is the root of the Call Summary SDK. The importable
// packages are wrapper (the client), gen (the generated types), conformance
// (validation and a sandbox server) and openapi (the document itself).
package callsummary

//go:generate go tool oapi-codegen -config openapi/oapi-codegen.yaml openapi/insights.yaml
//go:generate go tool oapi-codegen -config openapi/oapi-codegen-server.yaml openapi/insights.yaml
