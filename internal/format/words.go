package format

import (
	"strings"
	"unicode"
)

// metricNames are the display names of metric names that are more than
// their words: acronyms, and the rates whose words are a compound.
var metricNames = map[string]string{
	"roc_auc":                      "ROC AUC",
	"pr_auc":                       "PR AUC",
	"auc":                          "AUC",
	"f1":                           "F1",
	"macro_f1":                     "macro F1",
	"micro_f1":                     "micro F1",
	"f1_micro":                     "micro F1",
	"f1_weighted":                  "weighted F1",
	"class_f1":                     "class F1",
	"fpr":                          "false-positive rate",
	"fnr":                          "false-negative rate",
	"tpr":                          "true-positive rate",
	"tnr":                          "true-negative rate",
	"ppv":                          "positive predictive value",
	"npv":                          "negative predictive value",
	"false_positive_rate":          "false-positive rate",
	"false_negative_rate":          "false-negative rate",
	"true_positive_rate":           "true-positive rate",
	"true_negative_rate":           "true-negative rate",
	"mcc":                          "MCC",
	"matthews_corrcoef":            "Matthews correlation",
	"cohen_kappa":                  "Cohen's kappa",
	"ks_statistic":                 "KS statistic",
	"psi":                          "PSI",
	"mae":                          "MAE",
	"mape":                         "MAPE",
	"rmse":                         "RMSE",
	"r2":                           "R²",
	"ece":                          "ECE",
	"expected_calibration_error":   "expected calibration error",
	"rouge_l":                      "ROUGE-L",
	"json_valid":                   "valid JSON",
	"json_schema":                  "JSON schema match",
	"llm_judge":                    "LLM judge grade",
	"gini":                         "Gini",
	"brier_score":                  "Brier score",
	"demographic_parity_ratio":     "demographic parity ratio",
	"four_fifths":                  "four-fifths ratio",
	"equal_opportunity_difference": "equal-opportunity difference",
	"equalized_odds_difference":    "equalised-odds difference",
}

// metricWords are the display forms of single words of a metric name
// ("money_caught", "recall_web_p99"): acronyms in capitals, compounds
// with their hyphen; any other word stays as written.
var metricWords = map[string]string{
	"auc": "AUC", "roc": "ROC", "pr": "PR", "f1": "F1", "fpr": "false-positive rate",
	"fnr": "false-negative rate", "tpr": "true-positive rate", "tnr": "true-negative rate",
	"mcc": "MCC", "psi": "PSI", "mae": "MAE", "mape": "MAPE", "rmse": "RMSE", "ece": "ECE",
	"llm": "LLM", "ks": "KS", "json": "JSON", "id": "ID", "fte": "FTE", "eur": "EUR", "usd": "USD",
}

// compounds are two words of a metric name that read as one hyphenated
// word: "four_fifths_age" is "four-fifths age".
var compounds = map[[2]string]string{
	{"four", "fifths"}:    "four-fifths",
	{"false", "positive"}: "false-positive",
	{"false", "negative"}: "false-negative",
	{"true", "positive"}:  "true-positive",
	{"true", "negative"}:  "true-negative",
	{"top", "k"}:          "top-k",
}

