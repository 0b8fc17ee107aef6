package spec

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/poc-harness/poc/pipeline"
)

type fakePrivacy struct{ detectors []string }

func (fakePrivacy) Session() pipeline.PrivacySession { return nil }

func TestPrivacyAndBudget(t *testing.T) {
	good := strings.Replace(base, "POSITIVE", "1", 1)
	var gotDetectors []string
	var gotPatterns []Pattern
	opt := testOptions
	opt.NewPrivacy = func(d []string, p []Pattern) (pipeline.Privacy, error) {
		gotDetectors, gotPatterns = d, p
		if len(p) > 0 && p[0].Name == "REFUSED" {
			return nil, errors.New("pattern REFUSED overlaps a built-in detector")
		}
		return fakePrivacy{d}, nil
	}
	t.Run("privacy on by default", func(t *testing.T) {
		gotDetectors = nil
		exp, ds := loadInline(t, good, opt)
		if len(ds.Errors()) > 0 {
			t.Fatal(ds)
		}
		if !reflect.DeepEqual(exp.Privacy.Pseudonymise, DefaultDetectors) || !reflect.DeepEqual(gotDetectors, DefaultDetectors) {
			t.Errorf("detectors = %v (built with %v), want all built-ins", exp.Privacy.Pseudonymise, gotDetectors)
		}
	})
	t.Run("a full block", func(t *testing.T) {
		src := strings.Replace(good, "pipelines:", `privacy:
  pseudonymise: [email, card]
  patterns:
    - {name: CUSTOMER_ID, regex: 'C\d{6}'}
  allow_urls: [http://localhost:11434/v1]
budget: {max_cost: 12.5, max_error_rate: 20%, min_records: 10}
pipelines:`, 1)
		exp, ds := loadInline(t, src, opt)
		if len(ds.Errors()) > 0 {
			t.Fatal(ds)
		}
		want := Privacy{Pseudonymise: []string{"email", "card"}, Patterns: []Pattern{{"CUSTOMER_ID", `C\d{6}`}},
			AllowURLs: []string{"http://localhost:11434/v1"}}
		if !reflect.DeepEqual(exp.Privacy, want) || !reflect.DeepEqual(gotPatterns, want.Patterns) {
			t.Errorf("privacy = %+v, want %+v", exp.Privacy, want)
		}
		if b := exp.Budget; b.MaxCost != 12.5 || b.MaxErrorRate != 0.2 || b.MinRecords != 10 {
			t.Errorf("budget = %+v", b)
		}
	})
	t.Run("turned off", func(t *testing.T) {
		gotDetectors = nil
		exp, ds := loadInline(t, strings.Replace(good, "pipelines:", "privacy: {pseudonymise: []}\npipelines:", 1), opt)
		if len(ds.Errors()) > 0 || len(exp.Privacy.Pseudonymise) != 0 || gotDetectors != nil {
			t.Errorf("privacy off: detectors %v, built with %v, diags %v", exp.Privacy.Pseudonymise, gotDetectors, ds)
		}
	})
	bad := []struct {
		name  string
		block string
		w     want
	}{
		{"unknown detector", "privacy: {pseudonymise: [emial]}\n", want{9, 26, `unknown detector "emial"`}},
		{"misspelt key", "privacy: {alow_urls: [x]}\n", want{9, 11, `did you mean "allow_urls"?`}},
		{"bad regex", "privacy:\n  patterns: [{name: ACCT, regex: '[a-'}]\n", want{10, 14, "invalid regular expression"}},
		{"pattern name", "privacy:\n  patterns: [{name: acct, regex: 'a'}]\n", want{10, 14, "capitals"}},
		{"refused by the pseudonymiser", "privacy:\n  patterns: [{name: REFUSED, regex: 'a'}]\n", want{10, 14, "overlaps a built-in detector"}},
		{"budget", "budget: {max_cost: -1}\n", want{9, 20, "max_cost must be positive"}},
		{"error rate", "budget: {max_error_rate: 150%}\n", want{9, 26, "max_error_rate must be above 0 and at most 1"}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, ds := loadInline(t, strings.Replace(good, "pipelines:", tc.block+"pipelines:", 1), opt)
			if !hasDiag(ds, Error, tc.w) {
				t.Errorf("missing error at %d:%d containing %q; got:\n%v", tc.w.line, tc.w.col, tc.w.text, ds)
			}
		})
	}
}
