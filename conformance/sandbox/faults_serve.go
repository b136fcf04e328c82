package sandbox

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// serveFault answers r with f. It reports false when the request must go on
// to be served normally (a stall that ran out).
func (h *Handler) serveFault(w http.ResponseWriter, r *http.Request, sid string, f Fault) bool {
	if rec, ok := w.(*statusRecorder); ok {
		rec.fault = f.Kind
	}
	ctx := r.Context()
	switch f.Kind {
	case FaultTooManyRequests:
		setRetryAfter(w, f)
		writeTwilioError(w, http.StatusTooManyRequests, codeTooManyRequests, "Too Many Requests")
	case FaultServerError:
		status := cmp.Or(f.Status, http.StatusInternalServerError)
		code := codeInternalError
		if status == http.StatusServiceUnavailable {
			code = codeUnavailable
		}
		setRetryAfter(w, f)
		writeTwilioError(w, status, code, cmp.Or(http.StatusText(status), "Server Error"))
	case FaultReset:
		h.hijack(w, f, func(conn net.Conn, _ *bufio.Writer) { reset(conn) })
	case FaultResetMidBody, FaultTruncated:
		body := h.faultBody(r, sid)
		h.hijack(w, f, func(conn net.Conn, bw *bufio.Writer) {
			writeRawHead(bw, len(body))
			_, _ = bw.Write(body[:len(body)/2])
			if bw.Flush() != nil || f.Kind == FaultTruncated {
				_ = conn.Close() // a FIN: the client reads a short body
				return
			}
			// Let the half body reach the client before the RST, so that it
			// fails reading the body rather than the headers.
			sleep(ctx, 20*time.Millisecond)
			reset(conn)
		})
	case FaultStall:
		return !sleep(ctx, f.Delay)
	case FaultSlowBody:
		body := h.faultBody(r, sid)
		hd := w.Header()
		hd.Set("Content-Type", "application/json")
		hd.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		_ = http.NewResponseController(w).Flush()
		if sleep(ctx, f.Delay) {
			_, _ = w.Write(body[len(body)/2:])
		}
	case FaultHTMLError:
		status := cmp.Or(f.Status, http.StatusBadGateway)
		page := fmt.Sprintf("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
			status, http.StatusText(status), status, http.StatusText(status))
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", strconv.Itoa(len(page)))
		w.WriteHeader(status)
		_, _ = w.Write([]byte(page))
	case FaultInvalidJSON:
		body := h.faultBody(r, sid)
		writeJSON(w, http.StatusOK, body[:len(body)/2])
	case FaultSchemaViolation:
		writeJSON(w, http.StatusOK, h.brokenBody(r, sid))
	case FaultOversize:
		writeOversize(w, h.faultBody(r, sid), cmp.Or(f.Size, defaultOversize))
	case FaultRedirect:
		w.Header().Set("Location", cmp.Or(f.Location, redirectTarget(r)))
		w.WriteHeader(cmp.Or(f.Status, http.StatusTemporaryRedirect))
	case FaultEmptyBody:
		writeJSON(w, http.StatusOK, nil)
	}
	return true
}

// faultBody is the body a fault mangles, of the kind the route returns: for
// a summary, the SID's own, else the carrier call's, so that every SID (even
// an unknown one) can be faulted; for an annotation, the SID's or the
// document example's; for the list, a page holding the carrier call.
func (h *Handler) faultBody(r *http.Request, sid string) []byte {
	switch routeOf(r) {
	case routeList:
		return faultPage(h.summaryFaultBody(""))
	case routeAnnotation:
		if body, ok := h.Annotation(sid); ok {
			return body
		}
		return []byte(`{"account_sid":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","call_sid":"CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","spam":false}`)
	}
	return h.summaryFaultBody(sid)
}

// brokenBody is faultBody made to break the document twice: for a summary
// (on its own or as the list's first item), call_type "pstn" and duration as
// a string; for an annotation, answered_by "robot" and call_score as a
// string.
func (h *Handler) brokenBody(r *http.Request, sid string) []byte {
	switch routeOf(r) {
	case routeList:
		return faultPage(violateSchema(h.summaryFaultBody("")))
	case routeAnnotation:
		return violateFields(h.faultBody(r, sid), map[string]any{"answered_by": "robot", "call_score": "2"})
	}
	return violateSchema(h.summaryFaultBody(sid))
}

