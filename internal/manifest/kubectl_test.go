package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// kubectlPrinter returns a function that prints the objects kubectl reads
// from a file as a stream of JSON objects, without a cluster. It prefers
// `kubectl create --dry-run=client`, which needs API discovery and so fails
// offline; then it uses `kubectl patch --local` with an empty merge patch,
// which runs the same file reading and YAML conversion (the resource
// builder with unstructured objects) and prints the objects unchanged.
func kubectlPrinter(t *testing.T) func(file string) ([]byte, error) {
	t.Helper()
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not on PATH")
	}
	home := t.TempDir()
	kubeconfig := filepath.Join(home, "kubeconfig")
	if err := os.WriteFile(kubeconfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "HOME="+home, "KUBECONFIG="+kubeconfig)
	run := func(args ...string) ([]byte, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return out, errors.New(strings.TrimSpace(stderr.String()))
		}
		return out, nil
	}
	probe := filepath.Join(home, "probe.yaml")
	if err := os.WriteFile(probe, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	create := func(f string) ([]byte, error) {
		return run("create", "--dry-run=client", "--validate=false", "-o", "json", "-f", f)
	}
	createErr := error(nil)
	if _, createErr = create(probe); createErr == nil {
		return create
	}
	patch := func(f string) ([]byte, error) {
		return run("patch", "--local", "--type=merge", "-p", "{}", "-o", "json", "-f", f)
	}
	if _, err := patch(probe); err != nil {
		t.Skipf("kubectl cannot read manifests offline: `kubectl create --dry-run=client` failed (%v) and `kubectl patch --local` failed (%v)", createErr, err)
	}
	return patch
}

// jsonStream decodes a stream of JSON values into generic values, so that
// key order and number formatting do not matter when comparing.
func jsonStream(t *testing.T, data []byte) []any {
	t.Helper()
	var out []any
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("decoding %q: %v", data, err)
		}
		// kubectl prints several objects from a create as a List.
		if m, ok := v.(map[string]any); ok && m["kind"] == "List" {
			if items, ok := m["items"].([]any); ok {
				out = append(out, items...)
				continue
			}
		}
		out = append(out, v)
	}
}

func TestDifferentialKubectl(t *testing.T) {
	print := kubectlPrinter(t)
	files, err := filepath.Glob("testdata/kubectl/*.yaml")
	if err != nil || len(files) < 10 {
		t.Fatalf("want at least 10 fixtures, got %d (%v)", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, err := print(f)
			if err != nil {
				t.Fatalf("kubectl: %v", err)
			}
			want := jsonStream(t, out)

			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			docs, err := Decode(data, f)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			var got []any
			for _, d := range docs {
				got = append(got, jsonStream(t, d.JSON)...)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Decode differs from kubectl\n got: %s\nwant: %s", mustJSON(got), mustJSON(want))
			}

			// Single plain objects also go through YAMLToJSON.
			if len(want) == 1 && !bytes.Contains(data, []byte("\n---")) && !bytes.Contains(data, []byte("\nitems:")) {
				j, err := YAMLToJSON(data)
				if err != nil {
					t.Fatalf("YAMLToJSON: %v", err)
				}
				if g := jsonStream(t, j); !reflect.DeepEqual(g, want) {
					t.Errorf("YAMLToJSON differs from kubectl\n got: %s\nwant: %s", mustJSON(g), mustJSON(want))
				}
			}
		})
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
