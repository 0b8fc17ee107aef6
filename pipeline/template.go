package pipeline

import (
	"fmt"
	"text/template"
	"text/template/parse"
)

// WholeRecord is what TemplateFields returns for a template that passes
// the whole record (dot itself) to a function or prints it.
const WholeRecord = "."

// TemplateFields returns the record fields a text/template refers to as
// {{.x}} or {{index . "x"}} where dot is the record (not inside range or
// with, which move dot), once each in the order first met, and WholeRecord
// when it uses dot itself ({{.}}, {{json .}}).
func TemplateFields(t *template.Template) []string {
	refs := fieldRefs{seen: map[string]bool{}}
	if t.Tree != nil {
		refs.walk(t.Tree.Root)
	}
	return refs.out
}

// fieldRefs collects the record fields a template refers to, once each, in
// the order first met.
type fieldRefs struct {
	out  []string
	seen map[string]bool
}

// add records a reference to field name.
func (r *fieldRefs) add(name string) {
	if !r.seen[name] {
		r.seen[name] = true
		r.out = append(r.out, name)
	}
}

// walk collects the fields referred to under n. Range and with bodies are
// skipped: dot is no longer the record there.
func (r *fieldRefs) walk(n parse.Node) {
	switch n := n.(type) {
	case nil:
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			r.walk(c)
		}
	case *parse.ActionNode:
		r.walk(n.Pipe)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			r.walk(c)
		}
	case *parse.CommandNode:
		r.command(n)
	case *parse.FieldNode:
		r.add(n.Ident[0])
	case *parse.DotNode:
		r.add(WholeRecord)
	case *parse.ChainNode:
		r.walk(n.Node)
	case *parse.IfNode:
		r.walk(n.Pipe)
		r.walk(n.List)
		r.walk(n.ElseList)
	case *parse.RangeNode:
		r.walk(n.Pipe)
		r.walk(n.ElseList)
	case *parse.WithNode:
		r.walk(n.Pipe)
		r.walk(n.ElseList)
	case *parse.TemplateNode:
		r.walk(n.Pipe)
	}
}

// command collects the fields referred to by a command's arguments, and the
// column named by {{index . "column name"}}.
func (r *fieldRefs) command(n *parse.CommandNode) {
	if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "index" && len(n.Args) >= 3 {
		if _, dot := n.Args[1].(*parse.DotNode); dot {
			if s, ok := n.Args[2].(*parse.StringNode); ok {
				r.add(s.Text)
				for _, a := range n.Args[3:] {
					r.walk(a)
				}
				return
			}
		}
	}
	for _, a := range n.Args {
		r.walk(a)
	}
}

// ReadsLabel says, for a pipeline that reads the named columns (WholeRecord
// for all of them), whether one is the label column: "" when none is, else
// why that is refused. A pipeline that sees the answer it is judged
// against scores what it was told, not what it would decide.
func (e Env) ReadsLabel(columns []string) string {
	if e.Label == "" {
		return ""
	}
	for _, c := range columns {
		switch c {
		case e.Label:
			return fmt.Sprintf("reads the label column %q, the answer it is judged against: a pipeline must decide from what is known before the outcome; remove it", e.Label)
		case WholeRecord:
			return fmt.Sprintf("passes the whole record, the label column %q included, so it would see the answer it is judged against: name the fields it needs instead", e.Label)
		}
	}
	return ""
}
