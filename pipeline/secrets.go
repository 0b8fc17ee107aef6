package pipeline

import (
	"sort"
	"strings"
)

// SecretHolder is implemented by pipelines and metrics that use configured
// secret values: API keys, header values read from the environment, bearer
// tokens. Secrets returns those values (possibly none), so that whatever
// records a text from the pipeline — the response cache, an output's Raw,
// the run's journal, the report — can replace them with ScrubSecrets. It is
// safe for concurrent use and may be called before the first Predict.
type SecretHolder interface {
	Secrets() []string
}

// SecretPlaceholder is what ScrubSecrets writes in place of a secret.
const SecretPlaceholder = "[secret]"

// MinSecretLen is the shortest value ScrubSecrets replaces: shorter ones
// ("", "1", "on") would mangle ordinary text and protect nothing.
const MinSecretLen = 4

// ScrubSecrets returns s with every occurrence of each secret of at least
// MinSecretLen bytes replaced by SecretPlaceholder. Longer secrets are
// replaced first, so that a secret containing another ("Bearer abcd" and
// "abcd") leaves no part of itself behind.
func ScrubSecrets(s string, secrets []string) string {
	if s == "" || len(secrets) == 0 {
		return s
	}
	var use []string
	for _, sec := range secrets {
		if len(sec) >= MinSecretLen && strings.Contains(s, sec) {
			use = append(use, sec)
		}
	}
	if len(use) == 0 {
		return s
	}
	sort.SliceStable(use, func(i, j int) bool { return len(use[i]) > len(use[j]) })
	for _, sec := range use {
		s = strings.ReplaceAll(s, sec, SecretPlaceholder)
	}
	return s
}

// Subprocess is implemented by pipelines and metrics that start programs:
// Environ is the programs' whole environment (KEY=value), so that the
// loader can warn when it hands a program a configured secret.
type Subprocess interface {
	Environ() []string
}

// SecretsIn returns the variables of environ (KEY=value) whose value is
// one of secrets, sorted as environ is.
func SecretsIn(environ, secrets []string) []string {
	var out []string
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || len(v) < 4 {
			continue
		}
		for _, s := range secrets {
			if v == s || len(s) >= 8 && strings.Contains(v, s) {
				out = append(out, k)
				break
			}
		}
	}
	return out
}
