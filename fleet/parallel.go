package fleet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// chunkBytes is the size of the blocks of lines handed to a decoding
// worker: large enough that handing over costs nothing next to decoding,
// small enough that workers × chunks stays a few megabytes.
const chunkBytes = 1 << 20

// DecodeOption configures AddNDJSON.
type DecodeOption func(*decodeConfig)

type decodeConfig struct{ workers int }

// WithWorkers sets how many goroutines decode (at least 1); by default
// GOMAXPROCS, every core.
func WithWorkers(n int) DecodeOption { return func(c *decodeConfig) { c.workers = max(1, n) } }

// AddNDJSON adds every summary of the NDJSON stream r (as ExportPages or
// NewNDJSONWriter write it) to a, decoding on every core: decoding is the
// cost of statistics, so r is cut into blocks of whole lines that workers
// decode into aggregators of their own, merged into a at the end, which
// gives the result of adding them one by one (merging is exact). Memory
// is a few blocks per worker plus the groups. It returns the number of
// summaries added (a UTF-8 byte-order mark at the start of r is skipped);
// on an error (a line that does not decode, named by its
// number; a line over MaxLineBytes; ctx's error) a is left unchanged.
func (a *Aggregator) AddNDJSON(ctx context.Context, r io.Reader, opts ...DecodeOption) (int64, error) {
	cfg := decodeConfig{workers: runtime.GOMAXPROCS(0)}
	for _, o := range opts {
		o(&cfg)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	type chunk struct {
		data []byte
		line int64 // the number of its first line
	}
	chunks := make(chan chunk, cfg.workers)
	pool := sync.Pool{New: func() any { return make([]byte, 0, chunkBytes) }}
	shards := make([]*Aggregator, cfg.workers)
	var wg sync.WaitGroup
	for w := range cfg.workers {
		shard, err := a.empty()
		if err != nil {
			return 0, err
		}
		shards[w] = shard
		wg.Go(func() {
			dec := newStatsDecoder()
			for c := range chunks {
				line := c.line
				for data := c.data; len(data) > 0 && ctx.Err() == nil; line++ {
					var l []byte
					l, data, _ = bytes.Cut(data, []byte{'\n'})
					if l = bytes.TrimSpace(l); len(l) == 0 {
						continue
					}
					s, err := dec.decode(l)
					if err != nil {
						cancel(fmt.Errorf("fleet: NDJSON line %d: %w", line, fromFile(err)))
						break
					}
					if err := shard.Add(s); err != nil {
						cancel(err)
						break
					}
				}
				pool.Put(c.data[:0]) //nolint:staticcheck // a slice header is small next to the megabyte it keeps
			}
		})
	}
	readErr := splitLines(ctx, r, func(data []byte, line int64) bool {
		buf := append(pool.Get().([]byte)[:0], data...)
		select {
		case chunks <- chunk{data: buf, line: line}:
			return true
		case <-ctx.Done():
			return false
		}
	})
	close(chunks)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return 0, err
	}
	if readErr != nil {
		return 0, readErr
	}
	before := a.calls
	for _, sh := range shards {
		if err := a.Merge(sh); err != nil {
			return 0, err
		}
	}
	return a.calls - before, nil
}

// empty returns an aggregator of a's shape with nothing added.
func (a *Aggregator) empty() (*Aggregator, error) {
	return NewAggregator(a.by, WithRelativeAccuracy(a.alpha), WithMaxGroups(a.maxGroups))
}

// splitLines reads r in blocks of about chunkBytes that end at a line's
// end, calling emit with each and the number of its first line. A line
// longer than MaxLineBytes is an error. A UTF-8 byte-order mark at the
// start is skipped.
func splitLines(ctx context.Context, r io.Reader, emit func(data []byte, line int64) bool) error {
	buf := make([]byte, chunkBytes)
	var filled int
	line := int64(1)
	first := true
	for {
		n, err := io.ReadFull(r, buf[filled:])
		if first {
			// A byte-order mark before the first line is not JSON.
			first = false
			if bytes.HasPrefix(buf[:n], utf8BOM) {
				n = copy(buf, buf[len(utf8BOM):n])
			}
		}
		filled += n
		end := filled
		eof := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !eof {
			return fmt.Errorf("fleet: reading NDJSON: %w", err)
		}
		last := bytes.LastIndexByte(buf[:filled], '\n') + 1
		if filled-last > MaxLineBytes {
			return fmt.Errorf("%w: line %d is over %d bytes", ErrLineTooLong, line+int64(bytes.Count(buf[:last], []byte{'\n'})), MaxLineBytes)
		}
		if !eof {
			end = last
			if end == 0 { // no line end in the buffer: grow it
				buf = append(buf, make([]byte, len(buf))...)
				continue
			}
		}
		if end > 0 {
			if !emit(buf[:end], line) {
				return ctx.Err()
			}
			line += int64(bytes.Count(buf[:end], []byte{'\n'}))
		}
		if eof {
			return nil
		}
		filled = copy(buf, buf[end:filled])
	}
}
