package main

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// TestDifferentialKubectl runs the same commands through kubectl-ng and
// kubectl against the same cluster, for pods, deployments, nodes and a
// custom resource, and checks that -o name, the table headers and -o
// jsonpath results match.
func TestDifferentialKubectl(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Skip("kubectl is not on PATH")
	}
	ns := testcluster.Namespace(t)
	deployWeb(t, ns)

	// A custom resource of our own, in a group unique to this test's
	// namespace, with printer columns (one only in -o wide).
	group := ns + ".kr8s.test"
	crdName := "widgets." + group
	crd := fmt.Sprintf(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: %s}
spec:
  group: %s
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
              color: {type: string}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Color, type: string, jsonPath: .spec.color, priority: 1}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
`, crdName, group)
	mustNG(t, "", crd, "apply", "-f", "-")
	t.Cleanup(func() {
		ng(t, "", "", "delete", "customresourcedefinition", crdName, "--wait=false")
	})
	mustNG(t, "", "", "wait", "crd/"+crdName, "--for=condition=Established", "--timeout=60s")
	widgets := fmt.Sprintf(`apiVersion: %[1]s/v1
kind: Widget
metadata: {name: small, labels: {app: web}}
spec: {size: 1, color: red}
---
apiVersion: %[1]s/v1
kind: Widget
metadata: {name: big}
spec: {size: 10, color: blue}
`, group)
	// Discovery may lag behind Established for a moment.
	testcluster.Eventually(t, 60*time.Second, "the widgets to be created", func(context.Context) (bool, error) {
		return ng(t, ns, widgets, "apply", "-f", "-").code == 0, nil
	})

	kinds := []struct {
		arg        string
		jsonpaths  []string
		namespaced bool
	}{
		{"pods", []string{
			`{.items[*].metadata.name}`,
			`{range .items[*]}{.metadata.name}{"\t"}{.spec.containers[0].image}{"\t"}{.metadata.labels}{"\n"}{end}`,
			`{.items[?(@.status.phase=="Running")].metadata.labels.app}`,
		}, true},
		{"deployments", []string{
			`{.items[0].spec.replicas} {.items[0].spec.selector}`,
			`{range .items[*]}{.metadata.name}={.spec.template.spec.containers[*].name}{"\n"}{end}`,
			`{.items[*].spec.strategy}`,
		}, true},
		{"nodes", []string{
			`{.items[*].metadata.name}`,
			`{range .items[*]}{.metadata.name}{"\t"}{.status.nodeInfo.kubeletVersion}{"\t"}{.metadata.labels.kubernetes\.io/os}{"\n"}{end}`,
			`{.items[0].status.addresses[*].type}`,
		}, false},
		{crdName, []string{
			`{.items[*].spec.size}`,
			`{range .items[*]}{.metadata.name}:{.spec.color}{"\n"}{end}`,
			`{.items[?(@.spec.size>5)].metadata.name}`,
			`{.items[0].spec}`,
		}, true},
	}
	for _, k := range kinds {
		t.Run(k.arg, func(t *testing.T) {
			nsArgs := []string{"-n", ns}
			var cmds [][]string
			cmds = append(cmds, []string{"get", k.arg, "-o", "name"})
			for _, jp := range k.jsonpaths {
				cmds = append(cmds, []string{"get", k.arg, "-o", "jsonpath=" + jp})
			}
			for _, args := range cmds {
				got := mustNG(t, ns, "", args...)
				want := kubectl(t, append(args, nsArgs...)...)
				if got != want {
					t.Errorf("kubectl-ng %s\n got: %q\nwant: %q", quoteArgs(args), got, want)
				}
			}
			for _, args := range [][]string{
				{"get", k.arg},
				{"get", k.arg, "-o", "wide"},
				{"get", k.arg, "--show-labels"},
				{"get", k.arg, "-A", "--show-kind"},
			} {
				if len(args) > 2 && args[2] == "-A" && !k.namespaced {
					continue
				}
				got := mustNG(t, ns, "", args...)
				want := kubectl(t, append(args, nsArgs...)...)
				if len(args) > 2 && args[2] == "-A" {
					// Column widths follow the longest namespace, and other
					// tests' namespaces come and go between the two runs.
					if g, w := strings.Fields(firstLine(got)), strings.Fields(firstLine(want)); strings.Join(g, " ") != strings.Join(w, " ") {
						t.Errorf("kubectl-ng %s: header\n got: %v\nwant: %v", quoteArgs(args), g, w)
					}
					continue // other tests' objects come and go
				}
				if firstLine(got) != firstLine(want) {
					t.Errorf("kubectl-ng %s: header\n got: %q\nwant: %q", quoteArgs(args), firstLine(got), firstLine(want))
				}
				if g, w := column(got), column(want); strings.Join(g, " ") != strings.Join(w, " ") {
					t.Errorf("kubectl-ng %s: names\n got: %v\nwant: %v", quoteArgs(args), g, w)
				}
			}
		})
	}
}
