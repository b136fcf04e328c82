package fleet

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/voiceinsights/callsummary/internal/atomicfile"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// ExportState is what WithState keeps between runs of an export.
type ExportState struct {
	// Format is the sink's Format: a resume into another sink is refused.
	Format string `json:"format"`
	// Cursor is the NextCursor of the last committed page: where the next
	// run starts ("" with Pages 0: the first page). It can hold PII.
	Cursor string `json:"cursor"`
	// Pages and Calls were written and committed.
	Pages int64 `json:"pages"`
	Calls int64 `json:"calls"`
	// Sink is how far the sink's committed output goes.
	Sink SinkState `json:"sink"`
	// Done: the last page was committed.
	Done bool `json:"done"`
}

// maxStateBytes bounds a state file read: a cursor is a URL.
const maxStateBytes = 1 << 20

func loadState(path string) (ExportState, bool, error) {
	var st ExportState
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("fleet: export state: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxStateBytes+1))
	n := len(b)
	if err != nil {
		return st, false, fmt.Errorf("fleet: export state %s: %w", path, err)
	}
	if n > maxStateBytes {
		return st, false, fmt.Errorf("fleet: export state %s: over %d bytes, not a state file", path, maxStateBytes)
	}
	if err := wirejson.Unmarshal(b[:n], &st); err != nil {
		return st, false, fmt.Errorf("fleet: export state %s: %w", path, err)
	}
	if st.Pages < 0 || st.Calls < 0 || st.Sink.Bytes < 0 || st.Sink.NextPart < 0 || st.Format == "" {
		return st, false, fmt.Errorf("fleet: export state %s: not a state this package wrote", path)
	}
	return st, true, nil
}

// saveState replaces path atomically: a crash leaves the old state or the
// new one, never half of one.
func saveState(path string, st ExportState) error {
	b, err := wirejson.MarshalIndent(st)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("fleet: %w", err)
	}
	return nil
}
