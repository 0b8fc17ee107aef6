// Package fieldexpr compiles expressions over a record's fields — rule
// conditions, dataset filters, expression metrics — with the expr-lang
// language (https://expr-lang.org).
//
// Record fields have no static types (a CSV cell may be a number in one row
// and empty in the next), so expressions are compiled against a strict
// environment with every column typed as `any`; an identifier that is not a
// column is an error that names it and suggests the closest column. A Program is compiled once and is safe for concurrent use.
//
// This package imports only expr-lang and the standard library.
package fieldexpr

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/types"
	"github.com/expr-lang/expr/vm"
)

// Program is a compiled expression.
type Program struct {
	src     string
	columns []string
	tree    *parser.Tree
	program *vm.Program
	vms     sync.Pool
}

// Compile compiles src over the given columns. With asBool the expression
// must yield a boolean (a condition or a filter).
func Compile(src string, columns []string, asBool bool) (*Program, error) {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(columns))
	for _, c := range columns {
		known[c] = true
	}
	refs := identifiers(tree)
	if unknown := refs.unknown(known); len(unknown) > 0 {
		return nil, unknownColumn(unknown[0], columns)
	}
	if refs.constant != "" {
		return nil, fmt.Errorf("%s compares two constants, so it is the same for every record; "+
			"in expr-lang a name in `backticks` is a string, not a column: "+
			`write the column's name as it is, or $env["the-name"] for a name with spaces or hyphens`, refs.constant)
	}
	if len(refs.names) == 0 {
		what := "expression"
		if asBool {
			what = "condition"
		}
		return nil, fmt.Errorf("the %s uses no column, so it is the same for every record; "+
			"in expr-lang a name in `backticks` is a string, not a column: write the column's name as it is, "+
			`or $env["the-name"] for a name with spaces or hyphens`, what)
	}
	env := make(types.Map, len(columns))
	for _, c := range columns {
		env[c] = types.Any
	}
	opts := []expr.Option{expr.Env(env)}
	if asBool {
		opts = append(opts, expr.AsBool())
	}
	program, err := expr.Compile(src, opts...)
	if err != nil {
		return nil, err
	}
	p := &Program{src: src, tree: tree, program: program, columns: refs.sorted()}
	p.vms.New = func() any { return new(vm.VM) }
	return p, nil
}

// Columns returns the columns the expression reads, sorted.
func (p *Program) Columns() []string { return p.columns }

// Source returns the expression's text.
func (p *Program) Source() string { return p.src }

// Eval runs the expression on one record's fields.
func (p *Program) Eval(fields map[string]any) (any, error) {
	machine := p.vms.Get().(*vm.VM)
	out, err := machine.Run(p.program, fields)
	p.vms.Put(machine)
	if err != nil {
		return nil, fmt.Errorf("evaluate %q: %w", p.src, err)
	}
	return out, nil
}

// Bool runs a boolean expression; a nil result (a missing value) is false.
func (p *Program) Bool(fields map[string]any) (bool, error) {
	out, err := p.Eval(fields)
	if err != nil {
		return false, err
	}
	b, _ := out.(bool)
	return b, nil
}

// identifierVisitor collects the columns an expression refers to: its free
// identifiers (names neither called as functions nor declared with `let`)
// and the names read as $env["name"].
type identifierVisitor struct {
	names    map[string]bool
	callees  map[ast.Node]bool
	declared map[string]bool
	// constant is the first comparison of two literals, such as
	// `marital-status` == "Married" (a backtick string, not a column).
	constant string
}

func (v *identifierVisitor) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.CallNode:
		v.callees[n.Callee] = true
	case *ast.VariableDeclaratorNode:
		v.declared[n.Name] = true
	case *ast.IdentifierNode:
		v.names[n.Value] = true
	case *ast.BinaryNode:
		if v.constant == "" && comparison[n.Operator] && literal(n.Left) && literal(n.Right) {
			v.constant = n.String()
		}
	case *ast.MemberNode:
		if id, ok := n.Node.(*ast.IdentifierNode); ok && id.Value == "$env" {
			if key, ok := n.Property.(*ast.StringNode); ok {
				v.names[key.Value] = true
			}
		}
	}
}

// unknownColumn is the error for a name that is not a column, with the
// column it most likely meant: one whose name has a hyphen or a space (which
// an expression reads as $env["the-name"]) and contains the name, else the
// closest by spelling.
func unknownColumn(name string, columns []string) error {
	msg := fmt.Sprintf("%q is not a column of the dataset", name)
	for _, c := range columns {
		if strings.ContainsAny(c, " -./") && strings.Contains(c, name) {
			return fmt.Errorf(`%s (the column %q has a name an expression reads as $env[%q])`, msg, c, c)
		}
	}
	if s := Closest(name, columns); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return fmt.Errorf("%s", msg)
}

// comparison lists the operators whose result two literals fix.
var comparison = map[string]bool{"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true,
	"contains": true, "startsWith": true, "endsWith": true, "matches": true}

