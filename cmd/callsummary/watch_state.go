package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/voiceinsights/callsummary/internal/atomicfile"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// watchState is what watch remembers between rounds, and between runs
// with --state-file: which calls it reported, and from when it lists.
//
// The invariant that makes "no call twice, none skipped" hold: Seen holds
// every call reported that started at or after Floor, and a round lists
// the calls that started at or after Floor and ignores any other. After a
// round that listed everything, Floor moves to the round's time less
// --overlap, and the calls that started before it leave Seen: the set
// holds the calls of one overlap window, whatever the run's length.
type watchState struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Rounds run so far, failed ones included.
	Rounds int64 `json:"rounds"`
	// Floor is the start time before which calls are not listed; zero
	// before the first round.
	Floor time.Time `json:"floor"`
	// LastRound is when the last round that listed everything began.
	LastRound time.Time `json:"last_round"`
	// Seen maps each call SID reported to its start time.
	Seen map[string]time.Time `json:"seen"`
}

const (
	watchStateFormat  = "callsummary.watch.state"
	watchStateVersion = 1
	// maxWatchSeen bounds the calls of one overlap window that watch
	// remembers (about 100 bytes each in memory, 60 in the file).
	maxWatchSeen = 500_000
	// maxWatchStateBytes bounds a state file read.
	maxWatchStateBytes = 64 << 20
)

// errTooManyCalls ends a watch whose window holds more calls than it can
// remember: it could no longer promise to report each once.
var errTooManyCalls = fmt.Errorf("over %d calls started within --overlap: narrow the filters or shorten --overlap", maxWatchSeen)

func newWatchState() *watchState {
	return &watchState{Format: watchStateFormat, Version: watchStateVersion, Seen: map[string]time.Time{}}
}

// loadWatchState reads path; a missing file is a fresh state. A file that
// is not a watch state is refused: it may be another file named by
// mistake, which saving would overwrite.
func loadWatchState(path string) (*watchState, bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newWatchState(), false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxWatchStateBytes+1))
	if err != nil {
		return nil, false, err
	}
	bad := func(why string) error {
		return fmt.Errorf("%s is not a watch state file (%s); give another --state-file, or remove it to start afresh", displayName(path), why)
	}
	if len(b) > maxWatchStateBytes {
		return nil, false, bad(fmt.Sprintf("over %d bytes", maxWatchStateBytes))
	}
	st := &watchState{}
	if err := wirejson.Unmarshal(b, st); err != nil {
		return nil, false, bad("not its JSON")
	}
	switch {
	case st.Format != watchStateFormat:
		return nil, false, bad(fmt.Sprintf("format %q", st.Format))
	case st.Version < 1 || st.Version > watchStateVersion:
		return nil, false, bad(fmt.Sprintf("version %d; this version reads %d", st.Version, watchStateVersion))
	case st.Rounds < 0 || len(st.Seen) > maxWatchSeen:
		return nil, false, bad("its counts are out of range")
	}
	for sid := range st.Seen {
		if callsummary.ValidateCallSID(sid) != nil {
			return nil, false, bad("a key is not a call SID")
		}
	}
	if st.Seen == nil {
		st.Seen = map[string]time.Time{}
	}
	return st, true, nil
}

// save replaces path atomically, readable by its owner alone.
func (st *watchState) save(path string) error {
	b, err := wirejson.Marshal(st)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(b, '\n'), 0o600)
}

// advance records a round begun at t that listed everything: the floor
// moves to t less overlap (never back), and the calls that started before
// it are forgotten, since no later round lists them.
func (st *watchState) advance(t time.Time, overlap time.Duration) {
	if floor := t.Add(-overlap); floor.After(st.Floor) {
		st.Floor = floor
	}
	st.LastRound = t
	for sid, start := range st.Seen {
		if start.Before(st.Floor) {
			delete(st.Seen, sid)
		}
	}
}
