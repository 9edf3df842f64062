package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestLabelArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		set     map[string]string
		remove  []string
		wantErr bool
	}{
		{args: []string{"a=b", "c-"}, set: map[string]string{"a": "b"}, remove: []string{"c"}},
		{args: []string{"app.kubernetes.io/name=web", "empty="}, set: map[string]string{"app.kubernetes.io/name": "web", "empty": ""}},
		{args: []string{"a=b=c"}, set: map[string]string{"a": "b=c"}},
		{args: nil, set: map[string]string{}},
		{args: []string{"a"}, wantErr: true},
		{args: []string{"-"}, wantErr: true},
		{args: []string{"=b"}, wantErr: true},
		{args: []string{"a=1", "a-"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			set, remove, err := parseLabelArgs(tt.args)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want an error, got %v %v", set, remove)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(set, tt.set) || !reflect.DeepEqual(remove, tt.remove) {
				t.Fatalf("got %v %v %v; want %v %v", set, remove, err, tt.set, tt.remove)
			}
		})
	}
}