// literal reports whether n is a constant: a string, number, boolean or nil.
func literal(n ast.Node) bool {
	switch n.(type) {
	case *ast.StringNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NilNode:
		return true
	}
	return false
}

// identifiers walks the expression for the columns it refers to.
func identifiers(tree *parser.Tree) *identifierVisitor {
	v := &identifierVisitor{names: map[string]bool{}, callees: map[ast.Node]bool{}, declared: map[string]bool{}}
	ast.Walk(&tree.Node, v)
	// Callees are visited after their call node only in some versions of the
	// walker, so drop them in a second step.
	for c := range v.callees {
		if id, ok := c.(*ast.IdentifierNode); ok {
			delete(v.names, id.Value)
		}
	}
	for name := range v.names {
		if v.declared[name] || name == "nil" || name == "$env" {
			delete(v.names, name)
		}
	}
	return v
}

// sorted lists the referred names, sorted.
func (v *identifierVisitor) sorted() []string {
	out := make([]string, 0, len(v.names))
	for name := range v.names {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// unknown lists the referred names that are not columns, sorted.
func (v *identifierVisitor) unknown(known map[string]bool) []string {
	var out []string
	for name := range v.names {
		if !known[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Closest returns the candidate a misspelt name most likely meant: one within
// an edit distance of 2 (adjacent transpositions count once, and the distance
// must be smaller than the name), or else a prefix match either way; ties go
// to the candidate that sorts first. It returns "" when nothing is close, so
// a "did you mean" is only offered when it helps.
func Closest(name string, candidates []string) string {
	w := strings.ToLower(name)
	if w == "" {
		return ""
	}
	best, bestScore := "", 1<<30
	for _, c := range candidates {
		if c == name {
			continue
		}
		lc := strings.ToLower(c)
		score := 1 << 30
		if d := distance(w, lc); d <= 2 && d < len([]rune(w)) {
			score = d
		} else if len(w) >= 3 && (strings.HasPrefix(lc, w) || strings.HasPrefix(w, lc) && len(lc) >= 3) {
			score = 3
		}
		if score < bestScore || score == bestScore && c < best {
			best, bestScore = c, score
		}
	}
	if best == "" {
		best = soleToken(w, candidates)
	}
	return best
}

// soleToken is the one candidate that holds w (three letters or more) as a
// whole word between underscores — "auc" for roc_auc —, or "" when none
// or several do ("rate" names no single one of error_rate and
// false_positive_rate).
func soleToken(w string, candidates []string) string {
	if len(w) < 3 {
		return ""
	}
	found := ""
	for _, c := range candidates {
		if slices.Contains(strings.Split(strings.ToLower(c), "_"), w) {
			if found != "" {
				return ""
			}
			found = c
		}
	}
	return found
}

// distance is the optimal-string-alignment edit distance (Levenshtein with
// adjacent transpositions), so "lable" is one edit from "label".
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// Comparison is a column compared with a text constant in an expression:
// `country == "DE"`, `"DE" != country`, `country in ["DE", "FR"]` (one
// comparison a constant).
type Comparison struct {
	Column, Value string
}

// Comparisons lists the comparisons of a column with a text constant that
// the expression makes, in the order written: the constants that must be
// values the column holds for the comparison ever to be true.
func (p *Program) Comparisons() []Comparison { return comparisons(p.tree) }

// TextComparisons is Comparisons of src, parsed without compiling it
// (nil when it does not parse): the columns are the names it reads, not
// yet checked against a dataset's.
func TextComparisons(src string) []Comparison {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	return comparisons(tree)
}

func comparisons(tree *parser.Tree) []Comparison {
	v := &comparisonVisitor{}
	ast.Walk(&tree.Node, v)
	return v.out
}

type comparisonVisitor struct{ out []Comparison }

func (v *comparisonVisitor) Visit(node *ast.Node) {
	n, ok := (*node).(*ast.BinaryNode)
	if !ok {
		return
	}
	switch n.Operator {
	case "==", "!=":
		if col, ok := columnOf(n.Left); ok {
			if s, ok := n.Right.(*ast.StringNode); ok {
				v.out = append(v.out, Comparison{col, s.Value})
			}
		} else if col, ok := columnOf(n.Right); ok {
			if s, ok := n.Left.(*ast.StringNode); ok {
				v.out = append(v.out, Comparison{col, s.Value})
			}
		}
	case "in", "not in":
		col, ok := columnOf(n.Left)
		arr, isArr := n.Right.(*ast.ArrayNode)
		if !ok || !isArr {
			return
		}
		for _, el := range arr.Nodes {
			if s, ok := el.(*ast.StringNode); ok {
				v.out = append(v.out, Comparison{col, s.Value})
			}
		}
	}
}

// columnOf is the column a node reads: a free name or $env["name"].
func columnOf(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		return n.Value, n.Value != "$env" && n.Value != "nil"
	case *ast.MemberNode:
		if id, ok := n.Node.(*ast.IdentifierNode); ok && id.Value == "$env" {
			if key, ok := n.Property.(*ast.StringNode); ok {
				return key.Value, true
			}
		}
	}
	return "", false
}
