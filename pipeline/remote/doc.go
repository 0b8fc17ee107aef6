// Package remote is the shared client machinery of the pipelines that call a
// network service per record (the llm and HTTP-model pipelines): a Caller
// that bounds the calls in flight with an adaptive (AIMD) limit, paces them
// with requests-per-minute and tokens-per-minute limiters, gives every
// attempt its own timeout, and retries what is worth retrying with
// exponential backoff and full jitter, honouring Retry-After.
//
// Settings (and ModelSettings, for a chat model) are the configuration keys
// every remote caller shares, with their validation and the Policy they
// ask for; the llm and http pipelines and the llm_judge metric embed them
// with `yaml:",inline"`, so that the keys are declared once.
//
// The error vocabulary (StatusError, MalformedError, Retryable,
// ParseRetryAfter) lets each pipeline classify its transport's failures once
// and leave the policy here.
//
// This package imports only the standard library and golang.org/x/time/rate;
// it must never import pipeline, datasets or anything under internal/.
package remote
