package remote

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRedirectPolicy(t *testing.T) {
	cases := []struct {
		name    string
		base    string
		allowed []string
		target  string
		via     int
		ok      bool
	}{
		{"same origin, no allow-list", "https://api.example.com/v1", nil, "https://api.example.com/v2/chat", 1, true},
		{"default port is the same origin", "https://api.example.com/v1", nil, "https://API.example.com:443/v1/x", 1, true},
		{"other host, no allow-list", "https://api.example.com/v1", nil, "https://evil.example.org/v1", 1, false},
		{"other port, no allow-list", "http://127.0.0.1:8080/v1", nil, "http://127.0.0.1:8081/v1", 1, false},
		{"scheme downgrade, no allow-list", "https://api.example.com/v1", nil, "http://api.example.com/v1", 1, false},
		{"on the allow-list", "https://a.example.com/v1", []string{"https://a.example.com/v1", "https://b.example.com/"}, "https://b.example.com/x", 1, true},
		{"under an allowed path", "https://a.example.com/v1", []string{"https://a.example.com/v1"}, "https://a.example.com/v1/chat", 1, true},
		{"outside the allowed path", "https://a.example.com/v1", []string{"https://a.example.com/v1"}, "https://a.example.com/v10/chat", 1, false},
		{"same origin but not allowed", "https://a.example.com/v1", []string{"https://a.example.com/v1"}, "https://a.example.com/admin", 1, false},
		{"suffix host is not the host", "https://a.example.com", []string{"https://a.example.com"}, "https://a.example.com.evil.org/", 1, false},
		{"too many redirects", "https://a.example.com", nil, "https://a.example.com/x", MaxRedirects, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u, err := url.Parse(c.target)
			if err != nil {
				t.Fatal(err)
			}
			via := make([]*http.Request, c.via)
			err = RedirectPolicy(c.base, c.allowed)(&http.Request{URL: u}, via)
			if (err == nil) != c.ok {
				t.Fatalf("RedirectPolicy(%q, %q)(%q) = %v, want ok %v", c.base, c.allowed, c.target, err, c.ok)
			}
			if err != nil {
				var re *RedirectError
				if !errors.As(err, &re) || !strings.Contains(err.Error(), u.Redacted()) {
					t.Errorf("error %v: want a *RedirectError naming %s", err, u.Redacted())
				}
				if Retryable(&url.Error{Op: "Post", URL: c.base, Err: err}) {
					t.Errorf("a refused redirect must not be retryable")
				}
			}
		})
	}
}

func TestRedirectErrorRedactsCredentials(t *testing.T) {
	u, _ := url.Parse("https://user:hunter2@evil.example.org/x")
	err := RedirectPolicy("https://api.example.com", nil)(&http.Request{URL: u}, nil)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("err = %v: want a refusal without the password", err)
	}
}
