package kr8s

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestLogsLineBound: a line longer than MaxLineBytes comes in pieces of
// at most that many bytes, cut at UTF-8 boundaries, and a container that
// never writes a newline cannot make Logs buffer without limit.
func TestLogsLineBound(t *testing.T) {
	const mib = 1 << 20
	long := strings.Repeat("x", 3*mib+5)
	c := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("container") {
		case "long":
			io.WriteString(w, "first\n"+long+"\nlast")
		case "runes":
			io.WriteString(w, strings.Repeat("é", 10)+"\n\n€€€\n")
		case "endless":
			chunk := []byte(strings.Repeat("y", 64<<10))
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}
	})
	pod := testPod(t, c)
	read := func(o *LogOptions, most int) []string {
		var lines []string
		for line, err := range pod.Logs(context.Background(), o) {
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, line)
			if len(lines) == most {
				break
			}
		}
		return lines
	}

	lines := read(&LogOptions{Container: "long"}, 0)
	var sizes []int
	for _, l := range lines {
		sizes = append(sizes, len(l))
	}
	if len(lines) != 6 || lines[0] != "first" || lines[5] != "last" || strings.Join(lines[1:5], "") != long {
		t.Fatalf("line sizes %v, want first, 3 pieces of 1 MiB, 5 bytes, last", sizes)
	}
	for _, l := range lines[1:4] {
		if len(l) != DefaultMaxLogLine {
			t.Fatalf("line sizes %v, want pieces of DefaultMaxLogLine", sizes)
		}
	}

	// 7 bytes of two-byte runes: cut at 6, never inside a rune.
	lines = read(&LogOptions{Container: "runes", MaxLineBytes: 7}, 0)
	want := []string{"ééé", "ééé", "ééé", "é", "", "€€", "€"}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Fatalf("lines %q, want %q", lines, want)
	}
	for _, l := range lines {
		if !utf8.ValidString(l) {
			t.Fatalf("piece %q cut inside a rune", l)
		}
	}

	// 64 MiB with no newline: 64 pieces, none over the bound.
	for i, l := range read(&LogOptions{Container: "endless"}, 64) {
		if len(l) != DefaultMaxLogLine {
			t.Fatalf("piece %d has %d bytes", i, len(l))
		}
	}
}
