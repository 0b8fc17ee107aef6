// Package llmtest is an in-process, OpenAI-compatible chat-completions server
// for tests anywhere in the repository: it answers with proper usage token
// counts, and injects latency and faults (429 with or without Retry-After,
// 5xx, hangs, malformed and truncated bodies) so that retry, rate-limit,
// cache and privacy behaviour can be tested without calling a provider.
// NewServer serves it for a test; New gives the bare http.Handler, which
// bench/llmserver serves as a process of its own for benchmarks through the
// binary.
//
// It imports the standard library, testing helpers and go-openai's types
// only; it must never import anything under internal/.
package llmtest
