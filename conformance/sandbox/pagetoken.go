package sandbox

import (
	"encoding/base64"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// A pageToken is the cursor a list page hands out in next_page_url and
// previous_page_url. It is keyset paging: the token names the last call
// returned (or, going back, the last call of the page wanted), not an index,
// so a call whose annotation or state changes between pages neither shifts
// the others nor is seen twice. It also pins the instant the listing began,
// so that relative times (StartTime=4h) and processing states mean the same
// on every page, and carries a hash of the filters: a token is refused with
// other filters.
//
// On the wire it is base64url of "1|now|a or u|key time|key SID|page|hash",
// opaque to clients (Twilio's are too); nothing in it is secret.
type pageToken struct {
	now time.Time
	// after: the page starts after the key. Otherwise it ends at the key,
	// inclusive (a previous page).
	after   bool
	keyTime time.Time
	keySID  string
	page    int
	filter  uint64
}

const tokenVersion = "1"

var sidPattern = regexp.MustCompile(`^CA[0-9a-fA-F]{32}$`)

func (t pageToken) encode() string {
	dir := "u"
	if t.after {
		dir = "a"
	}
	raw := strings.Join([]string{tokenVersion, strconv.FormatInt(t.now.UnixNano(), 10), dir,
		strconv.FormatInt(t.keyTime.UnixNano(), 10), t.keySID, strconv.Itoa(t.page), strconv.FormatUint(t.filter, 16)}, "|")
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

var errBadToken = errors.New("PageToken is not a token this API issued")

// maxTokenLen is far above any token encode produces; longer input is not
// even decoded.
const maxTokenLen = 512

func decodePageToken(s string) (pageToken, error) {
	var t pageToken
	if len(s) > maxTokenLen {
		return t, errBadToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return t, errBadToken
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 7 || parts[0] != tokenVersion || (parts[2] != "a" && parts[2] != "u") || !sidPattern.MatchString(parts[4]) {
		return t, errBadToken
	}
	now, err1 := strconv.ParseInt(parts[1], 10, 64)
	key, err2 := strconv.ParseInt(parts[3], 10, 64)
	page, err3 := strconv.Atoi(parts[5])
	filter, err4 := strconv.ParseUint(parts[6], 16, 64)
	if err := errors.Join(err1, err2, err3, err4); err != nil || page < 0 || page > 1<<30 {
		return t, errBadToken
	}
	return pageToken{now: time.Unix(0, now).UTC(), after: parts[2] == "a", keyTime: time.Unix(0, key).UTC(),
		keySID: parts[4], page: page, filter: filter}, nil
}

// pagingParams are the list's query parameters that are not filters.
var pagingParams = []string{"PageSize", "Page", "PageToken"}

// filterQuery returns the query without its paging parameters: what a
// token is bound to and what every page URL repeats.
func filterQuery(q url.Values) url.Values {
	out := make(url.Values, len(q))
	for k, v := range q {
		out[k] = v
	}
	for _, k := range pagingParams {
		delete(out, k)
	}
	return out
}

// filterHash identifies the filters of a listing. url.Values.Encode sorts
// the keys, so the order the client wrote them in does not matter; the order
// of a list's items does.
func filterHash(filters url.Values) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(filters.Encode())) // a hash.Hash never fails
	return h.Sum64()
}

// checkToken decodes s and checks that it was issued for filters.
func checkToken(s string, filters url.Values) (pageToken, error) {
	t, err := decodePageToken(s)
	if err != nil {
		return t, &invalidParameterError{err.Error()}
	}
	if t.filter != filterHash(filters) {
		return t, &invalidParameterError{fmt.Sprintf("PageToken was issued for other filters (page %d of another listing)", t.page)}
	}
	return t, nil
}
