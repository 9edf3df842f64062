package jsonany

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// cases are inputs where decoders commonly go wrong.
var cases = []string{
	`null`, `true`, `false`, `0`, `-0`, `1`, `-1`, `123456789012345`, `1234567890123456789`,
	`-9007199254740993`, `1.5`, `-1.5e10`, `1E+2`, `1e-400`, `1e400`, `01`, `-`, `1.`, `1.e5`, `1e`, `.5`, `+1`,
	`""`, `"abc"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u4e2d"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`,
	`"\ude00\ud83d"`, `"\ud83d\u0041"`, `"\ud83d\uzzzz"`, `"\u12"`, `"\x"`, "\"a\x01b\"", "\"\xff\xfe\"",
	"\"caf\xc3\xa9\"", "\"\xc3\"", "\"a\xed\xa0\x80b\"", `"unterminated`, `"\`,
	`{}`, `[]`, `{"a":1,"b":[1,2,{"c":null}],"d":{"e":"f"}}`, `{"a":1,"a":2}`, `[1,2,]`, `{"a":1,}`,
	`{"a" 1}`, `{a:1}`, `{"a":1 "b":2}`, `[1 2]`, `[`, `{`, `{"a"`, `{"a":`, `[1,`, ` [ 1 , 2 ] `,
	`tru`, `trux`, `nul`, `falsey`, `1 2`, `{} x`, "\t\n\r {}\n", ``, ` `, `[[[[[]]]]]`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, in := range cases {
		compare(t, in)
	}
}

// compare checks that Decode agrees with encoding/json on in: the same
// value, or both an error.
func compare(t *testing.T, in string) {
	t.Helper()
	var want any
	wantErr := json.Unmarshal([]byte(in), &want)
	got, err := Decode(in)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("Decode(%.60q): err %v, encoding/json: %v", in, err, wantErr)
	}
	if err != nil {
		return
	}
	if !equal(got, want) {
		t.Fatalf("Decode(%.60q) = %#v, encoding/json gives %#v", in, got, want)
	}
}

// equal is reflect.DeepEqual that also tells -0 from 0.
func equal(a, b any) bool {
	if fa, ok := a.(float64); ok {
		fb, ok := b.(float64)
		return ok && fa == fb && math.Signbit(fa) == math.Signbit(fb)
	}
	return reflect.DeepEqual(a, b)
}

func TestDecodeErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1 "b":2}`: "invalid character '\"' after object key:value pair",
		`[1 2]`:         "invalid character '2' after array element",
		`{a:1}`:         "invalid character 'a' looking for beginning of object key string",
		"\"a\x01\"":     `invalid character '\x01' in string literal`,
		`trux`:          "invalid character 'x' in literal true (expecting 'e')",
		`1e400`:         "number 1e400 does not fit in a float64",
	} {
		_, err := Decode(in)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Error() != want {
			t.Errorf("Decode(%q) = %v, want %q", in, err, want)
		}
	}
	for _, in := range []string{`{"a":`, `[1,`, `"abc`, `tr`, `-`} {
		if _, err := Decode(in); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("Decode(%q) = %v, want io.ErrUnexpectedEOF", in, err)
		}
	}
	if _, err := DecodeObject(`[1]`); err == nil || !strings.Contains(err.Error(), "want a JSON object, got an array") {
		t.Errorf("DecodeObject([1]) = %v", err)
	}
}

// TestDecodeSharesInput checks the point of the package: plain strings
// are slices of the input, not copies.
func TestDecodeSharesInput(t *testing.T) {
	in := `{"name":"web-1"}`
	m, err := DecodeObject(in)
	if err != nil {
		t.Fatal(err)
	}
	if allocs := testing.AllocsPerRun(100, func() { _, _ = DecodeObject(in) }); allocs > 3 {
		t.Errorf("DecodeObject of one member made %v allocations, want at most 3 (map, boxed string, map header)", allocs)
	}
	if m["name"] != "web-1" {
		t.Fatalf("got %v", m)
	}
}

func FuzzDecode(f *testing.F) {
	for _, c := range cases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, in string) { compare(t, in) })
}

func TestReaderSplitsAList(t *testing.T) {
	body := ` {"kind":"PodList","metadata":{"continue":"x\"}"},"items":[{"a":"]}"},
	{"b":[1,{"c":2}]} , 3, "s", null, true],"extra":null}`
	for name, r := range map[string]io.Reader{
		"whole":     strings.NewReader(body),
		"byte-wise": iotest.OneByteReader(strings.NewReader(body)),
		"half":      iotest.HalfReader(strings.NewReader(body)),
	} {
		t.Run(name, func(t *testing.T) {
			rd := NewReader(r)
			if _, err := rd.Open('{', false); err != nil {
				t.Fatal(err)
			}
			var got []string
			for {
				more, err := rd.More()
				if err != nil {
					t.Fatal(err)
				}
				if !more {
					break
				}
				k, err := rd.Key()
				if err != nil {
					t.Fatal(err)
				}
				if k != "items" {
					v, err := rd.Value()
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, k+"="+string(v))
					continue
				}
				if _, err := rd.Open('[', true); err != nil {
					t.Fatal(err)
				}
				for {
					more, err := rd.More()
					if err != nil {
						t.Fatal(err)
					}
					if !more {
						break
					}
					v, err := rd.Value()
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, "item "+string(v))
				}
			}
			want := []string{`kind="PodList"`, `metadata={"continue":"x\"}"}`, `item {"a":"]}"}`,
				`item {"b":[1,{"c":2}]}`, `item 3`, `item "s"`, `item null`, `item true`, `extra=null`}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got  %q\nwant %q", got, want)
			}
			if _, err := rd.Value(); err != io.EOF {
				t.Fatalf("after the object: %v, want io.EOF", err)
			}
		})
	}
}

