//go:build !unix

package auth

import "os/exec"

// killProcessGroup leaves cmd as it is: without process groups, the end
// of its context kills only the plugin process (exec.CommandContext's
// default).
func killProcessGroup(*exec.Cmd) {}
