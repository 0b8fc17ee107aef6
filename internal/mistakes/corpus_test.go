package mistakes

import (
	"fmt"
	"strings"
	"testing"
)

// The corpus. Each case names the mistake; its expectations are what a user
// must see. Exit codes: 0 ran or valid, 2 refused before anything ran.
var corpus = []mistake{
	{name: "base experiment is valid", want: []string{"valid — 2 pipelines (1 candidate)"}},
	{name: "base experiment runs to GO", run: true, clean: true, verdict: "GO",
		report: []string{"Every data check passed on the replayed records: text is valid UTF-8 without NUL bytes, numbers are finite, ids are unique, times parse and every record has a label."}},
	{name: "a dataset without id or time columns is not said to have unique ids or times that parse", edit: []string{"  id: id\n", "", "  time: created_at\n", ""},
		run: true, clean: true, verdict: "GO",
		report: []string{"Every data check passed on the replayed records: text is valid UTF-8 without NUL bytes, numbers are finite and every record has a label."}},

	// Labels the data does not hold.
	{name: "positive class misspelt", edit: []string{"label: is_fraud\n", "label: is_fraud\n  positive: yes\n"},
		code: 2, want: []string{"experiment.yaml:10:13", "dataset.positive", `"yes"`}},
	{name: "rule output not a class", edit: []string{"output: 1}", "output: fraud}"},
		code: 2, want: []string{"experiment.yaml:21:40", `"fraud" is not a class of the label column, which holds "0", "1"`}},
	{name: "rule output a mapping", edit: []string{"output: 1}", "output: {a: 1}}"},
		code: 2, want: []string{"experiment.yaml:21:40", "a label value"}},
	{name: "rule default is the word default", edit: []string{"default: 0", "default: default"},
		code: 2, want: []string{"experiment.yaml:22:14", `"default" is not a class`}},
	{name: "class_recall class misspelt", edit: []string{"metrics: [accuracy, recall, roc_auc]", "metrics: [accuracy, recall, roc_auc, {name: r1, type: class_recall, class: \"l\"}]"},
		code: 2, want: []string{"experiment.yaml:23:76", "metrics[3].class"}},
	{name: "constant floor outputs a class the data lacks", edit: []string{"metrics:", "  - {name: floor, role: baseline, type: constant, output: \"no\"}\nmetrics:"},
		code: 2, want: []string{"experiment.yaml:23:59", "pipelines[2].output"}},
	{name: "positive written as 1.0 is the class 1", edit: []string{"label: is_fraud\n", "label: is_fraud\n  positive: \"1.0\"\n"},
		want: []string{"valid"}},
	{name: "the common class written as positive is a warning", edit: []string{"label: is_fraud\n", "label: is_fraud\n  positive: \"0\"\n"},
		want: []string{"valid", "data check positive_majority: the positive class 0 is", "usually the rarer class"}},
	{name: "the common class as positive, said on purpose", edit: []string{"label: is_fraud\n", "label: is_fraud\n  positive: \"0\"\n  checks: {positive_majority: off}\n"},
		want: []string{"valid"}, absent: []string{"positive_majority"}},

	// Names for coded classes.
	{name: "label_names naming a class the data lacks", edit: []string{"label: is_fraud\n", "label: is_fraud\n  label_names: {0: legitimate, 2: fraud}\n"},
		code: 2, want: []string{"dataset.label_names.2", `"2" is not a class of the label column`}},
	{name: "label_names show in the report", edit: []string{"label: is_fraud\n", "label: is_fraud\n  label_names: {0: legitimate, 1: fraud}\n"},
		run: true, verdict: "GO", clean: true, report: []string{"Positive class:** fraud (1)", "legitimate `0`"}},
	{name: "two classes with one name", edit: []string{"label: is_fraud\n", "label: is_fraud\n  label_names: {0: fraud, 1: fraud}\n"},
		code: 2, want: []string{"dataset.label_names.1", `"fraud" already names class "0"`}},

	// Today's process.
	{name: "incumbent misspelt", edit: []string{"  volume_per_year: 100000\n", "  volume_per_year: 100000\n  incumbent: rules\n"},
		code: 2, want: []string{"use_case.incumbent", `pipeline "rules" is not defined`, `did you mean "rule"?`}},
	{name: "incumbent is the candidate", edit: []string{"  volume_per_year: 100000\n", "  volume_per_year: 100000\n  incumbent: model\n"},
		code: 2, want: []string{"use_case.incumbent", "today's process is a baseline"}},
	{name: "two baselines, none named today's process, with a yearly value", edit: []string{"replace the amount rule?", "go live?",
		"metrics:", "  - {name: floor, role: baseline, type: constant, output: 0}\nmetrics:"},
		code: 2, want: []string{"experiment.yaml:4:3: use_case.incumbent", "2 baselines (rule, floor)", "incumbent: rule"}},
	{name: "two baselines, none named today's process, no yearly value, warn", edit: []string{"replace the amount rule?", "go live?",
		"  volume_per_year: 100000\n", "", "metrics:", "  - {name: floor, role: baseline, type: constant, output: 0}\nmetrics:"},
		want: []string{"warning: use_case.incumbent", "2 baselines (rule, floor)", "incumbent: rule"}},

	// Pipelines that see the answer.
	{name: "a rule reading the label is refused", edit: []string{"when: 'amount > 700'", "when: 'is_fraud == 1 || amount > 700'"},
		code: 2, want: []string{"experiment.yaml:21:16", `reads the label column "is_fraud"`}},
	{name: "a column baseline that outputs the label is refused", edit: []string{"metrics:", "  - {name: oracle, role: baseline, type: column, column: is_fraud}\nmetrics:"},
		code: 2, want: []string{"pipelines[2].column", `"is_fraud" is the label column`}},

	// A giant value.
	{name: "a 2 MiB value is a bad row naming its line", data: func(t table) { t.set(3, "text", strings.Repeat("x", 2<<20)) },
		code: 2, want: []string{"data.csv:5", `column "text"`, "max_field_bytes"}},
	{name: "a 2 MiB value is read when max_field_bytes allows it", data: func(t table) { t.set(3, "text", strings.Repeat("x", 2<<20)) },
		edit: []string{"label: is_fraud\n", "label: is_fraud\n  max_field_bytes: 4000000\n"}, want: []string{"valid"}},

	// Thin evidence.
	{name: "four records give no GO", rows: 4, run: true, verdict: "INCONCLUSIVE", want: []string{"about 26 more records would likely settle it (the minimum of 30 records a criterion is judged on)"}},
	{name: "twenty records give no GO", rows: 20, run: true, verdict: "INCONCLUSIVE"},

	{name: "a decisive paired win is evidence, not a zero-width interval", data: func(t table) {
		for i := 1; i < len(t); i++ {
			t[i][t.col("score")] = map[string]string{"0": "0.1", "1": "0.9"}[t[i][t.col("is_fraud")]]
		}
	}, edit: []string{"when: 'amount > 700'", "when: 'amount > 100000'",
		baseCriteria, "criteria:\n  - {metric: recall, pipeline: model, better_than: rule, by: 0.5, must: true}\n"},
		run: true, verdict: "GO", clean: true, want: []string{"PASS", "+100.0 pp [+92.9 pp, +100.0 pp]"}, report: []string{"paired exact"}},
	{name: "plan on twenty records warns that nothing can be judged", rows: 20, args: []string{}, plan: true,
		want: []string{"only 20 records to replay, fewer than the 30 a criterion is judged on"}},
	// Pipelines that fail.
	{name: "a rule comparing text with a number", edit: []string{"when: 'amount > 700'", "when: 'text > 700'"},
		code: 2, want: []string{"experiment.yaml:21:16", `column "text", which holds text values, with the number constant 700`}},
	{name: "baseline rule with a type error fails every record", edit: []string{"when: 'amount > 700'", "when: 'amount > created_at'"},
		run: true, verdict: "INCONCLUSIVE", want: []string{"rule failed on 400"}},
	{name: "candidate fails on NaN scores", data: func(t table) {
		for i := range 20 {
			t.set(i*7, "score", "NaN")
		}
	}, run: true, verdict: "INCONCLUSIVE", want: []string{"model failed on 20"}},

	// Data checks.
	{name: "duplicate ids warn", data: func(t table) { t.set(5, "id", "T0001") },
		run: true, verdict: "GO", want: []string{"warning: data check duplicate_ids", `column "id"`, "first at line 7"},
		report: []string{"duplicate_ids in id", "Read with care"}},
	{name: "duplicate ids as an error refuse the run", data: func(t table) { t.set(5, "id", "T0001") },
		edit: []string{"time: created_at\n", "time: created_at\n  checks: {duplicate_ids: error}\n"},
		run:  true, code: 2, want: []string{"cannot start the run", `column "id"`, "dataset.checks.duplicate_ids is error"}},
	{name: "duplicate ids as an error fail validate", data: func(t table) { t.set(5, "id", "T0001") },
		edit: []string{"time: created_at\n", "time: created_at\n  checks: {duplicate_ids: error}\n"},
		code: 2, want: []string{"1 data check failed"}},
	{name: "invalid UTF-8 warns", data: func(t table) { t.set(3, "text", "caf\xe9 cr\xe8me") },
		want: []string{"warning: data check invalid_utf8", `column "text"`}},
	{name: "NUL byte warns", data: func(t table) { t.set(3, "text", "card\x00payment") },
		want: []string{"warning: data check nul_bytes"}},
	{name: "unparseable time warns", data: func(t table) { t.set(8, "created_at", "31/01/2026") },
		want: []string{"warning: data check bad_times", `"31/01/2026"`}},
	{name: "empty labels warn", data: func(t table) { t.set(8, "is_fraud", ""); t.set(9, "is_fraud", "") },
		want: []string{"warning: data check empty_labels", "2 of 400 records"}},
	{name: "one class written two ways turns a binary label into three classes", data: func(t table) {
		for i := 1; i < len(t); i++ {
			t[i][t.col("is_fraud")] = map[string]string{"0": "legit", "1": "fraud"}[t[i][t.col("is_fraud")]]
		}
		t.set(8, "is_fraud", "Fraud")
	}, edit: []string{"label: is_fraud\n", "label: is_fraud\n  positive: fraud\n", "output: 1}", "output: fraud}", "default: 0", "default: legit"},
		code: 2, want: []string{"warning: data check label_spellings", `"Fraud" beside "fraud"`, "experiment.yaml:16:12", "set `negative:`"}},
	{name: "N/A in a 0/1 label is a missing label", data: func(t table) { t.set(8, "is_fraud", "N/A") },
		want: []string{"warning: data check empty_labels", "first at line 10"}},
	{name: "N/A in a text label is a placeholder, not a class", data: func(t table) {
		for i := 1; i < len(t); i++ {
			t[i][t.col("is_fraud")] = map[string]string{"0": "legit", "1": "fraud"}[t[i][t.col("is_fraud")]]
		}
		t.set(8, "is_fraud", "N/A")
	}, edit: []string{"label: is_fraud\n", "label: is_fraud\n  positive: fraud\n", "output: 1}", "output: fraud}", "default: 0", "default: legit"},
		code: 2, want: []string{"warning: data check placeholder_labels", `e.g. "N/A"`, "the label holds 3 classes"}},
	{name: "data check misspelt", edit: []string{"time: created_at\n", "time: created_at\n  checks: {duplicate_id: error}\n"},
		code: 2, want: []string{"experiment.yaml:11:12", `did you mean "duplicate_ids"?`}},
	{name: "data check severity misspelt", edit: []string{"time: created_at\n", "time: created_at\n  checks: {duplicate_ids: eror}\n"},
		code: 2, want: []string{"experiment.yaml:11:27", `did you mean "error"?`}},
	{name: "a data check turned off says nothing", data: func(t table) { t.set(8, "created_at", "31/01/2026") },
		edit: []string{"time: created_at\n", "time: created_at\n  checks: {bad_times: off}\n"}, want: []string{"valid"}},

	// Thin evidence and degenerate intervals.
	{name: "five identical records give no GO on a Brier score", rows: 5, data: func(t table) {
		for i := range 5 {
			t.set(i, "is_fraud", "1")
			t.set(i, "score", "0.9")
		}
	}, edit: []string{baseCriteria, "criteria:\n  - {metric: brier_score, pipeline: model, at_most: 0.05, must: true}\n",
		"default: 0", "default: 1", "metrics: [accuracy, recall, roc_auc]", "metrics: [accuracy, brier_score]"},
		run: true, verdict: "INCONCLUSIVE"},
	{name: "all-correct expression share gets a Wilson interval", edit: []string{
		"metrics: [accuracy, recall, roc_auc]", "metrics: [accuracy, recall, roc_auc, {name: flagged_ok, type: expr, value: 'label == label', aggregate: rate}]",
		baseCriteria, "criteria:\n  - {metric: flagged_ok, pipeline: model, at_least: 0.995, must: true}\n"},
		run: true, verdict: "INCONCLUSIVE", want: []string{"100.0% [99.0%, 100.0%]"}},
	{name: "p99 latency on too few records is inconclusive with advice", edit: []string{
		"    threshold: 0.5\n", "    threshold: 0.5\n    latency: amount\n",
		baseCriteria, "criteria:\n  - {metric: latency_p99, pipeline: model, at_most: 2000, must: true}\n",
		"metrics: [accuracy, recall, roc_auc]", "metrics: [accuracy, recall, roc_auc, latency_p99]"},
		rows: 200, run: true, verdict: "INCONCLUSIVE", want: []string{"more records would likely settle it"}},

	// validate is the preflight.
	{name: "AUC of a pipeline without scores", edit: []string{"pipeline: model, at_least: 0.8", "pipeline: rule, at_least: 0.8"},
		code: 2, want: []string{"experiment.yaml:26:5", `reads score, but pipeline "rule" (type rules) gives only label`}},
	{name: "a row that does not parse with on_bad_row: error", data: func(t table) { t[30] = append(t[30], "extra") },
		code: 2, want: []string{"experiment.yaml:7:9", "data.csv:31: wrong number of fields", "on_bad_row: skip"}},
	{name: "a row that does not parse with on_bad_row: skip is counted", data: func(t table) { t[30] = append(t[30], "extra") },
		edit: []string{"time: created_at\n", "time: created_at\n  on_bad_row: skip\n"},
		run:  true, verdict: "GO", want: []string{"warning: data check bad_rows: 1 of 400 rows could not be read", "data.csv:31"},
		report: []string{"Skipped bad rows:** 1", "bad_rows"}},
	{name: "a filter that fails on the data", edit: []string{"time: created_at\n", "time: created_at\n  filter: 'channel > 5'\n"},
		code: 2, want: []string{"experiment.yaml:11:11", "dataset.filter"}},
	{name: "a threshold that is not a number", edit: []string{"threshold: 0.5", "threshold: .nan"},
		code: 2, want: []string{"experiment.yaml:16:16", "must be a number, got NaN"}},
	{name: "absurd resamples", edit: []string{"resamples: 300", "resamples: 1e12"},
		code: 2, want: []string{"experiment.yaml:29:26", "resamples must be at most 100000"}},
	{name: "absurd concurrency on the command line", run: true, args: []string{"--concurrency", "100000000"},
		code: 2, want: []string{"--concurrency must be between 1 and 4096"}},
	{name: "confidence written as a percentage number", edit: []string{"bootstrap: {resamples: 300, seed: 3}", "bootstrap: {resamples: 300, seed: 3}\n  confidence: 95"},
		code: 2, want: []string{"experiment.yaml:30:15", "confidence must be above 0.5 and below 1"}},
	{name: "a failure rate above one", edit: []string{"bootstrap: {resamples: 300, seed: 3}", "bootstrap: {resamples: 300, seed: 3}\n  max_failure_rate: 2"},
		code: 2, want: []string{"experiment.yaml:30:21", "max_failure_rate is a share between 0 and 1"}},
	{name: "a rate threshold written as a percentage number", edit: []string{"at_least: 0.6", "at_least: 60"},
		code: 2, want: []string{"experiment.yaml:25:49", "a threshold of 60 can never be crossed", "write a share as 0.30 or 30%"}},
	{name: "the dataset file is missing", edit: []string{"path: data.csv", "path: dta.csv"},
		code: 2, want: []string{"experiment.yaml:7:9", "dta.csv"}},
	{name: "the dataset has a header and no rows", files: map[string]string{"data.csv": "id,text,channel,amount,created_at,score,split,is_fraud\n"},
		run: true, code: 2, want: []string{"experiment.yaml:7:9", "the dataset has no records"}},
	{name: "a filter that keeps nothing", edit: []string{"time: created_at\n", "time: created_at\n  filter: 'channel == \"Web\"'\n"},
		code: 2, want: []string{"experiment.yaml:11:11", "the filter keeps none of the dataset's records"}},

	// Names that do not exist.
	{name: "label column misspelt", edit: []string{"label: is_fraud", "label: is_frad"},
		code: 2, want: []string{"experiment.yaml:9:10", `did you mean "is_fraud"?`}},
	{name: "id column misspelt", edit: []string{"id: id", "id: ids"},
		code: 2, want: []string{"experiment.yaml:8:7", `did you mean "id"?`}},
	{name: "time column misspelt", edit: []string{"time: created_at", "time: created"},
		code: 2, want: []string{"experiment.yaml:10:9", `did you mean "created_at"?`}},
	{name: "segment column misspelt", edit: []string{"time: created_at\n", "time: created_at\n  segments: [chanel]\n"},
		code: 2, want: []string{"experiment.yaml:11", `did you mean "channel"?`}},
	{name: "filter column misspelt", edit: []string{"time: created_at\n", "time: created_at\n  filter: 'chanel != \"branch\"'\n"},
		code: 2, want: []string{"experiment.yaml:11:11", `did you mean "channel"?`}},
	{name: "rule column misspelt", edit: []string{"when: 'amount > 700'", "when: 'amont > 700'"},
		code: 2, want: []string{"experiment.yaml:21", `did you mean "amount"?`}},
	{name: "score column misspelt", edit: []string{"score: score", "score: scor"},
		code: 2, want: []string{"experiment.yaml:15:12", `column "scor" is not in the dataset`}},
	{name: "metric misspelt", edit: []string{"metrics: [accuracy, recall, roc_auc]", "metrics: [accuracy, recal, roc_auc]"},
		code: 2, want: []string{"experiment.yaml:23:21", `did you mean "recall"?`}},
	{name: "criterion metric not listed", edit: []string{"{metric: recall,", "{metric: precision,"},
		code: 2, want: []string{"experiment.yaml:25:14", `metric "precision" is not defined under metrics`}},
	{name: "criterion pipeline misspelt", edit: []string{"better_than: rule", "better_than: rules"},
		code: 2, want: []string{"experiment.yaml:27:54", `did you mean "rule"?`}},
	{name: "pipeline type misspelt", edit: []string{"type: column", "type: colum"},
		code: 2, want: []string{"experiment.yaml:14:11", `did you mean "column"?`}},
	{name: "top-level key misspelt", edit: []string{"report:", "reprot:"},
		code: 2, want: []string{"experiment.yaml:28:1", `did you mean "report"?`}},
	{name: "two pipelines with one name", edit: []string{"name: rule", "name: model"},
		code: 2, want: []string{"experiment.yaml:17:11", "defined twice"}},
	{name: "no candidate", edit: []string{"role: candidate", "role: baseline"},
		code: 2, want: []string{"no pipeline has role candidate"}},
	{name: "an unset environment variable", edit: []string{"path: data.csv", "path: ${POC_CORPUS_UNSET}/data.csv"},
		code: 2, want: []string{"experiment.yaml:7", "POC_CORPUS_UNSET"}},
	{name: "a tab in the indentation", edit: []string{"  volume_per_year: 100000", "\tvolume_per_year: 100000"},
		code: 2, want: []string{"experiment.yaml:5:1: invalid YAML", "indent with spaces, not tabs"}},

	{name: "a flow mapping left open", edit: []string{"at_least: 0.8, must: true}", "at_least: 0.8, must: true"},
		code: 2, want: []string{"experiment.yaml:26:1: invalid YAML", "in the block that starts here"}},
	{name: "a key indented one space short", edit: []string{"    threshold: 0.5\n", "   threshold: 0.5\n"},
		code: 2, want: []string{"experiment.yaml:12:1: invalid YAML", "- name: model"}},

	// Columns mean what the data means.
	{name: "an utterance false in a text column stays text", data: func(t table) { t.set(4, "text", "false") },
		edit: []string{"when: 'amount > 700'", "when: 'amount > 700 || text == \"false\"'"}, run: true, verdict: "GO", clean: true},
	{name: "zip-like codes keep their text", data: func(t table) {
		t.add("zip", func(i int, _ []string) string { return fmt.Sprintf("%05d", i*37%100000) })
	}, edit: []string{"when: 'amount > 700'", "when: 'amount > 700 && zip == \"00037\"'"}, want: []string{"valid"}},
	{name: "a declared column type misspelt", edit: []string{"time: created_at\n", "time: created_at\n  columns: {channel: catgory}\n"},
		code: 2, want: []string{"experiment.yaml:11:22", `did you mean "category"?`}},
	{name: "another tool's name for a type", edit: []string{"time: created_at\n", "time: created_at\n  columns: {channel: categorical}\n"},
		code: 2, want: []string{"experiment.yaml:11", `did you mean "category"?`}},
	{name: "a declared column that is not in the data", edit: []string{"time: created_at\n", "time: created_at\n  columns: {chanel: category}\n"},
		code: 2, want: []string{"experiment.yaml:11:13", `did you mean "channel"?`}},
	{name: "a text column declared a number", edit: []string{"time: created_at\n", "time: created_at\n  columns: {text: number}\n"},
		code: 2, want: []string{"data.csv:2", `column "text"`, "is not a number"}},
	{name: "a numeric code declared a category reaches a rule as text", data: func(t table) {
		t.add("region", func(i int, _ []string) string { return fmt.Sprint(i%3 + 1) })
	}, edit: []string{"time: created_at\n", "time: created_at\n  columns: {region: category}\n",
		"when: 'amount > 700'", "when: 'amount > 700 && region == 2'"},
		code: 2, want: []string{"experiment.yaml:22:16", `e.g. region == "2"`}},
	{name: "a derived column comparing codes read as text with a number", data: func(t table) {
		t.add("region", func(i int, _ []string) string { return fmt.Sprint(i%3 + 1) })
	}, edit: []string{"time: created_at\n", "time: created_at\n  columns: {region: category}\n  derive: {north: 'region == 1 ? \"yes\" : \"no\"'}\n"},
		code: 2, want: []string{"experiment.yaml:12:19", "dataset.derive.north", `e.g. region == "1"`}},
	{name: "a derived column taking the remainder of a number read as float64", edit: []string{"time: created_at\n",
		"time: created_at\n  derive: {third: 'amount % 3 == 0 ? \"a\" : \"b\"'}\n"},
		code: 2, want: []string{"experiment.yaml:11:19", "dataset.derive.third", `the derived column "third" cannot be computed on line 2`, "write int(x) % 3"}},
	{name: "a derived column failing on every row with on_bad_row: skip", edit: []string{"time: created_at\n",
		"time: created_at\n  on_bad_row: skip\n  derive: {third: 'amount % 3 == 0 ? \"a\" : \"b\"'}\n"},
		code: 2, want: []string{"experiment.yaml:12:19", "dataset.derive.third", `the derived column "third" cannot be computed on line 2`}},
	{name: "a derived column naming a column in backticks", edit: []string{"time: created_at\n",
		"time: created_at\n  derive: {web: '`channel` == \"web\" ? \"yes\" : \"no\"'}\n"},
		code: 2, want: []string{"experiment.yaml:11:17", "dataset.derive.web", "compares two constants", "a name in `backticks` is a string"}},
	{name: "a rule's category misspelt beside a part that fires", edit: []string{"when: 'amount > 700'", "when: 'amount > 700 || channel == \"Web\"'"},
		want: []string{"warning: pipelines[1].rules[0].when", `compares column "channel" with "Web", which none of the records replayed holds`, `did you mean "web"?`, "valid"}},
	{name: "an expression metric comparing a text column with a number", edit: []string{
		"metrics: [accuracy, recall, roc_auc]", "metrics: [accuracy, recall, roc_auc, {name: web_caught, type: expr, value: 'label == truth', where: 'channel == 1', aggregate: rate}]"},
		code: 2, want: []string{"experiment.yaml:23", "metrics[3].where", `e.g. channel == "1"`}},
	{name: "a filter comparing a number column with text", edit: []string{"time: created_at\n", "time: created_at\n  filter: 'amount != \"0\"'\n"},
		code: 2, want: []string{"experiment.yaml:11:11", "declare the column a category"}},

	{name: "a learner feature misspelt", edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n", "    type: learn\n    features: [amout, channel]\n    train: {folds: 5}\n"},
		code: 2, want: []string{"experiment.yaml:15", `features[0]: column "amout" is not in the dataset (did you mean "amount"?)`}},

	// Leakage.
	{name: "a learner trained on the replay file itself", edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n",
		"    type: learn\n    features: [amount, channel]\n    train: {file: data.csv}\n"},
		run: true, code: 2, want: []string{"training file"}},
	{name: "a learner whose training file shares ids with the replay", edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n",
		"    type: learn\n    features: [amount, channel]\n    train: {file: data.csv, id: id}\n"},
		run: true, code: 2, want: []string{"id"}},
	{name: "a proxy of the label as a feature", data: func(t table) {
		t.add("chargeback", func(_ int, row []string) string { return row[7] })
	}, edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n", "    type: learn\n    features: [amount, chargeback]\n    train: {folds: 5}\n"},
		run: true, code: 2, want: []string{"chargeback", "proxies"}},
	{name: "train.where without leaving the training rows out of the replay", edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n",
		"    type: learn\n    features: [amount, channel]\n    train: {where: 'split == \"train\"'}\n"},
		run: true, code: 2, want: []string{"200 of the 400 replayed records are training rows", `dataset.filter: '!(split == "train")'`}},
	{name: "train.where with the replay filtered to the test rows", edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n",
		"    type: learn\n    features: [amount, channel]\n    train: {where: 'split == \"train\"'}\n",
		"time: created_at\n", "time: created_at\n  filter: 'split == \"test\"'\n",
		baseCriteria, "criteria:\n  - {metric: roc_auc, pipeline: model, at_least: 0.55, must: true}\n"},
		run: true, verdict: "GO", clean: true},
	{name: "validate refuses a learner trained on the replay file", edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n",
		"    type: learn\n    features: [amount, channel]\n    train: {file: data.csv}\n"},
		code: 2, want: []string{`repeats 400 of the 400 replayed records in every column but the id "id"`, "the training data cannot be used"}},
	{name: "validate refuses train.where rows left in the replay", edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n",
		"    type: learn\n    features: [amount, channel]\n    train: {where: 'split == \"train\"'}\n"},
		code: 2, want: []string{"pipelines[0].train.where: pipeline \"model\": refused: 200 of the 400 replayed records are training rows"}},
	{name: "validate refuses a proxy of the label", data: func(t table) {
		t.add("chargeback", func(_ int, row []string) string { return row[7] })
	}, edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n", "    type: learn\n    features: [amount, chargeback]\n    train: {folds: 5}\n"},
		code: 2, want: []string{"experiment.yaml:15:24: pipelines[0].features[1]: pipeline \"model\": refused: feature \"chargeback\"", "proxies"}},
	{name: "validate warns of a training file that repeats a few replayed records", files: map[string]string{"train.csv": baseData(800).rows(380, 800).csv()},
		edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n", "    type: learn\n    features: [amount, channel]\n    train: {file: train.csv}\n"},
		want: []string{"experiment.yaml:16:19: warning: pipelines[0].train.file", `training file "train.csv" repeats 20 of the 400 replayed records in every column but the id "id"`,
			"drop the repeated records from the training file", "valid — 2 pipelines"}},
	{name: "a run warns of a training file that repeats a few replayed records", files: map[string]string{"train.csv": baseData(800).rows(380, 800).csv()},
		edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n", "    type: learn\n    features: [amount, channel]\n    train: {file: train.csv}\n",
			baseCriteria, "criteria:\n  - {metric: roc_auc, pipeline: model, at_least: 0.55, must: true}\n"},
		run: true, want: []string{"experiment.yaml:16:19: warning: pipelines[0].train.file", "repeats 20 of the 400 replayed records"},
		report: []string{"the experiment file drew 1 warning", `| file warning |`, `repeats 20 of the 400 replayed records in every column but the id "id"`}},
	{name: "validate refuses a training file that repeats a tenth of the replayed records", files: map[string]string{"train.csv": baseData(800).rows(360, 800).csv()},
		edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n", "    type: learn\n    features: [amount, channel]\n    train: {file: train.csv}\n"},
		code: 2, want: []string{"experiment.yaml:16:19: pipelines[0].train.file: pipeline \"model\": refused", "repeats 40 of the 400 replayed records",
			"    train: {file: train.csv}\n", "experiment.yaml: the training data cannot be used"}},
	{name: "a run refuses a training file that repeats a tenth of the replayed records, at its line", files: map[string]string{"train.csv": baseData(800).rows(360, 800).csv()},
		edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n", "    type: learn\n    features: [amount, channel]\n    train: {file: train.csv}\n"},
		run:  true, code: 2, want: []string{"experiment.yaml:16:19: pipelines[0].train.file: pipeline \"model\": refused", "repeats 40 of the 400 replayed records",
			"experiment.yaml: the training data cannot be used; nothing was run"}},
	{name: "a learner reading category codes as a number warns", data: func(t table) {
		t.add("channel_code", func(_ int, row []string) string {
			return map[string]string{"web": "1", "app": "2", "branch": "3"}[row[2]]
		})
	}, edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n", "    type: learn\n    features: [amount, channel_code]\n    train: {folds: 5}\n"},
		want: []string{"experiment.yaml:15:24: warning: pipelines[0].features[1]", `feature "channel_code" is read as a number, but holds only 3 distinct whole numbers (1, 2, 3)`,
			"declare it category under dataset.columns (columns: {channel_code: category})", "valid — 2 pipelines"}},
	{name: "a learner reading category codes declared category", data: func(t table) {
		t.add("channel_code", func(_ int, row []string) string {
			return map[string]string{"web": "1", "app": "2", "branch": "3"}[row[2]]
		})
	}, edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n", "    type: learn\n    features: [amount, channel_code]\n    train: {folds: 5}\n",
		"time: created_at\n", "time: created_at\n  columns: {channel_code: category}\n"},
		want: []string{"valid — 2 pipelines"}, absent: []string{"warning"}},
	{name: "a majority floor beside a learner with a training file", files: map[string]string{"train.csv": "amount,channel,is_fraud\n1,web,0\n"},
		edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n", "    type: learn\n    features: [amount, channel]\n    train: {file: train.csv}\n",
			"metrics:", "  - {name: floor, role: baseline, type: majority}\nmetrics:"},
		code: 2, want: []string{"experiment.yaml:23:5", `give "floor" the same`}},
	{name: "a missing training file", edit: []string{"    type: column\n    score: score\n    threshold: 0.5\n", "    type: learn\n    features: [amount, channel]\n    train: {file: trian.csv}\n"},
		code: 2, want: []string{"experiment.yaml", "train.file", "trian.csv"}},

	// Undefined says so.
	{name: "a final-mode command metric without an interval as a must-criterion", files: map[string]string{
		"tone.sh": "cat > /dev/null\necho '{\"value\": 0.9}'\n"},
		edit: []string{"metrics: [accuracy, recall, roc_auc]", "metrics: [accuracy, recall, roc_auc, {name: tone, type: command, command: [sh, tone.sh], mode: final}]",
			baseCriteria, "criteria:\n  - {metric: tone, pipeline: model, at_least: 0.5, must: true}\n"},
		run: true, verdict: "INCONCLUSIVE", want: []string{"experiment.yaml:25:5: warning", "final-mode command",
			"90.0%, no interval", "tone of model is 90.0% with no interval"}},
	{name: "an in_every segment without eligible records", data: func(t table) {
		for i := 1; i < len(t); i++ {
			if t[i][t.col("channel")] == "branch" {
				t[i][t.col("is_fraud")] = "0"
			}
		}
	}, edit: []string{"time: created_at\n", "time: created_at\n  segments: [channel]\n",
		"at_least: 0.6, must: true}", "at_least: 0.6, must: true, in_every: channel}"},
		run: true, verdict: "INCONCLUSIVE", want: []string{"channel=branch UNDEFINED (no record enters the proportion)"},
		report: []string{"cannot be computed in channel=branch"}},

	// An experiment file is code: what it reaches is shown, and confinement refuses what leaves its folder.
	{name: "validate lists what the run reads", want: []string{
		"This run will start no program, read 1 file and send nothing over the network:", "read  data.csv  dataset"}},
	{name: "a confined experiment reading a system file", edit: []string{"name: corpus\n", "name: corpus\nconfine: true\n",
		"path: data.csv", "path: /etc/passwd"},
		code: 2, want: []string{"experiment.yaml:8:9", "dataset.path", `"/etc/passwd" is outside its folder`, "copy the file into"}},
	{name: "a confined experiment reading through a link that leaves its folder", edit: []string{"name: corpus\n", "name: corpus\nconfine: true\n",
		"path: data.csv", "path: link/data.csv"}, link: map[string]string{"link": "/"},
		code: 2, want: []string{"experiment.yaml:8:9", "through a symbolic link, to /data.csv"}},
	{name: "--confine refuses a program found in PATH", args: []string{"--confine"},
		edit: []string{"metrics:", "  - {name: py, role: baseline, type: exec, command: [python3, score.py]}\nmetrics:"},
		code: 2, want: []string{"experiment.yaml:23:", "pipelines[2].command", `the program "python3" is looked up in PATH`, "run without --confine"}},
}

func TestCorpus(t *testing.T) {
	for _, m := range corpus {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			m.play(t)
		})
	}
}
