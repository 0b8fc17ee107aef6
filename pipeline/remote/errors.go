package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// StatusError is an HTTP response with a failure status. RetryAfter is the
// wait the server asked for (0 when it did not say); Body is the start of
// the response body, for the error text.
type StatusError struct {
	Code       int
	RetryAfter time.Duration
	Body       string
}

// maxBodyText bounds the body quoted in StatusError.Error.
const maxBodyText = 200

// Error returns "HTTP 429: <body up to 200 bytes>".
func (e *StatusError) Error() string {
	body := strings.TrimSpace(e.Body)
	if len(body) > maxBodyText {
		body = body[:maxBodyText] + "…"
	}
	if body == "" {
		body = http.StatusText(e.Code)
	}
	return fmt.Sprintf("HTTP %d: %s", e.Code, body)
}

// MalformedError is a response body that could not be decoded: truncated,
// not JSON, or missing what every answer has. It is retryable: the next
// attempt usually gets a whole body.
type MalformedError struct {
	Err error
}

// Error describes the undecodable body.
func (e *MalformedError) Error() string {
	if e.Err == nil {
		return "malformed response"
	}
	return "malformed response: " + e.Err.Error()
}

// Unwrap returns the decoding error.
func (e *MalformedError) Unwrap() error { return e.Err }

// ParseRetryAfter reads a Retry-After header value: a number of seconds
// ("120", also a fraction such as "0.5") or an HTTP date, relative to now.
// It returns 0 when h is empty, unparseable or in the past.
func ParseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(h, 64); err == nil {
		if secs <= 0 || secs != secs || secs > 1e9 {
			return 0
		}
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// Retryable reports whether another attempt may succeed where err failed:
// HTTP 429, 408, 409 and 5xx; timeouts (an attempt's deadline, a network
// timeout); connections reset, refused or closed mid-response (EOF); and
// malformed bodies. A cancelled context and a refused redirect
// (*RedirectError) are never retryable.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || IsRedirectError(err) {
		return false
	}
	var se *StatusError
	if errors.As(err, &se) {
		switch {
		case se.Code == http.StatusTooManyRequests, se.Code == http.StatusRequestTimeout,
			se.Code == http.StatusConflict, se.Code >= 500 && se.Code <= 599:
			return true
		}
		return false
	}
	var me *MalformedError
	if errors.As(err, &me) {
		return true
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EPIPE):
		return true
	}
	// Transports do not always keep the cause in the chain.
	msg := err.Error()
	return strings.Contains(msg, "connection reset by peer") ||
		strings.Contains(msg, "server closed idle connection") ||
		strings.Contains(msg, "unexpected EOF")
}

// throttled reports whether err is a 429 from the server.
func throttled(err error) (*StatusError, bool) {
	var se *StatusError
	if errors.As(err, &se) && se.Code == http.StatusTooManyRequests {
		return se, true
	}
	return nil, false
}

// retryAfter returns the wait a StatusError in err asks for.
func retryAfter(err error) time.Duration {
	var se *StatusError
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	return 0
}
