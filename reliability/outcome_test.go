package reliability

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/voiceinsights/callsummary/conformance"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// outcomeOf is outcome, and for a success whose summary holds values that
// did not fit their types, where they are: "success with decode issues at
// /duration".
func outcomeOf(ctx context.Context, s *callsummary.Summary, err error) string {
	if err == nil && s != nil {
		if issues := s.DecodeIssues(); len(issues) > 0 {
			ptrs := make([]string, len(issues))
			for i, is := range issues {
				ptrs[i] = is.Pointer
			}
			return "success with decode issues at " + strings.Join(ptrs, ", ")
		}
	}
	return outcome(ctx, err)
}

// outcome names what a FetchSummary ended in: "success", or the type a
// caller would match the error with and its gist. An error none of the
// typed cases matches is "untyped: …", which every test treats as a failure.
// ctx is the call's: a deadline error while it is still live is the
// client's own timeout.
func outcome(ctx context.Context, err error) string {
	var (
		ve  *conformance.ValidationError
		ae  *callsummary.APIError
		de  *callsummary.DecodeError
		ne  net.Error
		sys syscall.Errno
	)
	switch {
	case err == nil:
		return "success"
	case errors.Is(err, callsummary.ErrWrongCall):
		return "callsummary.ErrWrongCall"
	case errors.Is(err, callsummary.ErrPaginationLoop):
		return "callsummary.ErrPaginationLoop"
	case errors.Is(err, callsummary.ErrPageTooLarge):
		return "callsummary.ErrPageTooLarge"
	case errors.As(err, &ve):
		ptrs := ve.Pointers()
		if len(ptrs) > 4 {
			return fmt.Sprintf("*conformance.ValidationError at %s, … (%d violations)", strings.Join(ptrs[:3], ", "), len(ptrs))
		}
		return "*conformance.ValidationError at " + strings.Join(ptrs, ", ")
	case errors.As(err, &ae):
		s := fmt.Sprintf("*callsummary.APIError %d", ae.StatusCode)
		if ae.Code != 0 {
			s += fmt.Sprintf(" (code %d)", ae.Code)
		}
		return s
	case errors.As(err, &de):
		return fmt.Sprintf("*callsummary.DecodeError at byte %d", de.Offset)
	case errors.Is(err, callsummary.ErrResponseTooLarge):
		return "callsummary.ErrResponseTooLarge"
	case errors.Is(err, callsummary.ErrTooManyRedirects):
		return "callsummary.ErrTooManyRedirects"
	case errors.Is(err, callsummary.ErrInsecureRedirect):
		return "callsummary.ErrInsecureRedirect"
	case errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil:
		return "net.Error, Timeout() (http.Client.Timeout)"
	case errors.Is(err, context.DeadlineExceeded):
		return "context.DeadlineExceeded"
	case errors.Is(err, context.Canceled):
		return "context.Canceled"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "io.ErrUnexpectedEOF"
	case errors.As(err, &sys):
		return "syscall." + errnoName(sys)
	case errors.Is(err, io.EOF):
		return "io.EOF"
	}
	return "untyped: " + err.Error()
}

func errnoName(e syscall.Errno) string {
	switch e {
	case syscall.ECONNREFUSED:
		return "ECONNREFUSED"
	case syscall.ECONNRESET:
		return "ECONNRESET"
	case syscall.EPIPE:
		return "EPIPE"
	}
	return fmt.Sprintf("Errno(%d) %v", int(e), e)
}

// typed reports whether an outcome is one a caller can match.
func typed(o string) bool { return !strings.HasPrefix(o, "untyped: ") }
