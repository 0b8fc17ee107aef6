// Package tickets generates the synthetic customer-support tickets that poc
// ships as its second offline example (experiments/data/support-tickets.jsonl,
// replayed by experiments/support-triage.yaml): should an LLM route incoming
// tickets instead of the first-line agents?
//
// The tickets are written to a smart-home company (cameras, thermostats and
// sensors with a cloud subscription) and belong to one of five queues —
// billing, technical, account, shipping, cancellation — in realistic
// proportions. Bodies are assembled from varied phrasings per queue; some
// mention a second topic (so keyword rules half-work), some carry typos, and a
// realistic share carry personal data — e-mail addresses, phone numbers, IBANs
// with valid mod-97 check digits and card numbers with valid Luhn digits — for
// the privacy feature to pseudonymise. The agents' recorded routing agrees
// with the true queue about 85% of the time, confusing plausible pairs.
//
// Generation is deterministic: the same n and seed give the same tickets and,
// through WriteJSONL, the same file bytes. The package never reads the clock or
// iterates over maps.
//
// This package is a data generator only: it imports the standard library and
// nothing else; it must never import pipeline, metrics, baselines or anything
// else under internal/.
package tickets