func TestReaderStreamOfValues(t *testing.T) {
	rd := NewReader(iotest.OneByteReader(strings.NewReader("{\"type\":\"ADDED\"}\n{\"type\":\"DELETED\"}\n 42")))
	var got []string
	for {
		v, err := rd.Value()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(v))
	}
	if want := []string{`{"type":"ADDED"}`, `{"type":"DELETED"}`, `42`}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestReaderTruncated(t *testing.T) {
	for _, in := range []string{`{"items":[{"a":1}`, `{"items":[{"a":"x`, `{"items"`, `{`, `{"type":"ADDED"`} {
		rd := NewReader(strings.NewReader(in))
		var err error
		for err == nil {
			_, err = rd.Value()
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%q: %v, want io.ErrUnexpectedEOF", in, err)
		}
	}
	rd := NewReader(strings.NewReader(`{"items":[{"a":1}`))
	if _, err := rd.Open('{', false); err != nil {
		t.Fatal(err)
	}
	if more, _ := rd.More(); !more {
		t.Fatal("want a member")
	}
	if _, err := rd.Key(); err != nil {
		t.Fatal(err)
	}
	if _, err := rd.Open('[', false); err != nil {
		t.Fatal(err)
	}
	rd.More()
	if _, err := rd.Value(); err != nil {
		t.Fatal(err)
	}
	if _, err := rd.More(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("More at a cut: %v, want io.ErrUnexpectedEOF", err)
	}
}

func TestReaderReportsReadErrors(t *testing.T) {
	boom := errors.New("connection reset")
	rd := NewReader(io.MultiReader(strings.NewReader(`{"a":[1,`), iotest.ErrReader(boom)))
	var err error
	for err == nil {
		_, err = rd.Value()
	}
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the read error", err)
	}
}

func TestReaderBadDelimiters(t *testing.T) {
	rd := NewReader(strings.NewReader(`[1]`))
	if _, err := rd.Open('{', false); err == nil || !strings.Contains(err.Error(), "want '{', found '['") {
		t.Fatalf("Open: %v", err)
	}
	rd = NewReader(strings.NewReader(`{"a":1 "b":2}`))
	rd.Open('{', false)
	rd.More()
	rd.Key()
	rd.Value()
	if _, err := rd.More(); err == nil || !strings.Contains(err.Error(), "after a member") {
		t.Fatalf("More: %v", err)
	}
}

