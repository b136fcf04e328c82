package sandbox

import (
	"bytes"
	"errors"
	"time"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// How a fixture is served: which of its summaries exist at an instant
// (lifecycle mode, WithCompletion), and its bytes with the call's current
// annotation in place of the one it was written with.

// fixtureStates reports which of a fixture's summaries exist at now.
func (h *Handler) fixtureStates(f *fixture, now time.Time) (partial, complete bool) {
	if lc := h.cfg.lifecycle; lc != nil {
		return lc.available(f, now)
	}
	partial, complete = f.partial != nil, f.complete != nil
	if !complete && f.completion != nil && h.cfg.completeAfter > 0 {
		complete = !now.Before(h.started.Add(h.cfg.completeAfter))
	}
	return partial, complete
}

// fixtureBody returns what is served for a fixture in state (which must
// exist): its exact bytes, except that an annotation set through the
// sandbox replaces the summary's own "annotation" member, so that a fetch
// after an update shows it as Twilio would. The other bytes stay as they
// are.
func (h *Handler) fixtureBody(f *fixture, state gen.ProcessingState) []byte {
	body := f.complete
	switch {
	case state == gen.ProcessingStatePartial && f.partial != nil:
		body = f.partial
	case body == nil:
		body = f.completion
	}
	a, ok := h.annotations.get(f.call.SID)
	if !ok || body == nil {
		return body
	}
	spliced, err := replaceMember(body, "annotation", encodeAnnotation(a))
	if err != nil {
		return body // the fixtures are checked JSON objects: cannot happen
	}
	return spliced
}

// replaceMember returns a copy of the JSON object obj with the value of each
// top-level member called name replaced by value, or with the member added
// at the end if there is none. Every other byte is kept.
func replaceMember(obj []byte, name string, value []byte) ([]byte, error) {
	dec := wirejson.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.ReadToken(); err != nil {
		return nil, err
	} else if tok.Kind() != '{' {
		return nil, errors.New("not a JSON object")
	}
	var out []byte
	last, found, members := 0, false, 0
	for ; dec.PeekKind() == '"'; members++ {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		key := tok.String() // before the next read, which reuses the token's buffer
		// The value starts after the colon and any white space.
		start := int(dec.InputOffset())
		for start < len(obj) && (obj[start] == ':' || isSpace(obj[start])) {
			start++
		}
		if err := dec.SkipValue(); err != nil {
			return nil, err
		}
		if key == name {
			out = append(append(out, obj[last:start]...), value...)
			last, found = int(dec.InputOffset()), true
		}
	}
	if _, err := dec.ReadToken(); err != nil { // '}'
		return nil, err
	}
	if found {
		return append(out, obj[last:]...), nil
	}
	end := bytes.LastIndexByte(obj, '}')
	member := append([]byte(`"`+name+`":`), value...)
	if members > 0 {
		member = append([]byte(","), member...)
	}
	return append(append(bytes.Clone(obj[:end]), member...), obj[end:]...), nil
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }
