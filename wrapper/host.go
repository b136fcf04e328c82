package callsummary

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// DefaultBaseURL is the global Insights host (US1, through the ashburn edge).
const DefaultBaseURL = "https://insights.twilio.com"

// defaultEdges maps a region to the edge Twilio's SDKs pick when only the
// region is given (twilio-java's table).
var defaultEdges = map[string]string{
	"au1": "sydney",
	"br1": "sao-paulo",
	"ie1": "dublin",
	"de1": "frankfurt",
	"jp1": "tokyo",
	"jp2": "osaka",
	"sg1": "singapore",
	"us1": "ashburn",
	"us2": "umatilla",
}

// knownRegions lists the regions with a default edge, each with it.
func knownRegions() string {
	regions := slices.Sorted(maps.Keys(defaultEdges))
	for i, r := range regions {
		regions[i] = r + ": " + defaultEdges[r]
	}
	return strings.Join(regions, ", ")
}

// DefaultEdge returns the edge used for region when no edge is given, and
// whether the region has one.
func DefaultEdge(region string) (string, bool) {
	e, ok := defaultEdges[strings.ToLower(region)]
	return e, ok
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// regionalBaseURL applies Twilio's host rule:
//
//	region and edge  https://insights.{edge}.{region}.twilio.com
//	region only      the edge is DefaultEdge(region); an unknown region is an error
//	edge only        the region is us1
//	neither          DefaultBaseURL
//
// The legacy form insights.{region}.twilio.com is never produced: Twilio
// retired it on 2026-04-28.
func regionalBaseURL(region, edge string) (string, error) {
	region, edge = strings.ToLower(region), strings.ToLower(edge)
	if region == "" && edge == "" {
		return DefaultBaseURL, nil
	}
	for _, p := range [][2]string{{"region", region}, {"edge", edge}} {
		if p[1] != "" && !dnsLabel.MatchString(p[1]) {
			return "", fmt.Errorf("callsummary: %s %q is not a DNS label (want lower-case letters, digits and '-')", p[0], p[1])
		}
	}
	if edge == "" {
		e, ok := defaultEdges[region]
		if !ok {
			return "", fmt.Errorf("callsummary: region %q is not one whose default edge this SDK knows (%s); give its edge too", region, knownRegions())
		}
		edge = e
	}
	if region == "" {
		region = "us1"
	}
	return "https://insights." + edge + "." + region + ".twilio.com", nil
}

// checkBaseURL accepts https URLs, and http only for a loopback host, so that
// credentials never cross a network in clear text. User info, a query or a
// fragment are refused: they would be sent, or printed, with every request.
func checkBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole input, password included: keep only
		// the reason.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return "", fmt.Errorf("callsummary: base URL is not a URL: %w", err)
	}
	// Errors show the URL without user info, query or fragment, which may
	// hold a password or a token.
	shown := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
	switch {
	case u.Host == "":
		return "", fmt.Errorf("callsummary: base URL %q has no host", shown)
	case u.User != nil:
		return "", fmt.Errorf("callsummary: base URL %q must not carry user info: use WithCredentials or WithAPIKey", shown)
	case u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("callsummary: base URL %q must not have a query or fragment", shown)
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		return "", fmt.Errorf("callsummary: base URL %q must use https (http is allowed only for loopback hosts)", shown)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// isLoopback reports whether host is localhost, 127.0.0.0/8 or ::1.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
