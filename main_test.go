package kr8s_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// TestMain points KUBECONFIG at the test cluster so that the examples,
// which use the default client like the README does, reach it.
func TestMain(m *testing.M) {
	if path, err := testcluster.KubeconfigPath(); err == nil {
		os.Setenv("KUBECONFIG", path)
	} else if os.Getenv("CI") != "" {
		fmt.Fprintln(os.Stderr, "test cluster:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
