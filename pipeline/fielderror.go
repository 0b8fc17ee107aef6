package pipeline

import (
	"errors"
	"fmt"
	"strings"
)

// FieldError is a problem with one key of a configuration block. Field is a
// path relative to the block, such as "threshold" or "rules[1].when"; the
// experiment loader turns it into a file:line:col position.
type FieldError struct {
	Field string
	Msg   string
}

// Error implements error.
func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// Errorf returns a *FieldError for field with a formatted message.
func Errorf(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// FieldErrors collects several field problems so that all are reported at once.
type FieldErrors []*FieldError

// Error implements error.
func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Add appends a problem.
func (es *FieldErrors) Add(field, format string, args ...any) {
	*es = append(*es, Errorf(field, format, args...))
}

// Err returns nil when there are no problems, and the list otherwise.
func (es FieldErrors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// AsFieldErrors flattens err into field problems. An error that carries no
// field becomes one problem with an empty Field.
func AsFieldErrors(err error) FieldErrors {
	if err == nil {
		return nil
	}
	var list FieldErrors
	if errors.As(err, &list) {
		return list
	}
	var one *FieldError
	if errors.As(err, &one) {
		return FieldErrors{one}
	}
	return FieldErrors{{Msg: err.Error()}}
}
