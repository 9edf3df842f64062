package jsonpath

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
)

// missing is the type of noValue, the context of a range iteration over a
// null element (and of an empty range's skipped body). kubectl prints it as
// "<no value>".
type missing struct{}

var noValue = missing{}

// floatLit is a floating point literal from the template. It is kept apart
// from float64 data because kubectl never compares a float literal equal to an
// integral data value.
type floatLit float64

// The evaluation budget. Every execution of a template (Execute or
// FindResults) may take baseSteps steps, and once those are used up,
// stepsPerValue more for each value in the data (counted by countValues,
// only then). A step is one template node applied to one input value
// (plus one per node applied), one value produced by a wildcard, a
// recursive descent or an index or slice, or one value, or bytesPerStep
// bytes of strings and keys, written by Execute.
//
// Templates kubectl users write take a few steps per value of the data:
// on a list of 6000 pods (408000 values), ranges over items take 0.4,
// "{..name}" 12.5, and even printing every value with all its descendants
// ("{..}", "{...*}", "{range ..}{@}{end}") 18 to 29, so they fit the
// budget on data of any size. Templates whose work grows faster than the
// data, such as nested ranges over recursive descent on deep data, fail
// with the budget error. Steps also bound time and memory: they measured
// 50 to 200 ns and up to about 35 bytes allocated each, so baseSteps is at
// most a fifth of a second, and a failing evaluation allocates at most a
// few KB per value of its data.
const (
	baseSteps     = 1_000_000
	stepsPerValue = 64
	bytesPerStep  = 16
)

// executor holds the state of one evaluation. The range bookkeeping follows
// kubectl's linear evaluation so that templates with unbalanced range/end
// produce the same output.
type executor struct {
	t       *Template
	begin   int  // pending range keywords
	inRange int  // depth of active ranges
	ending  int  // pending end keywords
	lastEnd int  // index in t.nodes of the most recent end that closed a block
	root    any  // the data, for counting its values
	budget  int  // steps left; an evaluation fails when it goes below zero
	steps   int  // steps allowed so far
	grown   bool // the budget has its share for the data's values
}

// newExecutor returns an executor for one evaluation of t on root: with
// t.stepBudget steps if that is set (tests), else baseSteps, to grow by
// stepsPerValue per value of root when used up.
func newExecutor(t *Template, root any) *executor {
	x := &executor{t: t, lastEnd: -1, root: root, budget: baseSteps, steps: baseSteps}
	if t.stepBudget > 0 {
		x.budget, x.steps, x.grown = t.stepBudget, t.stepBudget, true
	}
	return x
}

// charge spends n steps. When the steps run out the first time, the budget
// grows by stepsPerValue per value in the data; when they run out after
// that, charge returns the budget error, and so does every later call.
func (x *executor) charge(n int) error {
	x.budget -= n
	if x.budget >= 0 {
		return nil
	}
	if !x.grown {
		x.grown = true
		more := stepsPerValue * countValues(x.root)
		x.budget += more
		x.steps += more
		if x.budget >= 0 {
			return nil
		}
	}
	return &budgetError{template: x.t.src, steps: x.steps}
}

// countValues returns the number of values in v, counting a string as one
// value plus one per bytesPerStep bytes. Values that are not decoded JSON
// are converted as the evaluation converts them (see canon) and counted
// in that form.
func countValues(v any) int {
	switch t := v.(type) {
	case map[string]any:
		n := 1
		for _, e := range t {
			n += countValues(e)
		}
		return n
	case []any:
		n := 1
		for _, e := range t {
			n += countValues(e)
		}
		return n
	case string:
		return 1 + len(t)/bytesPerStep
	case nil, bool, float64, json.Number, int64, int, floatLit, missing:
		return 1
	}
	switch c := canon(v).(type) {
	case map[string]any, []any, string:
		return countValues(c)
	}
	return 1
}

