// Package syncbuf is a bytes.Buffer safe for concurrent writers: the test
// suites of several packages collect slog output into one while retries,
// servers and workers write from their own goroutines.
package syncbuf

import (
	"bytes"
	"sync"
)

// Buffer collects bytes written from several goroutines. The zero value is
// ready to use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p to the buffer.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