// faultPage wraps a summary in a one-item list page.
func faultPage(summary []byte) []byte {
	return slices.Concat([]byte(`{"meta":{"page":0,"page_size":1,"key":"call_summaries"},"call_summaries":[`), summary, []byte(`]}`))
}

type route int

const (
	routeSummary route = iota
	routeList
	routeAnnotation
)

func routeOf(r *http.Request) route {
	switch p := r.URL.Path; {
	case strings.HasSuffix(p, "/Summaries"):
		return routeList
	case strings.HasSuffix(p, "/Annotation"):
		return routeAnnotation
	}
	return routeSummary
}

func (h *Handler) summaryFaultBody(sid string) []byte {
	for _, id := range []string{sid, "CAd45ec3c4af38967de454f9e45bb1cef4"} {
		if f, ok := h.fixtures[id]; ok && f.complete != nil {
			return f.complete
		} else if ok {
			return f.partial
		}
	}
	return []byte(`{}`) // unreachable while the carrier call is in the catalogue
}

// hijack takes the connection over for faults below HTTP. Where that is
// impossible (HTTP/2, a wrapping ResponseWriter), it says so with a 500.
func (h *Handler) hijack(w http.ResponseWriter, f Fault, do func(net.Conn, *bufio.Writer)) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		h.cfg.logger.Warn("sandbox fault needs a hijackable connection", slog.String("fault", f.Kind.String()), slog.Any("error", err))
		writeTwilioError(w, http.StatusInternalServerError, codeInternalError, "The sandbox cannot inject "+f.Kind.String()+" here")
		return
	}
	do(conn, brw.Writer)
}

// reset closes conn with an RST instead of a FIN.
func reset(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func writeRawHead(bw *bufio.Writer, length int) {
	fmt.Fprintf(bw, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", length)
}

// sleep waits d, or until ctx is done if d is zero. It reports whether the
// full delay ran (false: the client left or the server closed).
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		<-ctx.Done()
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func setRetryAfter(w http.ResponseWriter, f Fault) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
}

// violateSchema returns body with call_type "pstn" (not in the enum) and
// duration as a string: two violations, at /call_type and /duration.
func violateSchema(body []byte) []byte {
	m := objectOf(body)
	d := "0"
	if v, ok := m["duration"]; ok && v.Kind() == '0' {
		d = string(v)
	}
	return violateFields(body, map[string]any{"call_type": "pstn", "duration": d})
}

// violateFields returns the JSON object body with fields set to values.
func violateFields(body []byte, fields map[string]any) []byte {
	m := objectOf(body)
	for k, v := range fields {
		b, err := wirejson.Marshal(v)
		if err != nil {
			continue // strings and numbers only: cannot happen
		}
		m[k] = b
	}
	out, err := wirejson.Marshal(m)
	if err != nil {
		out, _ = wirejson.Marshal(fields) // strings and numbers only: cannot fail
	}
	return out
}

// objectOf is body's members, each value as its exact bytes; empty if
// body is not a JSON object.
func objectOf(body []byte) map[string]jsontext.Value {
	var m map[string]jsontext.Value
	if wirejson.Unmarshal(body, &m) != nil || m == nil {
		m = map[string]jsontext.Value{}
	}
	return m
}

// writeOversize streams a valid JSON summary of size bytes: the fixture with
// a padding property in front. No Content-Length: it goes out chunked.
func writeOversize(w http.ResponseWriter, body []byte, size int64) {
	const open = `{"padding":"`
	const shut = `",`
	pad := max(size-int64(len(open)+len(shut)+len(body)-1), 0)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write([]byte(open)); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte{'a'}, 32<<10)
	for pad > 0 {
		n := min(pad, int64(len(chunk)))
		if _, err := w.Write(chunk[:n]); err != nil {
			return // the client stopped reading
		}
		pad -= n
	}
	_, _ = w.Write([]byte(shut))
	_, _ = w.Write(body[1:])
}

// redirectTarget is the request's URL on another host: the other loopback
// name for a loopback server, else redirect.invalid (RFC 2606: never exists).
func redirectTarget(r *http.Request) string {
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		host, port = r.Host, ""
	}
	switch host {
	case "127.0.0.1":
		host = "localhost"
	case "localhost":
		host = "127.0.0.1"
	default:
		host = "redirect.invalid"
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	}
	u := url.URL{Scheme: "http", Host: host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	return u.String()
}
