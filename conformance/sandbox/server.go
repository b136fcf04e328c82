package sandbox

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// A Server is the sandbox listening on a loopback port, in the style of
// httptest.Server: point a client at URL, call Close when done. Its Handler
// gives access to the fixtures, the credentials and fault injection.
type Server struct {
	// URL is the base URL, http://127.0.0.1:PORT, with no trailing slash.
	URL string

	handler *Handler

	http      *http.Server
	serveDone chan struct{}
	client    *http.Client

	mu       sync.Mutex
	closed   bool
	inflight sync.WaitGroup
}

// NewServer starts a sandbox on 127.0.0.1 with a port the system picks.
//
//	srv, err := sandbox.NewServer()
//	...
//	defer srv.Close()
//	h := srv.Handler()
//	client, err := callsummary.NewClient(
//		callsummary.WithBaseURL(srv.URL),
//		callsummary.WithCredentials(h.AccountSID(), h.AuthToken()))
func NewServer(opts ...Option) (*Server, error) {
	h, err := NewHandler(opts...)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen: %w", err)
	}
	s := &Server{
		handler:   h,
		URL:       "http://" + l.Addr().String(),
		serveDone: make(chan struct{}),
		client:    &http.Client{Transport: &http.Transport{ForceAttemptHTTP2: false}},
	}
	s.http = &http.Server{
		Handler:           http.HandlerFunc(s.serve),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(h.cfg.logger.Handler(), slog.LevelDebug),
	}
	go func() {
		defer close(s.serveDone)
		_ = s.http.Serve(l) // returns http.ErrServerClosed after Close
	}()
	return s, nil
}

// serve counts in-flight requests so that Close can wait for them.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		writeTwilioError(w, http.StatusServiceUnavailable, codeUnavailable, "Service Unavailable")
		return
	}
	s.inflight.Add(1)
	s.mu.Unlock()
	defer s.inflight.Done()
	s.handler.ServeHTTP(w, r)
}

// Handler returns the sandbox the server serves: its sample calls,
// credentials, annotations and fault injection.
func (s *Server) Handler() *Handler { return s.handler }

// Client returns an HTTP client for the server whose idle connections Close
// closes. It adds no credentials.
func (s *Server) Client() *http.Client { return s.client }

// Close stops the server: it closes the listener and every connection, which
// cancels the context of requests in flight (a stalled fault ends there), and
// returns once every handler has returned.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	_ = s.http.Close() // the listener's error, if any, is of no use now
	<-s.serveDone
	s.inflight.Wait()
	s.client.CloseIdleConnections()
	// Like httptest: clients on the default transport keep idle connections
	// to this server, whose goroutines would otherwise outlive it.
	if t, ok := http.DefaultTransport.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}
