package main

import (
	"context"
	"fmt"

	"github.com/kr8s-go/kr8s"
	"golang.org/x/term"
)

// terminal puts the local terminal into raw mode for exec -t, so keys such
// as Ctrl-C go to the remote program, and reports its size now and on every
// resize. ok is false when stdin is not a terminal; then, like kubectl, exec
// warns and runs without a TTY. restore must be called to give the
// terminal back.
func (a *app) terminal(ctx context.Context) (resize <-chan kr8s.TerminalSize, restore func(), ok bool) {
	in, ok := terminalFile(a.stdin)
	if !ok {
		fmt.Fprintln(a.stderr, "Unable to use a TTY - input is not a terminal or the right kind of file")
		return nil, func() {}, false
	}
	state, err := term.MakeRaw(int(in.Fd()))
	if err != nil {
		fmt.Fprintf(a.stderr, "Unable to use a TTY: %v\n", err)
		return nil, func() {}, false
	}
	sizeFd := int(in.Fd())
	if out, ok := terminalFile(a.stdout); ok {
		sizeFd = int(out.Fd())
	}
	ch := make(chan kr8s.TerminalSize, 1)
	size := func() {
		w, h, err := term.GetSize(sizeFd)
		if err != nil || w <= 0 || h <= 0 {
			return
		}
		s := kr8s.TerminalSize{Width: uint16(w), Height: uint16(h)}
		select {
		case ch <- s:
		default: // a size is pending: replace it with the newer one
			select {
			case <-ch:
			default:
			}
			select {
			case ch <- s:
			default:
			}
		}
	}
	size()
	stop := notifyResize(ctx, size)
	return ch, func() {
		stop()
		_ = term.Restore(int(in.Fd()), state)
	}, true
}
