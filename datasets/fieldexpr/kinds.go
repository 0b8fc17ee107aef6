package fieldexpr

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// The kinds of value a column holds, for CheckKinds.
const (
	KindText   = "text"
	KindNumber = "number"
	KindBool   = "bool"
)

// CheckKinds refuses a comparison of a column with a constant of another
// kind, which comes out the same for every record (or fails on every one): a category of numeric codes read as
// text compared with the number 2 (`region == 2` is false for every
// record, as "2" is not 2), or a number column compared with the text
// "10". kinds maps a column to KindText, KindNumber or KindBool; a column
// it leaves out is not checked.
func (p *Program) CheckKinds(kinds map[string]string) error {
	if len(kinds) == 0 || p.tree == nil {
		return nil
	}
	v := &kindVisitor{kinds: kinds}
	ast.Walk(&p.tree.Node, v)
	return v.err
}

type kindVisitor struct {
	kinds map[string]string
	err   error
}

func (v *kindVisitor) Visit(node *ast.Node) {
	n, ok := (*node).(*ast.BinaryNode)
	if !ok || v.err != nil || !comparison[n.Operator] {
		return
	}
	for _, pair := range [][2]ast.Node{{n.Left, n.Right}, {n.Right, n.Left}} {
		col, lit := columnName(pair[0]), literalKind(pair[1])
		kind := v.kinds[col]
		if col == "" || lit == "" || kind == "" {
			continue
		}
		if kind == lit {
			if str, ok := pair[1].(*ast.StringNode); ok && ordering[n.Operator] && looksNumber(str.Value) {
				v.err = fmt.Errorf("%s orders the text column %q as text, where \"9\" comes after \"45\": "+
					"declare the column a number under dataset.columns to compare it as a number", n.String(), col)
				return
			}
			continue
		}
		v.err = kindError(col, kind, lit, pair[1], n)
		return
	}
}

// ordering lists the operators that compare by order.
var ordering = map[string]bool{"<": true, "<=": true, ">": true, ">=": true}

// looksNumber reports whether text is a plain number ("45", "-1.5").
func looksNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil && s != ""
}

// columnName is the column an operand reads directly, or "".
func columnName(n ast.Node) string {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		return x.Value
	case *ast.MemberNode:
		if id, ok := x.Node.(*ast.IdentifierNode); ok && id.Value == "$env" {
			if key, ok := x.Property.(*ast.StringNode); ok {
				return key.Value
			}
		}
	}
	return ""
}

// literalKind is the kind of a constant operand, or "" for anything else.
func literalKind(n ast.Node) string {
	switch n.(type) {
	case *ast.StringNode:
		return KindText
	case *ast.IntegerNode, *ast.FloatNode:
		return KindNumber
	case *ast.BoolNode:
		return KindBool
	}
	return ""
}

// kindError explains the comparison and how to write it.
func kindError(col, kind, lit string, value ast.Node, cmp *ast.BinaryNode) error {
	fix := ""
	switch {
	case kind == KindText && ordering[cmp.Operator]:
		fix = "; to compare it as a number, declare the column a number under dataset.columns (as text, \"9\" would come after \"45\")"
	case kind == KindText:
		fix = fmt.Sprintf("; compare it with text, e.g. %s %s %q", col, cmp.Operator, literalText(value))
	case kind == KindNumber && lit == KindText:
		fix = fmt.Sprintf("; compare it with a number, e.g. %s %s %s, or declare the column a category under dataset.columns", col, cmp.Operator, literalText(value))
	}
	return fmt.Errorf("%s compares the column %q, which holds %s values, with the %s constant %s, so it comes out the same for every record (or fails on it)%s",
		cmp.String(), col, kind, lit, value.String(), fix)
}

// literalText is a constant as it is written, without quotes.
func literalText(n ast.Node) string {
	if s, ok := n.(*ast.StringNode); ok {
		return s.Value
	}
	return n.String()
}
