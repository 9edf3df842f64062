package kr8s

import (
	"errors"
	"testing"

	"github.com/kr8s-go/kr8s/jsonpath"
)

func TestParseCondition(t *testing.T) {
	pod := &Object{raw: map[string]any{
		"status": map[string]any{
			"phase":      "Running",
			"conditions": []any{map[string]any{"type": "Ready", "status": "True"}, map[string]any{"type": "Initialized", "status": "False"}},
		},
		"spec": map[string]any{"replicas": float64(3)},
	}}
	tests := []struct {
		cond    string
		obj     *Object
		want    bool
		invalid bool
	}{
		{"condition=Ready", pod, true, false},
		{"condition=ready", pod, true, false},
		{"condition=Ready=false", pod, false, false},
		{"condition=Initialized=False", pod, true, false},
		{"condition=Missing", pod, false, false},
		{"delete", pod, false, false},
		{"delete", nil, true, false},
		{"jsonpath='{.status.phase}'=Running", pod, true, false},
		{`jsonpath="{.status.phase}"=Running`, pod, true, false},
		{"jsonpath={.status.phase}=Pending", pod, false, false},
		{"jsonpath={.spec.replicas}=3", pod, true, false},
		{"jsonpath={.spec.replicas}", pod, true, false},
		{"jsonpath={.spec.nothing}", pod, false, false},
		{"jsonpath=.status.phase=Running", pod, true, false},
		{"jsonpath='{.status.phase", pod, false, true},
		{"jsonpath={.status[}=x", pod, false, true},
		{"condition=", pod, false, true},
		{"ready", pod, false, true},
	}
	for _, tt := range tests {
		c, err := parseCondition(tt.cond)
		if (err != nil) != tt.invalid {
			t.Errorf("%q: error %v, want invalid=%v", tt.cond, err, tt.invalid)
			continue
		}
		if err != nil {
			continue
		}
		got, err := c.check(tt.obj)
		if err != nil || got != tt.want {
			t.Errorf("%q: check = %v, %v; want %v", tt.cond, got, err, tt.want)
		}
	}
}

// TestConditionOverBudget: a jsonpath condition whose evaluation exceeds
// the JSONPath step budget fails the wait at once, instead of reading as
// "not yet" until the wait's timeout.
func TestConditionOverBudget(t *testing.T) {
	// A chain 600 deep: descendants, their children and the descendants
	// of those are 36 million values, far over the budget.
	var chain any = "leaf"
	for range 600 {
		chain = map[string]any{"a": chain}
	}
	obj := &Object{raw: map[string]any{"spec": chain}}
	c, err := parseCondition("jsonpath={...*...*..}=x")
	if err != nil {
		t.Fatal(err)
	}
	ok, err := c.check(obj)
	if ok || !errors.Is(err, jsonpath.ErrBudget) {
		t.Fatalf("check = %v, %v; want the budget error", ok, err)
	}
}
