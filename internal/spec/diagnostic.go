package spec

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a diagnostic prevents a run.
type Severity int

const (
	// Error makes the experiment invalid.
	Error Severity = iota
	// Warning is worth reading but does not prevent a run.
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem in an experiment file, with its position.
type Diagnostic struct {
	// File is the experiment file as named to Load.
	File string
	// Line and Col are 1-based; 0 when the problem has no position.
	Line, Col int
	// Field is the dotted path of the offending key, such as
	// "pipelines[2].threshold" ("" for the whole file).
	Field string
	// Msg says what is wrong, in lowercase.
	Msg string
	// Hint suggests a fix, such as `did you mean "label"?` ("" for none).
	Hint string
	// Severity is Error or Warning.
	Severity Severity
}

// Error returns "file:line:col: field: msg (hint)"; warnings carry a
// "warning: " prefix before the field.
func (d Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Col > 0 {
			fmt.Fprintf(&b, ":%d", d.Col)
		}
	}
	b.WriteString(": ")
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	if d.Field != "" {
		b.WriteString(d.Field)
		b.WriteString(": ")
	}
	b.WriteString(d.Msg)
	if d.Hint != "" {
		b.WriteString(" (")
		b.WriteString(d.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Diagnostics is a list of problems; it implements error.
type Diagnostics []Diagnostic

// Error returns every diagnostic, one per line.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

// Errors returns only the diagnostics of severity Error.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Warnings returns only the diagnostics of severity Warning.
func (ds Diagnostics) Warnings() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == Warning {
			out = append(out, d)
		}
	}
	return out
}

// Sort orders the diagnostics by position, keeping the order of those at the
// same position.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		if ds[i].Line != ds[j].Line {
			return ds[i].Line < ds[j].Line
		}
		return ds[i].Col < ds[j].Col
	})
}

// Format prints each diagnostic followed by its source line from src and a
// caret under the column, as compilers do.
func (ds Diagnostics) Format(src []byte) string {
	lines := strings.Split(string(src), "\n")
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.Error())
		b.WriteByte('\n')
		if d.Line < 1 || d.Line > len(lines) {
			continue
		}
		line := strings.TrimRight(lines[d.Line-1], "\r")
		b.WriteString("    ")
		b.WriteString(line)
		b.WriteByte('\n')
		b.WriteString("    ")
		col := d.Col
		if col < 1 {
			col = 1
		}
		// Pad with the line's own tabs so the caret lines up however tabs render.
		i := 0
		for _, r := range line {
			if i >= col-1 {
				break
			}
			if r == '\t' {
				b.WriteByte('\t')
			} else {
				b.WriteByte(' ')
			}
			i++
		}
		for ; i < col-1; i++ {
			b.WriteByte(' ')
		}
		b.WriteString("^\n")
	}
	return b.String()
}