// run evaluates the top-level nodes from index from on with data as the
// current object, stopping at an end that closes the current range.
func (x *executor) run(data any, from int) ([][]any, error) {
	var out [][]any
	nodes := x.t.nodes
	for i := from; i < len(nodes); i++ {
		res, err := x.walk([]any{data}, nodes[i])
		if err != nil {
			return nil, err
		}
		if x.ending > 0 && x.ending <= x.inRange {
			x.ending--
			x.lastEnd = i
			break
		}
		if x.begin > 0 {
			x.begin--
			x.inRange++
			if len(res) > 0 {
				for _, v := range res {
					if v == nil {
						v = noValue
					}
					sub, err := x.run(v, i+1)
					if err != nil {
						return nil, err
					}
					out = append(out, sub...)
				}
			} else if _, err := x.run(noValue, i+1); err != nil {
				// The body is still evaluated to find its end.
				return nil, err
			}
			x.inRange--
			if x.lastEnd > i {
				i = x.lastEnd
			}
			continue
		}
		out = append(out, res)
	}
	return out, nil
}

func (x *executor) walk(in []any, n node) ([]any, error) {
	if err := x.charge(1 + len(in)); err != nil {
		return nil, err
	}
	switch n := n.(type) {
	case *listNode:
		return x.evalList(in, n)
	case *textNode:
		return []any{n.text}, nil
	case *fieldNode:
		return x.evalField(in, n)
	case *arrayNode:
		return x.evalArray(in, n)
	case *filterNode:
		return x.evalFilter(in, n)
	case *intNode:
		return repeat(in, n.v), nil
	case *floatNode:
		return repeat(in, floatLit(n.v)), nil
	case *boolNode:
		return repeat(in, n.v), nil
	case *wildcardNode:
		var out []any
		for _, v := range in {
			if err := x.charge(countMembers(v)); err != nil {
				return nil, err
			}
			out = appendMembers(out, v)
		}
		return out, nil
	case *recursiveNode:
		return x.recursive(nil, in)
	case *unionNode:
		var out []any
		for _, part := range n.parts {
			res, err := x.evalList(in, part)
			if err != nil {
				return nil, err
			}
			out = append(out, res...)
		}
		return out, nil
	case *identNode:
		if n.name == "range" {
			x.begin++
			return in, nil
		}
		if x.inRange == 0 {
			return nil, errors.New("not in range, nothing to end")
		}
		x.ending++
		return nil, nil
	}
	return nil, fmt.Errorf("unexpected node %T", n)
}

func repeat(in []any, v any) []any {
	out := make([]any, len(in))
	for i := range out {
		out[i] = v
	}
	return out
}

func (x *executor) evalList(in []any, l *listNode) ([]any, error) {
	cur := in
	for _, n := range l.nodes {
		var err error
		if cur, err = x.walk(cur, n); err != nil {
			return nil, err
		}
	}
	return cur, nil
}

func (x *executor) evalField(in []any, f *fieldNode) ([]any, error) {
	if len(in) == 0 {
		return nil, nil
	}
	var out []any
	for _, v := range in {
		if m, ok := v.(map[string]any); ok {
			if child, ok := m[f.name]; ok {
				out = append(out, canon(child))
			}
		}
	}
	if len(out) == 0 && !x.t.allowMiss {
		return nil, fmt.Errorf("%s is not found", f.name)
	}
	return out, nil
}

