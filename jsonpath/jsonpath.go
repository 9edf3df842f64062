// Package jsonpath implements the JSONPath template language used by kubectl
// (`kubectl get -o jsonpath=...`, `kubectl wait --for=jsonpath=...`).
//
// A template is literal text interleaved with actions in braces:
//
//	{.items[*].metadata.name}
//	{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}
//
// Supported inside an action: fields (.a.b, escaped dots .a\.b), the current
// object (@ or $), indexes and slices ([0], [-1], [1:3], [::2], [*]), unions
// ([0,2], ['a','b']), quoted keys (['key'] — note that, as in kubectl, dots in a
// quoted key are path separators unless escaped), wildcards (.*), recursive
// descent (..name), filters ([?(@.status=="True")] with ==, !=, <, <=, >, >=
// and bare existence tests), string literals ("\n", '\t'), number and boolean
// literals and {range ...}...{end} loops, which may nest.
//
// Evaluation and output follow kubectl 1.32 closely, including its quirks:
// results of one action are joined by a single space, strings are written
// unquoted, maps and slices as compact JSON with sorted keys, numbers that are
// integral as integers, and comparisons between values of different kinds
// (for example a string and a number) are errors. Unlike kubectl, map values
// reached through wildcards or recursive descent are visited in sorted key
// order, so output is deterministic.
//
// The package has no dependencies outside the standard library.
package jsonpath

import (
	"bytes"
	"fmt"
	"io"
)

// Template is a parsed JSONPath template. A Template is safe for concurrent
// use by multiple goroutines once configured; configure it (AllowMissingKeys)
// before sharing it.
type Template struct {
	src        string
	nodes      []node // *textNode or *listNode
	allowMiss  bool
	stepBudget int // if > 0, the evaluation budget in steps, instead of the default (tests)
}

// Parse compiles a template such as `{.items[*].metadata.name}` or
// `{range .items[*]}{.metadata.name}{"\n"}{end}`. Syntax errors are returned
// as *ParseError. Unknown identifiers (for example `{items}`, which lacks the
// leading dot) and unknown filter operators are reported here, whereas kubectl
// only reports them when the action is evaluated.
//
// The returned Template allows missing keys, as `kubectl get -o jsonpath`
// and `kubectl wait --for=jsonpath` do; see AllowMissingKeys.
func Parse(template string) (*Template, error) {
	p := &parser{src: template}
	nodes, err := p.parseTemplate()
	if err != nil {
		return nil, err
	}
	return &Template{src: template, nodes: nodes, allowMiss: true}, nil
}

// String returns the source text of the template.
func (t *Template) String() string { return t.src }

// AllowMissingKeys sets whether a field that selects nothing is silently
// ignored (true, the default, like kubectl's --allow-missing-template-keys)
// or reported as an error of the form "name is not found". It returns t for
// chaining.
func (t *Template) AllowMissingKeys(allow bool) *Template {
	t.allowMiss = allow
	return t
}

// Execute evaluates the template against data and writes the output to w,
// formatted like kubectl. data is decoded JSON: map[string]any, []any,
// string, float64 or json.Number, bool or nil (other Go values are converted
// through encoding/json). Nothing is written when evaluation fails.
//
// Evaluation and output share a budget of 1,000,000 steps plus, once
// those are used, 64 per value in data (see baseSteps in eval.go); a
// template that needs more fails with an error of the form `jsonpath:
// template "..." exceeds the evaluation budget of N steps`.
func (t *Template) Execute(w io.Writer, data any) error {
	x := t.executor(data)
	results, err := x.run(x.root, 0)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	for _, set := range results {
		for i, v := range set {
			if i > 0 {
				buf.WriteByte(' ')
			}
			if err := writeValue(&buf, v, x.charge); err != nil {
				return err
			}
		}
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// FindResults evaluates the template against data and returns, for every
// top-level action or text segment (repeated for each iteration of a range),
// the values it selects. Literal text and string literals are returned as
// strings. This is what `kubectl wait --for=jsonpath` inspects. It has the
// same evaluation budget as Execute, without the output.
func (t *Template) FindResults(data any) ([][]any, error) {
	x := t.executor(data)
	results, err := x.run(x.root, 0)
	if err != nil {
		return nil, err
	}
	out := make([][]any, len(results))
	for i, set := range results {
		vals := make([]any, len(set))
		for j, v := range set {
			vals[j] = exported(v)
		}
		out[i] = vals
	}
	return out, nil
}

// FormatValue formats a single value the way Execute prints one result:
// strings unquoted, integral numbers without decimals, maps and slices as
// compact JSON, nil as "null". It is useful to compare a value returned by
// FindResults with an expected string, as `kubectl wait --for=jsonpath=...=value`
// does.
func FormatValue(v any) string {
	var buf bytes.Buffer
	if err := writeValue(&buf, canon(v), nil); err != nil {
		return fmt.Sprint(v)
	}
	return buf.String()
}

// executor returns the executor for one evaluation of t on data.
func (t *Template) executor(data any) *executor {
	root := canon(data)
	if root == nil {
		root = noValue
	}
	return newExecutor(t, root)
}
