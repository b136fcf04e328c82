package sandbox

import (
	"net/http"
	"strconv"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// Twilio error codes the sandbox answers with.
const (
	codeInvalidParameter = 20001
	codeAuthenticate     = 20003
	codeMethodNotAllowed = 20004
	codeNotFound         = 20404
	codeTooManyRequests  = 20429
	codeInternalError    = 20500
	codeUnavailable      = 20503
)

// twilioErrorBody is Twilio's error body, fields in the order Twilio sends
// them (code, message, more_info, status).
func twilioErrorBody(status, code int, message string) []byte {
	body, _ := wirejson.Marshal(gen.Error{
		Code:     &code,
		Message:  &message,
		MoreInfo: new("https://www.twilio.com/docs/errors/" + strconv.Itoa(code)),
		Status:   &status,
	}) // cannot fail: only strings and ints
	return body
}

// writeTwilioError writes Twilio's JSON error body with its status.
func writeTwilioError(w http.ResponseWriter, status, code int, message string) {
	writeJSON(w, status, twilioErrorBody(status, code, message))
}

// writeJSON writes body as it is, declaring its length: never re-encoded.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client may be gone; nothing to do about it
}

// notFound answers like Twilio for an unknown SID or path.
func notFound(w http.ResponseWriter, r *http.Request) {
	writeTwilioError(w, http.StatusNotFound, codeNotFound,
		"The requested resource "+r.URL.EscapedPath()+" was not found")
}

func unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
	writeTwilioError(w, http.StatusUnauthorized, codeAuthenticate, "Authenticate")
}