func (x *executor) evalArray(in []any, a *arrayNode) ([]any, error) {
	var out []any
	for _, v := range in {
		if v == nil || v == noValue {
			continue
		}
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%s is not array or slice", goTypeName(v))
		}
		n := len(arr)
		p := a.params
		if !p[0].known {
			p[0].v = 0
		}
		if p[0].v < 0 {
			p[0].v += n
		}
		if !p[1].known {
			p[1].v = n
		}
		if p[1].v < 0 || (p[1].v == 0 && p[1].derived) {
			p[1].v += n
		}
		start, end := p[0].v, p[1].v
		if start == end {
			// kubectl stops at the first empty selection.
			return out, nil
		}
		if start >= n || start < 0 {
			return nil, fmt.Errorf("array index out of bounds: index %d, length %d", start, n)
		}
		if end > n || end < 0 {
			return nil, fmt.Errorf("array index out of bounds: index %d, length %d", end-1, n)
		}
		if start > end {
			return nil, fmt.Errorf("starting index %d is greater than ending index %d", start, end)
		}
		step := 1
		if p[2].known {
			if p[2].v <= 0 {
				return nil, errors.New("step must be > 0")
			}
			step = p[2].v
		}
		if err := x.charge((end - start + step - 1) / step); err != nil {
			return nil, err
		}
		for i := start; i < end; {
			out = append(out, canon(arr[i]))
			if step >= end-i {
				break
			}
			i += step
		}
	}
	return out, nil
}

func (x *executor) evalFilter(in []any, f *filterNode) ([]any, error) {
	var out []any
	for _, v := range in {
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%s is not array or slice and cannot be filtered", describe(v))
		}
		for _, elem := range arr {
			elem = canon(elem)
			cur := []any{elem}
			lefts, err := x.evalList(cur, f.left)
			if f.op == "exists" {
				if len(lefts) > 0 {
					out = append(out, elem)
				}
				continue
			}
			if err != nil {
				return nil, err
			}
			if len(lefts) == 0 {
				continue
			}
			if len(lefts) > 1 {
				return nil, errors.New("can only compare one element at a time")
			}
			rights, err := x.evalList(cur, f.right)
			if err != nil {
				return nil, err
			}
			if len(rights) == 0 {
				continue
			}
			if len(rights) > 1 {
				return nil, errors.New("can only compare one element at a time")
			}
			pass, err := compare(f.op, lefts[0], rights[0])
			if err != nil {
				return nil, err
			}
			if pass {
				out = append(out, elem)
			}
		}
	}
	return out, nil
}

// appendMembers appends the children of v: map values in key order, array
// elements, or the bytes of a string (as kubectl does) to out.
func appendMembers(out []any, v any) []any {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			out = append(out, canon(v[k]))
		}
	case []any:
		for _, e := range v {
			out = append(out, canon(e))
		}
	case string:
		for i := 0; i < len(v); i++ {
			out = append(out, int64(v[i]))
		}
	}
	return out
}

// countMembers returns the number of values appendMembers appends for v.
func countMembers(v any) int {
	switch v := v.(type) {
	case map[string]any:
		return len(v)
	case []any:
		return len(v)
	case string:
		return len(v)
	}
	return 0
}