// BenchmarkDecodePod decodes a pod as a list holds it.
func BenchmarkDecodePod(b *testing.B) {
	pod, err := os.ReadFile("testdata/pod.json")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(pod)))
	b.Run("jsonany", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeObject(string(pod)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			var m map[string]any
			if err := json.Unmarshal(pod, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// compareIndex checks Index and Lookup against a full decode of in.
func compareIndex(t *testing.T, in string) {
	t.Helper()
	want, wantErr := DecodeObject(in)
	members, err := Index(in)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("Index(%.60q): err %v, DecodeObject: %v", in, err, wantErr)
	}
	if err != nil {
		return
	}
	if trusted, ok := Members(in); !ok || !reflect.DeepEqual(trusted, members) {
		t.Fatalf("Members(%.60q) = %q, %v; Index gives %q", in, trusted, ok, members)
	}
	last := map[string]string{}
	for _, m := range members {
		last[m.Key] = m.Value
	}
	if len(last) != len(want) {
		t.Fatalf("Index(%.60q) has keys %v, want those of %v", in, last, want)
	}
	for k, raw := range last {
		v, err := Decode(raw)
		if err != nil || !equal(v, want[k]) {
			t.Fatalf("Index(%.60q)[%q] = %q (%v), want %#v", in, k, raw, err, want[k])
		}
		got, ok := Lookup(in, k)
		if !ok || got != raw {
			t.Fatalf("Lookup(%.60q, %q) = %q, %v; want %q", in, k, got, ok, raw)
		}
	}
}

func TestIndexAndLookup(t *testing.T) {
	for _, in := range append(cases, `{"a":1,"a":{"b":2},"c":"\u0041"}`, `{"k\u0065y":1}`, ` {"a" : [1, {"b":2}] } `) {
		compareIndex(t, in)
	}
	pod := `{"metadata":{"name":"web","labels":{"app":"x"}},"status":{"phase":"Running"},"metadata":{"name":"web-2"}}`
	for _, tc := range []struct {
		path []string
		want string
		ok   bool
	}{
		{[]string{"status", "phase"}, `"Running"`, true},
		{[]string{"metadata", "name"}, `"web-2"`, true}, // the last "metadata" wins, as in a map
		{[]string{"metadata", "labels"}, ``, false},
		{[]string{"status", "phase", "x"}, ``, false},
		{[]string{"spec"}, ``, false},
		{nil, pod, true},
	} {
		got, ok := Lookup(pod, tc.path...)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Lookup(%v) = %q, %v; want %q, %v", tc.path, got, ok, tc.want, tc.ok)
		}
	}
	for in, want := range map[string][]string{
		`[]`: nil, ` [ 1 , {"a":[2,"]"]} ,"x" ] `: {`1`, `{"a":[2,"]"]}`, `"x"`}, `[[],[[]]]`: {`[]`, `[[]]`},
	} {
		if got, ok := Elements(in); !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("Elements(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := Elements(`{"a":1}`); ok {
		t.Error("Elements of an object must report false")
	}
	if _, err := Index(`[1]`); err == nil || err.Error() != "want a JSON object, got an array" {
		t.Errorf("Index([1]) = %v", err)
	}
	if allocs := testing.AllocsPerRun(100, func() { _, _ = Lookup(pod, "status", "phase") }); allocs != 0 {
		t.Errorf("Lookup made %v allocations, want 0", allocs)
	}
}

func FuzzIndex(f *testing.F) {
	for _, c := range cases {
		f.Add(c)
	}
	f.Add(`{"a":1,"a":{"b":2},"c":"\u0041"}`)
	f.Fuzz(func(t *testing.T, in string) { compareIndex(t, in) })
}

func BenchmarkIndexPod(b *testing.B) {
	pod, err := os.ReadFile("testdata/pod.json")
	if err != nil {
		b.Skip(err)
	}
	s := string(pod)
	b.SetBytes(int64(len(pod)))
	for b.Loop() {
		if _, err := Index(s); err != nil {
			b.Fatal(err)
		}
		if _, ok := Lookup(s, "metadata", "name"); !ok {
			b.Fatal("no name")
		}
		if _, ok := Lookup(s, "status", "phase"); !ok {
			b.Fatal("no phase")
		}
	}
}

// FuzzReader checks that how the bytes arrive never changes how a stream
// splits: whole, one byte at a time, or in halves.
func FuzzReader(f *testing.F) {
	for _, c := range cases {
		f.Add(c)
	}
	f.Add("{\"type\":\"ADDED\"}\n{\"a\":\"}\\\"\"} 42 \"x\"")
	split := func(r io.Reader) (vals []string, err error) {
		rd := NewReader(r)
		for {
			v, err := rd.Value()
			if err == io.EOF {
				return vals, nil
			}
			if err != nil {
				return vals, err
			}
			vals = append(vals, string(v))
		}
	}
	f.Fuzz(func(t *testing.T, in string) {
		want, wantErr := split(strings.NewReader(in))
		for _, r := range []io.Reader{iotest.OneByteReader(strings.NewReader(in)), iotest.HalfReader(strings.NewReader(in))} {
			got, err := split(r)
			if !reflect.DeepEqual(got, want) || (err == nil) != (wantErr == nil) {
				t.Fatalf("%q: split %q, %v; whole: %q, %v", in, got, err, want, wantErr)
			}
		}
		// A valid value is returned whole.
		if json.Valid([]byte(in)) && wantErr == nil && len(want) == 1 && strings.TrimSpace(in) != want[0] {
			t.Fatalf("%q: got %q", in, want[0])
		}
	})
}
