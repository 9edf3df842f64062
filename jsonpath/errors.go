package jsonpath

import (
	"errors"
	"fmt"
)

// ParseError describes a malformed template. Pos is the byte offset in the
// template at which the problem was detected.
type ParseError struct {
	Pos int
	Msg string
}

// Error implements the error interface, for example "unclosed action at 7".
func (e *ParseError) Error() string {
	return fmt.Sprintf("%s at %d", e.Msg, e.Pos)
}

// ErrBudget is wrapped by the error for an evaluation that exceeds its
// budget.
var ErrBudget = errors.New("jsonpath: evaluation budget exceeded")

// budgetError reports that an evaluation of template took more than steps
// steps.
type budgetError struct {
	template string
	steps    int
}

// Error names the template (its first 200 bytes) and the budget, for
// example `jsonpath: template "{range ..}..." exceeds the evaluation
// budget of 1000000 steps`.
func (e *budgetError) Error() string {
	t := e.template
	if len(t) > 200 {
		t = t[:200] + "..."
	}
	return fmt.Sprintf("jsonpath: template %q exceeds the evaluation budget of %d steps", t, e.steps)
}

func (e *budgetError) Unwrap() error { return ErrBudget }
