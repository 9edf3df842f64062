package main

import (
	"fmt"
	"strings"
)

// parseLabelArgs reads kubectl-style label and annotation arguments:
// "key=value" sets a key and "key-" removes it.
func parseLabelArgs(args []string) (set map[string]string, remove []string, err error) {
	set = map[string]string{}
	for _, a := range args {
		if k, v, ok := strings.Cut(a, "="); ok {
			if k == "" {
				return nil, nil, fmt.Errorf("invalid argument %q: want key=value or key-", a)
			}
			set[k] = v
			continue
		}
		if k, ok := strings.CutSuffix(a, "-"); ok && k != "" {
			remove = append(remove, k)
			continue
		}
		return nil, nil, fmt.Errorf("invalid argument %q: want key=value to set or key- to remove", a)
	}
	for _, k := range remove {
		if _, ok := set[k]; ok {
			return nil, nil, fmt.Errorf("cannot both set and remove %q", k)
		}
	}
	return set, remove, nil
}
