package openapi

import (
	"bytes"
	_ "embed"
)

//go:embed insights.yaml
var document []byte

// Document returns the OpenAPI document (YAML). Each call returns a fresh
// copy, so callers may modify it freely.
func Document() []byte { return bytes.Clone(document) }

// Name is the document's file name, for error messages and tools that want one.
const Name = "insights.yaml"