// MetricName is how a person reads a metric's name: the name the
// experiment file gives it, its underscores as spaces and its known terms
// spelt out ("roc_auc" is "ROC AUC", "false_positive_rate"
// "false-positive rate", "latency_p99" "latency p99", "money_caught"
// "money caught"). It is for display only: metrics.json, verdict.json and
// every key keep the name as written. A name with capitals or spaces is
// the author's own spelling and is kept.
func MetricName(name string) string {
	if s, ok := metricNames[name]; ok {
		return s
	}
	if name == "" || strings.ContainsFunc(name, func(r rune) bool { return unicode.IsUpper(r) || unicode.IsSpace(r) }) {
		return name
	}
	words := strings.FieldsFunc(name, func(r rune) bool { return r == '_' })
	if len(words) == 0 {
		return name
	}
	var out []string
	for i := 0; i < len(words); i++ {
		if i+1 < len(words) {
			if c, ok := compounds[[2]string{words[i], words[i+1]}]; ok {
				out = append(out, c)
				i++
				continue
			}
		}
		w := words[i]
		if s, ok := metricWords[w]; ok {
			w = s
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// CriterionName is how a person reads a criterion's name: a name the
// verdict made up ("money_caught of fraud-model-v3 better than rules-v12")
// with its metric's display name ("money caught of fraud-model-v3 …"); a
// name the experiment file gives is kept as written. verdict.json keeps
// the name itself, the criterion's id.
func CriterionName(name, metric string) string {
	if metric != "" && strings.HasPrefix(name, metric+" of ") {
		return MetricName(metric) + name[len(metric):]
	}
	return name
}

// methodNames say how an interval was formed, for a table's method
// column; the keys are the method names metrics.json and verdict.json
// record.
var methodNames = map[string]string{
	"wilson":                                "Wilson score",
	"bootstrap":                             "bootstrap",
	"bootstrap-bca":                         "bootstrap, BCa",
	"bca":                                   "bootstrap, BCa",
	"percentile":                            "bootstrap percentile",
	"bootstrap-percentile":                  "bootstrap percentile",
	"bootstrap-percentile (bca degenerate)": "bootstrap percentile (BCa could not be computed)",
	"paired-percentile":                     "paired bootstrap percentile",
	"paired-bootstrap-percentile":           "paired bootstrap percentile",
	"paired-exact":                          "paired exact",
	"studentized":                           "bootstrap, studentized",
	"order-statistic":                       "order statistic",
	"delong":                                "DeLong",
	"exact":                                 "exact",
	"t":                                     "Student's t",
}

// intervalNames name an interval by its method in a sentence, after "the
// 95%": "the 95% Wilson score interval".
var intervalNames = map[string]string{
	"wilson":                                "Wilson score interval",
	"bootstrap":                             "bootstrap interval",
	"bootstrap-bca":                         "bootstrap interval (BCa)",
	"bca":                                   "bootstrap interval (BCa)",
	"percentile":                            "bootstrap percentile interval",
	"bootstrap-percentile":                  "bootstrap percentile interval",
	"bootstrap-percentile (bca degenerate)": "bootstrap percentile interval (BCa could not be computed)",
	"paired-percentile":                     "paired bootstrap percentile interval",
	"paired-bootstrap-percentile":           "paired bootstrap percentile interval",
	"paired-exact":                          "paired exact interval",
	"studentized":                           "studentized bootstrap interval",
	"order-statistic":                       "order-statistic interval",
	"delong":                                "DeLong interval",
	"exact":                                 "exact interval",
	"t":                                     "Student's t interval",
	"reported by the metric":                "interval the metric reports",
}

// Method is how a person reads an interval's method in a table: "wilson"
// is "Wilson score", "bootstrap-bca" "bootstrap, BCa"; "" when the value
// has no interval ("none", "undefined" or empty), and an unknown name
// with its hyphens as spaces. The run's files keep the method's own name.
func Method(m string) string {
	switch m {
	case "", "none", "undefined":
		return ""
	}
	if s, ok := methodNames[m]; ok {
		return s
	}
	return strings.ReplaceAll(m, "-", " ")
}

// Interval names a confidence interval for a sentence: "the 95% Wilson
// score interval", "the 95% bootstrap interval (BCa)"; an unknown method
// with its hyphens as spaces, and "the 95% interval" when there is none.
func Interval(conf float64, method string) string {
	if s, ok := intervalNames[method]; ok {
		return "the " + Percent(conf) + " " + s
	}
	if m := Method(method); m != "" {
		return "the " + Percent(conf) + " " + m + " interval"
	}
	return "the " + Percent(conf) + " interval"
}

// PClause is a p-value for a sentence: "p = 0.0123", or "p < 0.0001"
// below the smallest one printed.
func PClause(p float64) string {
	s := P(p)
	if strings.HasPrefix(s, "<") {
		return "p " + s
	}
	return "p = " + s
}
