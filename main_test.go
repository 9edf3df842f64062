package kr8s_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// TestMain points KUBECONFIG at the test cluster so that the examples,
// which use the default client like the README does, reach it. When -run
// selects no example, the cluster is left to the tests that ask for it.
func TestMain(m *testing.M) {
	flag.Parse()
	if run := flag.Lookup("test.run").Value.String(); run == "" || strings.Contains(run, "Example") {
		if path, err := testcluster.KubeconfigPath(); err == nil {
			os.Setenv("KUBECONFIG", path)
		} else if os.Getenv("CI") != "" {
			fmt.Fprintln(os.Stderr, "test cluster:", err)
			os.Exit(1)
		}
	}
	os.Exit(testcluster.Main(m)) // and no goroutine left behind
}
