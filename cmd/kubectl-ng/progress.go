package main

import (
	"fmt"
	"io"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/term"
)

// clearLine returns the cursor to the start of the line and erases it.
const clearLine = "\r\x1b[K"

// progressDelay is how long a wait runs before its progress line shows,
// and how often the line is redrawn: quick waits print no line at all.
const progressDelay = time.Second

// progress is the live status line of a long wait (wait, drain, scale
// --wait) on stderr. On a terminal it appears after progressDelay and is
// redrawn in place, with a carriage return, every second and whenever the
// status changes; end erases it. Elsewhere it writes nothing: the
// command's own result lines are the whole record.
type progress struct {
	w     io.Writer
	tty   bool // w is a terminal; fixed at the start
	start time.Time

	mu      sync.Mutex
	status  string
	running bool // the clock runs; false after end
	shown   bool // a line is on the screen
	stop    chan struct{}
	done    chan struct{}
}

// startProgress starts a progress line with status on stderr.
func (a *app) startProgress(status string) *progress {
	p := &progress{w: a.stderr, tty: a.isTerminal(a.stderr), start: time.Now(), status: status}
	if p.tty {
		p.running = true
		p.stop, p.done = make(chan struct{}), make(chan struct{})
		go p.tick()
	}
	return p
}

// tick redraws the line every progressDelay until end.
func (p *progress) tick() {
	defer close(p.done)
	t := time.NewTicker(progressDelay)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.draw(true)
			p.mu.Unlock()
		}
	}
}

// draw writes the line; p.mu is held. Before the first tick only force
// shows it.
func (p *progress) draw(force bool) {
	if !p.running || !p.shown && !force {
		return
	}
	io.WriteString(p.w, renderProgress(p.status, time.Since(p.start), terminalWidth(p.w)))
	p.shown = true
}

// set changes the status shown.
func (p *progress) set(format string, args ...any) {
	if !p.tty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.status = fmt.Sprintf(format, args...)
	p.draw(false)
}

// printf writes a line to w (stdout or stderr) around the progress line:
// the line is erased first and drawn again below. Concurrent callers'
// lines do not interleave.
func (p *progress) printf(w io.Writer, format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown && p.running {
		io.WriteString(p.w, clearLine)
	}
	fmt.Fprintf(w, format, args...)
	p.draw(false)
}

// end erases the line and stops its clock. It may be called twice.
func (p *progress) end() {
	p.mu.Lock()
	running := p.running
	if running && p.shown {
		io.WriteString(p.w, clearLine)
	}
	p.running = false
	p.mu.Unlock()
	if running {
		close(p.stop)
		<-p.done
	}
}

// renderProgress is one drawing of the progress line: back to the start
// of the line, erase it, then the status and the time so far. The status
// is cut to fit in width columns so that the line never wraps (a wrapped
// line cannot be redrawn in place).
func renderProgress(status string, elapsed time.Duration, width int) string {
	clock := fmt.Sprintf(" (%s)", elapsed.Truncate(time.Second))
	if room := width - 1 - len(clock); width > 0 && utf8.RuneCountInString(status) > room {
		r := []rune(status)
		status = string(r[:max(room-1, 0)]) + "…"
	}
	return clearLine + status + clock
}

// terminalWidth is w's width in columns, 80 when it cannot be had.
func terminalWidth(w io.Writer) int {
	if f, ok := terminalFile(w); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	return 80
}