// recursive appends, in pre-order, every value of in that has children
// followed by its descendants. Each value visited costs a step, and so
// does each of its children, charged before they are listed.
func (x *executor) recursive(out []any, in []any) ([]any, error) {
	for _, v := range in {
		n := countMembers(v)
		if err := x.charge(1 + n); err != nil {
			return nil, err
		}
		if n == 0 {
			continue
		}
		out = append(out, v)
		var err error
		if out, err = x.recursive(out, appendMembers(nil, v)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// canon returns v unchanged when it is a decoded JSON value and otherwise
// converts it: Go integers and float32 to numbers, anything else through an
// encoding/json round trip.
func canon(v any) any {
	switch t := v.(type) {
	case nil, string, bool, float64, json.Number, map[string]any, []any, int64, int, floatLit, missing:
		return v
	case int8:
		return int64(t)
	case int16:
		return int64(t)
	case int32:
		return int64(t)
	case uint8:
		return int64(t)
	case uint16:
		return int64(t)
	case uint32:
		return int64(t)
	case uint:
		return json.Number(strconv.FormatUint(uint64(t), 10))
	case uint64:
		return json.Number(strconv.FormatUint(t, 10))
	case float32:
		return float64(t)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if err := unmarshalNumber(b, &out); err != nil {
		return v
	}
	return out
}

// exported converts an internal value for FindResults.
func exported(v any) any {
	switch t := v.(type) {
	case missing:
		return nil
	case floatLit:
		return float64(t)
	}
	return v
}

// number classifies a numeric value the way kubectl sees decoded JSON:
// integral values that fit in int64 are integers, others floats.
func number(v any) (i int64, f float64, isInt, ok bool) {
	switch t := v.(type) {
	case int:
		return int64(t), 0, true, true
	case int64:
		return t, 0, true, true
	case floatLit:
		return 0, float64(t), false, true
	case float64:
		f = t
	case json.Number:
		if n, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return n, 0, true, true
		}
		var err error
		if f, err = strconv.ParseFloat(string(t), 64); err != nil {
			return 0, 0, false, false
		}
	default:
		return 0, 0, false, false
	}
	if f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 {
		return int64(f), 0, true, true
	}
	return 0, f, false, true
}

type kind int

const (
	badKind kind = iota
	boolKind
	intKind
	floatKind
	stringKind
)

func kindOf(v any) (kind, int64, float64) {
	switch v.(type) {
	case bool:
		return boolKind, 0, 0
	case string:
		return stringKind, 0, 0
	}
	if i, f, isInt, ok := number(v); ok {
		if isInt {
			return intKind, i, 0
		}
		return floatKind, 0, f
	}
	return badKind, 0, 0
}

var (
	errBadType       = errors.New("invalid type for comparison")
	errIncompatible  = errors.New("incompatible types for comparison")
	errUnknownFilter = errors.New("unrecognized filter operator")
)

// compare applies a filter operator with kubectl's typing rules.
func compare(op string, a, b any) (bool, error) {
	switch op {
	case "==":
		return equal(a, b)
	case "!=":
		eq, err := equal(a, b)
		return !eq, err
	case "<":
		return less(a, b)
	case ">=":
		lt, err := less(a, b)
		return !lt, err
	case "<=", ">":
		lt, err := less(a, b)
		if err != nil {
			return false, err
		}
		le := lt
		if !lt {
			if le, err = equal(a, b); err != nil {
				return false, err
			}
		}
		if op == ">" {
			return !le, nil
		}
		return le, nil
	}
	return false, fmt.Errorf("%w %s", errUnknownFilter, op)
}

func operands(a, b any) (kind, [2]int64, [2]float64, error) {
	ka, ia, fa := kindOf(a)
	if ka == badKind {
		return 0, [2]int64{}, [2]float64{}, errBadType
	}
	kb, ib, fb := kindOf(b)
	if kb == badKind {
		return 0, [2]int64{}, [2]float64{}, errBadType
	}
	if ka != kb {
		return 0, [2]int64{}, [2]float64{}, errIncompatible
	}
	return ka, [2]int64{ia, ib}, [2]float64{fa, fb}, nil
}

func equal(a, b any) (bool, error) {
	k, i, f, err := operands(a, b)
	if err != nil {
		return false, err
	}
	switch k {
	case boolKind:
		return a.(bool) == b.(bool), nil
	case stringKind:
		return a.(string) == b.(string), nil
	case intKind:
		return i[0] == i[1], nil
	default:
		return f[0] == f[1], nil
	}
}

func less(a, b any) (bool, error) {
	k, i, f, err := operands(a, b)
	if err != nil {
		return false, err
	}
	switch k {
	case boolKind:
		return false, errBadType
	case stringKind:
		return a.(string) < b.(string), nil
	case intKind:
		return i[0] < i[1], nil
	default:
		return f[0] < f[1], nil
	}
}

// goTypeName names v's type as kubectl's unstructured data would.
func goTypeName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "map[string]interface {}"
	case string:
		return "string"
	case bool:
		return "bool"
	case floatLit:
		return "float64"
	case int:
		return "int"
	}
	if _, _, isInt, ok := number(v); ok {
		if isInt {
			return "int64"
		}
		return "float64"
	}
	return reflect.TypeOf(v).String()
}

// describe formats v for error messages.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "<nil>"
	case missing:
		return "<no value>"
	}
	return fmt.Sprint(v)
}
