package spec

import (
	"regexp"

	"go.yaml.in/yaml/v3"
)

// privacy decodes the `privacy:` block (n may be nil) and builds the
// pseudonymiser every pipeline gets.
func (l *loader) privacy(n *yaml.Node, exp *Experiment) {
	exp.Privacy.Pseudonymise = DefaultDetectors
	var patternNodes []*yaml.Node
	var detectorsNode *yaml.Node
	if !isNull(n) {
		f := l.mapping(n, "privacy", privacyKeys)
		if f == nil {
			return
		}
		if v := f.val("pseudonymise"); v != nil {
			detectorsNode = v
			l.detectors(f, exp)
		}
		if v := f.val("patterns"); !isNull(v) {
			patternNodes = l.patterns(v, f.field("patterns"), exp)
		}
		if v := f.val("allow_urls"); !isNull(v) {
			list, _ := f.strList("allow_urls")
			exp.Privacy.AllowURLs = list
		}
	}
	if l.opt.NewPrivacy == nil || len(exp.Privacy.Pseudonymise) == 0 && len(exp.Privacy.Patterns) == 0 {
		return
	}
	impl, err := l.opt.NewPrivacy(exp.Privacy.Pseudonymise, exp.Privacy.Patterns)
	if err != nil {
		at := n
		if detectorsNode != nil {
			at = detectorsNode
		}
		if len(patternNodes) > 0 {
			at = patternNodes[0]
		}
		l.errorf(at, "privacy", "", "%v", err)
		return
	}
	l.privacyImpl = impl
}

// detectors decodes privacy.pseudonymise, which replaces the default
// detectors; only built-in detector names are kept.
func (l *loader) detectors(f *fields, exp *Experiment) {
	list, nodes := f.strList("pseudonymise")
	exp.Privacy.Pseudonymise = []string{}
	for i, d := range list {
		if !contains(DefaultDetectors, d) {
			l.errorf(nodes[i], index(f.field("pseudonymise"), i), didYouMean(d, DefaultDetectors),
				"unknown detector %q (built in: email, phone, iban, card; add others under patterns:)", d)
			continue
		}
		exp.Privacy.Pseudonymise = append(exp.Privacy.Pseudonymise, d)
	}
}

// patterns decodes privacy.patterns (v, at field) into
// exp.Privacy.Patterns, keeping only the valid ones, and returns the nodes
// they were read from so that a pseudonymiser error can point at them.
func (l *loader) patterns(v *yaml.Node, field string, exp *Experiment) []*yaml.Node {
	var nodes []*yaml.Node
	for i, el := range l.sequence(v, field, "patterns") {
		path := index(field, i)
		var p Pattern
		if !l.decodeStrict(&p, el, path, nil) {
			continue
		}
		switch {
		case !patternNameRE.MatchString(p.Name):
			l.errorf(el, path+".name", "e.g. CUSTOMER_ID", "a pattern needs a name in capitals and underscores, got %q", p.Name)
		case p.Regex == "":
			l.errorf(el, path+".regex", "", "missing: the regular expression of the values to hide")
		default:
			if _, err := regexp.Compile(p.Regex); err != nil {
				l.errorf(el, path+".regex", "", "invalid regular expression: %v", err)
				continue
			}
			exp.Privacy.Patterns = append(exp.Privacy.Patterns, p)
			nodes = append(nodes, el)
		}
	}
	return nodes
}

var patternNameRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// budget decodes the `budget:` block.
func (l *loader) budget(n *yaml.Node, exp *Experiment) {
	f := l.mapping(n, "budget", budgetKeys)
	if f == nil {
		return
	}
	exp.Budget.MinRecords = 50
	if v, ok := f.float("max_cost"); ok {
		if v <= 0 {
			l.errorf(f.val("max_cost"), f.field("max_cost"), "leave it out for no limit", "max_cost must be positive, got %g", v)
		}
		exp.Budget.MaxCost = v
	}
	if v := f.val("max_error_rate"); !isNull(v) {
		r, err := parseQuantity(v, numberOrPercent)
		switch {
		case err != nil:
			l.errorf(v, f.field("max_error_rate"), "", "%v", err)
		case r <= 0 || r > 1:
			l.errorf(v, f.field("max_error_rate"), "e.g. 20%", "max_error_rate must be above 0 and at most 1, got %g", r)
		default:
			exp.Budget.MaxErrorRate = r
		}
	}
	if v, ok := f.int("min_records"); ok {
		if v < 1 {
			l.errorf(f.val("min_records"), f.field("min_records"), "", "min_records must be at least 1, got %d", v)
		}
		exp.Budget.MinRecords = int(v)
	}
}
