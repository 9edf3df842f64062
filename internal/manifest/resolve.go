package manifest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// This file resolves YAML scalars the way Kubernetes does. kubectl and the
// API machinery convert YAML to JSON with sigs.k8s.io/yaml, which is built
// on a fork of go-yaml v2 and so follows YAML 1.1 for plain scalars:
// y/yes/on/true (any of the usual casings) are booleans, 0x1F, 0o17, 017,
// 0b101 and 1_000 are integers, timestamps stay strings, and so on.

// Long tag names.
const (
	tagStr       = "tag:yaml.org,2002:str"
	tagInt       = "tag:yaml.org,2002:int"
	tagFloat     = "tag:yaml.org,2002:float"
	tagBool      = "tag:yaml.org,2002:bool"
	tagNull      = "tag:yaml.org,2002:null"
	tagTimestamp = "tag:yaml.org,2002:timestamp"
	tagBinary    = "tag:yaml.org,2002:binary"
	tagMerge     = "tag:yaml.org,2002:merge"
)

// longTag expands the "!!" shorthand and the verbatim "!<...>" form.
func longTag(t string) string {
	switch {
	case strings.HasPrefix(t, "!!"):
		return "tag:yaml.org,2002:" + t[2:]
	case strings.HasPrefix(t, "!<") && strings.HasSuffix(t, ">"):
		return t[2 : len(t)-1]
	}
	return t
}

func shortTag(t string) string {
	if s, ok := strings.CutPrefix(t, "tag:yaml.org,2002:"); ok {
		return "!!" + s
	}
	return t
}

type resolved struct {
	tag string
	val any // nil, bool, string, int64, uint64 or float64
}

var resolveMap = func() map[string]resolved {
	m := map[string]resolved{}
	add := func(tag string, v any, names ...string) {
		for _, n := range names {
			m[n] = resolved{tag, v}
		}
	}
	add(tagBool, true, "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")
	add(tagBool, false, "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")
	add(tagNull, nil, "", "~", "null", "Null", "NULL")
	add(tagFloat, math.NaN(), ".nan", ".NaN", ".NAN")
	add(tagFloat, math.Inf(1), ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")
	add(tagFloat, math.Inf(-1), "-.inf", "-.Inf", "-.INF")
	return m
}()

var yamlStyleFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// resolvePlain resolves an untagged plain scalar.
func resolvePlain(in string) resolved {
	if in == "" {
		return resolved{tagNull, nil}
	}
	var hint byte
	switch c := in[0]; {
	case c == '+' || c == '-':
		hint = 'S'
	case c >= '0' && c <= '9':
		hint = 'D'
	case c == '.':
		hint = '.'
	case strings.IndexByte("yYnNtTfFoO~", c) >= 0:
		hint = 'M'
	}
	if hint == 0 {
		return resolved{tagStr, in}
	}
	if r, ok := resolveMap[in]; ok {
		return r
	}
	switch hint {
	case '.':
		if f, err := strconv.ParseFloat(in, 64); err == nil {
			return resolved{tagFloat, f}
		}
	case 'D', 'S':
		if isTimestamp(in) {
			return resolved{tagTimestamp, in}
		}
		plain := strings.ReplaceAll(in, "_", "")
		if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return resolved{tagInt, i}
		}
		if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return resolved{tagInt, u}
		}
		if yamlStyleFloat.MatchString(plain) {
			if f, err := strconv.ParseFloat(plain, 64); err == nil {
				return resolved{tagFloat, f}
			}
		}
		if rest, ok := strings.CutPrefix(plain, "0b"); ok {
			if u, err := strconv.ParseUint(rest, 2, 64); err == nil {
				if u <= math.MaxInt64 {
					return resolved{tagInt, int64(u)}
				}
				return resolved{tagInt, u}
			}
		} else if rest, ok := strings.CutPrefix(plain, "-0b"); ok {
			if i, err := strconv.ParseInt("-"+rest, 2, 64); err == nil {
				return resolved{tagInt, i}
			}
		}
	}
	return resolved{tagStr, in}
}

var timestampFormats = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

// isTimestamp reports whether s is one of the timestamp forms go-yaml v2
// recognises. Kubernetes keeps timestamps as the original strings.
func isTimestamp(s string) bool {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, f := range timestampFormats {
		if _, err := time.Parse(f, s); err == nil {
			return true
		}
	}
	return false
}

// resolveScalar resolves a scalar with the given (long) tag. tag is "" for
// an untagged scalar; quoted and block scalars without a tag are strings.
func resolveScalar(tag, text string, plain bool) (any, error) {
	switch tag {
	case "":
		if !plain {
			return text, nil
		}
		return resolvePlain(text).val, nil
	case "!", tagStr:
		return text, nil
	case tagBinary:
		data, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return nil, fmt.Errorf("!!binary value contains invalid base64 data")
		}
		return string(data), nil
	case tagNull:
		if r := resolvePlain(text); r.tag == tagNull {
			return nil, nil
		}
		return nil, fmt.Errorf("cannot decode %q as a !!null", text)
	case tagInt, tagFloat, tagBool, tagTimestamp:
		r := resolvePlain(text)
		if r.tag == tag {
			return r.val, nil
		}
		if tag == tagFloat && r.tag == tagInt {
			switch v := r.val.(type) {
			case int64:
				return float64(v), nil
			case uint64:
				return float64(v), nil
			}
		}
		return nil, fmt.Errorf("cannot decode %s %q as a %s", shortTag(r.tag), text, shortTag(tag))
	}
	// Application-specific tags are not resolved: the text is a string.
	return text, nil
}

// scalarValue turns a resolved scalar into a value.
func scalarValue(v any) (any, error) {
	switch t := v.(type) {
	case int64:
		return number(strconv.FormatInt(t, 10)), nil
	case uint64:
		return number(strconv.FormatUint(t, 10)), nil
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return nil, fmt.Errorf("unsupported value: %v (JSON has no infinities or NaN)", t)
		}
		b, err := json.Marshal(t)
		if err != nil {
			return nil, err
		}
		return number(b), nil
	}
	return v, nil
}

// keyString turns a resolved scalar used as a mapping key into a JSON
// object key, as sigs.k8s.io/yaml does.
func keyString(v any) (string, error) {
	switch t := v.(type) {
	case string:
		return t, nil
	case bool:
		return strconv.FormatBool(t), nil
	case int64:
		return strconv.FormatInt(t, 10), nil
	case uint64:
		return strconv.FormatUint(t, 10), nil
	case float64:
		switch {
		case math.IsInf(t, 1):
			return ".inf", nil
		case math.IsInf(t, -1):
			return "-.inf", nil
		case math.IsNaN(t):
			return ".nan", nil
		}
		return strconv.FormatFloat(t, 'g', -1, 32), nil
	case nil:
		return "", fmt.Errorf("unsupported map key: null")
	}
	return "", fmt.Errorf("unsupported map key of type %T", v)
}
