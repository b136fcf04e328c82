package main

import callsummary "github.com/voiceinsights/callsummary/wrapper"

// callSIDArg is the one CALLSID argument of fetch and annotate, checked
// against the document's pattern before a sandbox is started or a client
// built, so that a malformed SID is a usage error and costs nothing. The
// value is not echoed: a mistaken argument can be a token.
func callSIDArg(pos []string) (string, error) {
	switch {
	case len(pos) == 0:
		return "", usagef("missing CALLSID")
	case len(pos) > 1:
		return "", usagef("one CALLSID at a time; got %d arguments", len(pos))
	case callsummary.ValidateCallSID(pos[0]) != nil:
		return "", usagef("not a call SID: want %s (CA and 32 hex digits, %d characters), got %d characters",
			callsummary.CallSIDPattern, 34, len(pos[0]))
	}
	return pos[0], nil
}
