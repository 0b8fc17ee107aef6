// Package httpmodel registers the pipeline type "http": a model served over
// HTTP. For each record it renders a JSON request body from a template of
// record fields, sends it (POST by default) and picks the label and score out
// of the JSON response by dotted paths.
//
//	type: http
//	url: https://models.internal/fraud/v3/predict
//	headers: {Authorization: "Bearer ${MODEL_TOKEN}"}
//	body:                      # a mapping; string values are Go text/templates over record fields
//	  amount: "{{.amount}}"    # exactly one action naming a field keeps the field's type (a number stays a number)
//	  text: "{{.country}}/{{.channel}}"
//	label: prediction.label    # dotted paths with [i] indexes into the response
//	score: prediction.score
//	threshold: 0.62            # with score and no label: score >= threshold is the positive class
//	concurrency: 8             # calls in flight (default 4)
//	requests_per_minute: 600
//	timeout: 5s                # per attempt (default 60s)
//	retries: 3                 # on 429, 5xx, timeouts, malformed bodies (default 4; 0 = none)
//	cost_per_call: 0.0002
//	expected_latency: 120ms    # for `poc plan` (default 1s)
//
// Instead of body, body_template is raw text producing JSON, with a json
// function that encodes a value safely: {"text": {{json .subject}}}.
//
// Header values (which hold secrets) never enter the cache key, error texts
// or outputs. With the experiment's privacy on, the string values of the
// rendered body are pseudonymised per record and the answer's strings
// restored; the cache key is computed from the pseudonymised body, so no
// personal data is kept in it.
//
// Redirects are followed only to the experiment's allow-list of URLs or,
// without one, within the url's origin (remote.RedirectPolicy); a refused
// redirect fails the record's prediction without a retry.
//
// This package imports only pipeline, pipeline/remote, datasets and the
// standard library.
package httpmodel
