package fleet

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"

	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// MaxLineBytes bounds one NDJSON line read: a summary, like a response
// body, is at most callsummary.MaxResponseBytes.
const MaxLineBytes = callsummary.MaxResponseBytes

// ErrLineTooLong: an NDJSON line over MaxLineBytes.
var ErrLineTooLong = errors.New("fleet: NDJSON line too long")

// AppendNDJSON appends s as one NDJSON line: its exact bytes as received
// (Raw). Only a summary that arrived spread over lines is compacted, which
// changes white space and nothing else. A summary with no bytes received
// (built by hand, or read from Parquet) is encoded from its fields.
func AppendNDJSON(dst []byte, s *callsummary.Summary) ([]byte, error) {
	b, err := s.MarshalJSON()
	if err != nil {
		return dst, err
	}
	if bytes.ContainsAny(b, "\r\n") {
		if b, err = wirejson.Compact(b); err != nil {
			return dst, fmt.Errorf("fleet: summary %s: %w", s, err)
		}
	}
	return append(append(dst, b...), '\n'), nil
}

// ndjsonSink writes NDJSON to a file it can truncate (resumable) or to a
// stream.
type ndjsonSink struct {
	f       *os.File // nil for a stream
	w       io.Writer
	buf     *bufio.Writer
	line    []byte
	written int64
}

// NewNDJSONFile writes NDJSON to the file at path, created (mode 0644) if
// needed. Each summary is one line of its exact bytes (AppendNDJSON).
// Resumable: a resume truncates the file to its last committed page.
func NewNDJSONFile(path string) (Sink, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	return &ndjsonSink{f: f, w: f, buf: bufio.NewWriterSize(f, 1<<20)}, nil
}

// NewNDJSONWriter writes NDJSON to w (standard output, a pipe): not
// resumable.
func NewNDJSONWriter(w io.Writer) Sink {
	return &ndjsonSink{w: w, buf: bufio.NewWriterSize(w, 1<<16)}
}

func (n *ndjsonSink) Format() string { return "ndjson" }

func (n *ndjsonSink) Resume(st SinkState) error {
	off, err := resumeFile(n.f, st)
	n.written = off
	return err
}

func (n *ndjsonSink) Write(s *callsummary.Summary) error {
	var err error
	if n.line, err = AppendNDJSON(n.line[:0], s); err != nil {
		return err
	}
	_, err = n.buf.Write(n.line)
	n.written += int64(len(n.line))
	return err
}

func (n *ndjsonSink) Commit(bool) (SinkState, bool, error) {
	if err := flushSync(n.buf, n.f); err != nil {
		return SinkState{}, false, err
	}
	return SinkState{Bytes: n.written}, true, nil
}

func (n *ndjsonSink) Close() error {
	if n.f == nil {
		return n.buf.Flush()
	}
	return n.f.Close()
}

// resumeFile truncates f to st.Bytes and positions it there; for a stream
// (f nil) only the start is a valid state. It returns the offset.
func resumeFile(f *os.File, st SinkState) (int64, error) {
	if f == nil {
		if st != (SinkState{}) {
			return 0, fmt.Errorf("%w: output is a stream", ErrNotResumable)
		}
		return 0, nil
	}
	fi, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("fleet: %w", err)
	}
	if fi.Size() < st.Bytes {
		return 0, fmt.Errorf("fleet: %s has %d bytes, fewer than the %d the export state says were committed", f.Name(), fi.Size(), st.Bytes)
	}
	if err := f.Truncate(st.Bytes); err != nil {
		return 0, fmt.Errorf("fleet: %w", err)
	}
	if _, err := f.Seek(st.Bytes, io.SeekStart); err != nil {
		return 0, fmt.Errorf("fleet: %w", err)
	}
	return st.Bytes, nil
}

// flushSync flushes buf and, for a file, syncs it to disk.
func flushSync(buf *bufio.Writer, f *os.File) error {
	if err := buf.Flush(); err != nil {
		return fmt.Errorf("fleet: %w", err)
	}
	if f == nil {
		return nil
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("fleet: %w", err)
	}
	return nil
}

// ReadNDJSON yields the summaries of NDJSON files, one per line, in the
// order of paths (a directory: every *.ndjson, *.jsonl and *.json file
// under it, in lexical order). Blank lines, and a UTF-8 byte-order mark
// at the start of a file, are skipped. A line that does
// not decode ends the sequence with an error naming the file and line;
// memory is bounded by MaxLineBytes.
func ReadNDJSON(ctx context.Context, paths ...string) iter.Seq2[*callsummary.Summary, error] {
	return func(yield func(*callsummary.Summary, error) bool) {
		files, err := expandPaths(paths, ".ndjson", ".jsonl", ".json")
		if err != nil {
			yield(nil, err)
			return
		}
		for _, path := range files {
			if !readNDJSONFile(ctx, path, yield) {
				return
			}
		}
	}
}

// readNDJSONFile yields the summaries of one file; false when the sequence
// must stop.
func readNDJSONFile(ctx context.Context, path string, yield func(*callsummary.Summary, error) bool) bool {
	f, err := os.Open(path)
	if err != nil {
		yield(nil, fmt.Errorf("fleet: %w", err))
		return false
	}
	defer f.Close()
	for line, err := range ndjsonLines(f) {
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			yield(nil, fmt.Errorf("fleet: %s: %w", path, err))
			return false
		}
		s, err := callsummary.ParseSummary(line.data)
		if err != nil {
			yield(nil, fmt.Errorf("fleet: %s line %d: %w", path, line.n, fromFile(err)))
			return false
		}
		if !yield(s, nil) {
			return false
		}
	}
	return true
}

// utf8BOM is the byte-order mark some Windows tools write at the start of
// a text file; it is not part of the first line's JSON.
var utf8BOM = []byte("\uFEFF")

// fromFile makes a *callsummary.DecodeError from ParseSummary one of a
// file's: its text names no HTTP status, the bytes having come from a
// file (the caller names it and the line).
func fromFile(err error) error {
	if de, ok := errors.AsType[*callsummary.DecodeError](err); ok && de.StatusCode != 0 {
		c := *de
		c.StatusCode = 0
		return &c
	}
	return err
}

type ndjsonLine struct {
	n    int64  // line number, from 1
	data []byte // without the newline; valid until the next line
}

// ndjsonLines yields the non-blank lines of r.
func ndjsonLines(r io.Reader) iter.Seq2[ndjsonLine, error] {
	return func(yield func(ndjsonLine, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 1<<16), MaxLineBytes+1)
		var n int64
		for sc.Scan() {
			n++
			b := sc.Bytes()
			if n == 1 {
				b = bytes.TrimPrefix(b, utf8BOM)
			}
			b = bytes.TrimSpace(b)
			if len(b) == 0 {
				continue
			}
			if !yield(ndjsonLine{n: n, data: b}, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				err = fmt.Errorf("%w: line %d is over %d bytes", ErrLineTooLong, n+1, MaxLineBytes)
			}
			yield(ndjsonLine{}, err)
		}
	}
}
