package pipeline

import "testing"

func TestScrubSecrets(t *testing.T) {
	cases := []struct {
		name    string
		s       string
		secrets []string
		want    string
	}{
		{"no secrets", "hello sk-123456", nil, "hello sk-123456"},
		{"one secret, twice", "key sk-123456 and sk-123456.", []string{"sk-123456"}, "key [secret] and [secret]."},
		{"short values are left alone", "on and off", []string{"on", "", "off"}, "on and off"},
		{"exactly four bytes", "pin abcd", []string{"abcd"}, "pin [secret]"},
		{"longest first", "Authorization: Bearer tok-9999", []string{"tok-9999", "Bearer tok-9999"}, "Authorization: [secret]"},
		{"several", "a=AAAA b=BBBBB", []string{"AAAA", "BBBBB"}, "a=[secret] b=[secret]"},
		{"absent", "nothing here", []string{"sk-123456"}, "nothing here"},
		{"empty text", "", []string{"sk-123456"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ScrubSecrets(c.s, c.secrets); got != c.want {
				t.Errorf("ScrubSecrets(%q, %q) = %q, want %q", c.s, c.secrets, got, c.want)
			}
		})
	}
}
