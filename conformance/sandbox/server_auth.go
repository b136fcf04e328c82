package sandbox

import (
	"crypto/subtle"
	"net/http"
)

// authorized reports whether the request carries credentials the sandbox
// accepts: the account pair, or the API key pair if one is configured. Every
// comparison runs whatever the outcome, so timing says nothing about which
// part was wrong.
func (c *serverConfig) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}
	account := equal(user, c.accountSID) & equal(pass, c.authToken)
	key := 0
	if c.keySID != "" {
		key = equal(user, c.keySID) & equal(pass, c.keySecret)
	}
	return account|key == 1
}

func equal(a, b string) int {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b))
}
