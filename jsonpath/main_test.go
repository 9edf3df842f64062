package jsonpath

import (
	"os"
	"testing"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// TestMain fails the test binary if goroutines outlive the tests.
func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }
