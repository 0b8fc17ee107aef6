// Package exec registers the pipeline type "exec": a model in any language,
// run as long-lived subprocesses that speak JSON lines on stdin and stdout.
//
//	type: exec
//	command: [python3, model.py]   # relative program paths containing a slash resolve against the experiment folder
//	fields: [amount, country]      # columns sent (default: all)
//	processes: 2                   # pool size (default 1)
//	timeout: 10s                   # per record (default 10s)
//	env: {MODEL_DIR: models}       # environment variables set to these values
//	pass_env: [HF_TOKEN]           # variables of poc's environment passed through by name
//	threshold: 0.5                 # score >= threshold gives the positive class when the answer has only a score
//	cost_per_record: 0.0001
//
// # Environment
//
// A process does not inherit poc's environment, which holds the API keys of
// the other pipelines (OPENAI_API_KEY, POC_LLM_API_KEY). It gets only PATH,
// HOME, LANG, LC_ALL, LC_CTYPE, TZ and TMPDIR (those set), the variables
// named by pass_env (those set) and the values of env, which win.
//
// # Protocol
//
// The working directory of each process is the experiment file's folder.
// For every record poc writes one line to the process's stdin:
//
//	{"id":"17","record":{"amount":120.5,"country":"FR"}}
//
// and the process answers with one line on stdout per request, in any order
// (a process may work on several requests at once), carrying the same id:
//
//	{"id":"17","label":"1","score":0.83,"text":"...","fields":{...},"error":"..."}
//
// Every answer key but id is optional. A non-empty "error" fails that record.
// A label may be a string, number or boolean (canonicalised as
// datasets.FormatValue does). When an answer has a score but no label and a
// threshold is set, the label is the dataset's positive class if score >=
// threshold, else the other class of a two-class label ("0" when the
// classes are not known). Anything the process writes to stderr is kept (the
// last few kilobytes) for error messages. When stdin is closed, the process
// should exit; it is killed 2 seconds later otherwise.
//
// # Failures
//
// A process that exits fails its in-flight records with an error naming the
// exit status and the tail of its stderr, and is started again for later
// records. A record that gets no answer within the timeout fails, and its
// process is killed and started again; until a process has written its
// first line, its records get 30 seconds more (start-up: loading a model). An answer line that is not JSON, or
// carries an unknown id, fails the one request it can be attributed to (the
// only one in flight); otherwise it is counted (ProtocolErrors) and the
// process is restarted.
//
// This package imports only pipeline, datasets and the standard library.
package exec
