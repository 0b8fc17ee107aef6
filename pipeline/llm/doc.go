// Package llm is the `type: llm` pipeline: a prompt sent to a chat-completions
// API (OpenAI or any compatible server — Azure OpenAI, Ollama, vLLM) for each
// record, its answer parsed into a label, a number, text or a JSON object.
//
// It is built to replay tens of thousands of records overnight against a
// hosted model without losing a paid response (every answer is put in the
// cache before it is parsed), without overspending (token estimates for the
// budget, client-side rate limits, adaptive concurrency) and without leaking
// customer data (messages are pseudonymised through the experiment's Privacy
// before they leave, the API key never appears in errors, answers, cache keys
// or values).
//
// Redirects are followed only to the experiment's allow-list of URLs or,
// without one, within base_url's origin (remote.RedirectPolicy); every hop
// is checked before the request body and the key are sent, and a refused
// redirect fails the record's prediction without a retry.
//
// It imports only pipeline, datasets, pipeline/remote and third-party
// libraries (go-openai, tiktoken-go); it must never import anything under
// internal/.
package llm
