package remote

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// MaxRedirects is the most redirects a remote caller follows for one
// request.
const MaxRedirects = 5

// RedirectError is a redirect a remote caller refused to follow: its target
// is not on the experiment's allow-list of URLs or, without an allow-list,
// leaves the origin (scheme, host and port) of the configured base URL. It
// is never retried: the same server would answer the same redirect. Its
// text names the target with its credentials redacted.
type RedirectError struct {
	// URL is the refused target (URL.Redacted form).
	URL string
	// Reason says why it was refused.
	Reason string
}

// Error returns "refused redirect to <url>: <reason>".
func (e *RedirectError) Error() string {
	return fmt.Sprintf("refused redirect to %s: %s", e.URL, e.Reason)
}

// RedirectPolicy returns an http.Client CheckRedirect function that checks
// every hop of a redirect chain before the redirected request is sent (so
// that no request body and no Authorization header reach an unchecked
// server). With allowed non-empty, each target must lie under one of the
// allowed base URLs (see URLAllowed); with no allow-list, a target must
// keep the origin (scheme, host and port) of base. At most MaxRedirects
// redirects are followed. A refusal is a *RedirectError.
func RedirectPolicy(base string, allowed []string) func(req *http.Request, via []*http.Request) error {
	origin := ""
	if u, err := url.Parse(strings.TrimSpace(base)); err == nil && u.Host != "" {
		origin = Origin(u)
	}
	return func(req *http.Request, via []*http.Request) error {
		target := req.URL.Redacted()
		if len(via) >= MaxRedirects {
			return &RedirectError{URL: target, Reason: fmt.Sprintf("more than %d redirects", MaxRedirects)}
		}
		if len(allowed) > 0 {
			if !URLAllowed(req.URL, allowed) {
				return &RedirectError{URL: target, Reason: "not on the experiment's allow-list of URLs (" + strings.Join(allowed, ", ") + ")"}
			}
			return nil
		}
		if origin == "" || Origin(req.URL) != origin {
			return &RedirectError{URL: target, Reason: "it leaves the origin of the configured URL (" + origin + "); list the target in the experiment's allow-list of URLs to follow it"}
		}
		return nil
	}
}

// IsRedirectError reports whether err is, or wraps, a refused redirect.
func IsRedirectError(err error) bool {
	var re *RedirectError
	return errors.As(err, &re)
}

// URLAllowed reports whether u lies under one of the allowed base URLs:
// same scheme and host (default ports dropped, case-insensitive) and a path
// that equals or extends the allowed path segment by segment
// (https://api.example.com/v1 allows https://api.example.com/v1/chat, not
// https://api.example.com/v10 nor https://api.example.com.evil.org).
func URLAllowed(u *url.URL, allowed []string) bool {
	scheme, host, path := normalURL(u)
	for _, a := range allowed {
		au, err := url.Parse(strings.TrimSpace(a))
		if err != nil || au.Host == "" {
			continue
		}
		as, ah, ap := normalURL(au)
		if as != scheme || ah != host {
			continue
		}
		if ap == "" || path == ap || strings.HasPrefix(path, ap+"/") {
			return true
		}
	}
	return false
}

// Origin returns u's scheme and host, lower case, with the default port of
// the scheme dropped: "https://api.example.com", "http://127.0.0.1:8080".
func Origin(u *url.URL) string {
	scheme, host, _ := normalURL(u)
	return scheme + "://" + host
}

// normalURL returns u's scheme and host (lower case, default port dropped)
// and its escaped path without a trailing slash.
func normalURL(u *url.URL) (scheme, host, path string) {
	scheme = strings.ToLower(u.Scheme)
	host = strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if p := u.Port(); p != "" && !(scheme == "https" && p == "443" || scheme == "http" && p == "80") {
		host += ":" + p
	}
	path = strings.TrimRight(u.EscapedPath(), "/")
	return scheme, host, path
}
