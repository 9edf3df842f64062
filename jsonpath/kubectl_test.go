package jsonpath

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// differentialTemplates are compared byte for byte against
// `kubectl patch --local -f FILE -p {} --type merge -o jsonpath=TEMPLATE`,
// which prints the unchanged object without contacting a cluster. Templates
// avoid iterating over maps with several keys, whose order kubectl randomises.
var differentialTemplates = []string{
	`{.metadata.name}`,
	`{.kind}/{.metadata.name} in {.metadata.namespace}`,
	`{$.metadata.name}`,
	`{@.apiVersion}`,
	`{.metadata.labels}`,
	`{.metadata.annotations}`,
	`{.metadata.labels.app\.kubernetes\.io/name}`,
	`{.metadata.labels['app\.kubernetes\.io/name']}`,
	`{.metadata.labels['app.kubernetes.io/name']}`,
	`{.metadata['name','namespace']}`,
	`{['kind', 'metadata.name']}`,
	`{.spec.containers[*].name}`,
	`{.spec.template.spec.containers[*].name}`,
	`{.spec.containers[0].image}`,
	`{.spec.containers[-1].name}`,
	`{.spec.containers[1].name}`,
	`{.spec.containers[0:1].name}`,
	`{.spec.containers[::2].name}`,
	`{.spec.containers[5]}`,
	`{.spec.containers}`,
	`{.spec.template.spec.containers[0]}`,
	`{.spec.containers[*].ports[*].containerPort}`,
	`{..containerPort}`,
	`{.spec.containers[0].resources.requests.cpu}`,
	`{.status.conditions[?(@.type=="Ready")].status}`,
	`{.status.conditions[?(@.status!="True")].type}`,
	`{.status.conditions[?(@.reason)].reason}`,
	`{.status.conditions}`,
	`{.status.containerStatuses[?(@.restartCount>=2)].name}`,
	`{.status.containerStatuses[?(@.ready==true)].name}`,
	`{.status.containerStatuses[*].state}`,
	`{.status.readyReplicas}/{.status.replicas}`,
	`{.spec.replicas} {.spec.priority} {.spec.terminationGracePeriodSeconds}`,
	`{.spec.template.spec.containers[?(@.name=="sidecar")].env[0].value}`,
	`{range .status.conditions[*]}{.type}={.status}{"\n"}{end}`,
	`{range .spec.containers[*]}{.name}:{range .ports[*]}{.containerPort},{end};{end}`,
	`{range .spec.template.spec.containers[*]}{.name}{'\t'}{.image}{"\n"}{end}`,
	`{range .status.conditions[?(@.status=="Nope")]}{.type}{end}after`,
	`{range .spec.containers[*]}[{.name}]`,
	`{.nothing.here}`,
	`{.spec.containers[?(@.name=="nginx")].ports}`,
	`{.metadata.name.*}`,
	`{"literal \u00e9\n"}{1}{2.5}{true}`,
	`{.status.phase}{end}`,
	`{.spec.containers[0].name[0]}`,
	`{.status.conditions[?(@.status==1)].type}`,
	`{.metadata.creationTimestamp}`,
	`{.metadata.ownerReferences[0].controller}`,
}

// quirkTemplates exercise kubectl's corner cases on testdata/quirks.json.
var quirkTemplates = []string{
	`{.f} {.g} {.h} {.i} {.j}`,
	`{.arr[*]}`,
	`{.arr}`,
	`{range .arr[*]}<{@}>{end}`,
	`{range .arr[1]}<{@}>{end}`,
	`{.s.*}`,
	`{.e[0]}`,
	`{.e[-1]}`,
	`{.e[*]}x`,
	`{.objs[?(@.v==1)].v}`,
	`{.objs[?(@.v)].v}`,
	`{.objs[?(@.w==@.w)].w}`,
	`{.nums[?(@==2)]}`,
	`{.nums[?(@ > 1)]}`,
	`{.nums[?(@<=2)]}`,
	`{.nums[0:3:2]}`,
	`{.nums[2:1]}`,
	`{.nums[-5:]}`,
	`{.nums[:-1]}`,
	`{.nums[0, 2]}`,
	`{.nums[]}`,
	`{.ls[*][1:-1]}`,
	`{.ls[*][0]}`,
	`{.m['a}b']}`,
	`{.m.}`,
	`{.}`,
	`{.m[0]}`,
	`{.m.a..b}`,
	`{range .ls[*]}{range @[*]}{@}-{end}|{end}`,
	`{range .ls[*]}{range @[*]}{@}-{end}|`,
	`{range .nums[*]}{@},`,
	`{"a" .nums[0]}`,
	`{.nums[0] "a"}`,
	`{.nums[*] 7}`,
	`{.html} {.m}`,
	`{.t}{.objs[?(@.v=="x")].v}`,
	`{range .nums[*]}{end}{end}`,
	`{.nums[1:]}{"\n"}{.nums[-1:]}`,
}

func TestKubectlDifferential(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not on PATH")
	}
	if testing.Short() {
		t.Skip("slow: runs kubectl")
	}
	dir := t.TempDir()
	env := append(os.Environ(), "HOME="+dir, "KUBECONFIG="+filepath.Join(dir, "no-such-kubeconfig"))

	// Single objects only: kubectl flattens lists and prints items one by one.
	files := map[string]string{"deployment": filepath.Join("testdata", "deployment.json")}
	list := loadFixture(t, "pods.json", false).(map[string]any)
	for i, item := range list["items"].([]any) {
		b, err := json.Marshal(item)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("pod%d", i)
		files[name] = filepath.Join(dir, name+".json")
		if err := os.WriteFile(files[name], b, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	if len(differentialTemplates) < 20 {
		t.Fatalf("only %d templates", len(differentialTemplates))
	}
	type run struct {
		file      string
		templates []string
	}
	runs := map[string]run{"quirks": {filepath.Join("testdata", "quirks.json"), quirkTemplates}}
	for name, file := range files {
		runs[name] = run{file, differentialTemplates}
	}
	// kubectl spends most of its ~0.5s start-up idle, so run many at once.
	type job struct {
		name, file, tmpl string
		index            int
		stdout, stderr   bytes.Buffer
		err              error
	}
	var jobs []*job
	for name, r := range runs {
		for i, tmpl := range r.templates {
			jobs = append(jobs, &job{name: name, file: r.file, tmpl: tmpl, index: i})
		}
	}
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			cmd := exec.Command(kubectl, "patch", "--local", "-f", j.file, "-p", "{}", "--type", "merge", "-o", "jsonpath="+j.tmpl)
			cmd.Env = env
			cmd.Stdout, cmd.Stderr = &j.stdout, &j.stderr
			j.err = cmd.Run()
		}()
	}
	wg.Wait()

	decoded := map[string][]any{} // file -> decoded with float64 and with json.Number
	for _, j := range jobs {
		objs, ok := decoded[j.file]
		if !ok {
			objs = decodeBoth(t, j.file)
			decoded[j.file] = objs
		}
		t.Run(fmt.Sprintf("%s/%d", j.name, j.index), func(t *testing.T) {
			for variant, obj := range objs {
				got, err := execute(j.tmpl, obj, true)
				switch {
				case j.err != nil && err != nil:
					// Both fail.
				case j.err != nil:
					t.Fatalf("template %q (variant %d): kubectl failed (%v: %s) but we printed %q", j.tmpl, variant, j.err, j.stderr.String(), got)
				case err != nil:
					t.Fatalf("template %q (variant %d): kubectl printed %q but we failed: %v", j.tmpl, variant, j.stdout.String(), err)
				case got != j.stdout.String():
					t.Fatalf("template %q (variant %d):\nkubectl %q\n    we %q", j.tmpl, variant, j.stdout.String(), got)
				}
			}
		})
	}
}

// decodeBoth decodes a JSON file once with float64 numbers and once with
// json.Number.
func decodeBoth(t *testing.T, file string) []any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var objs []any
	for _, useNumber := range []bool{false, true} {
		dec := json.NewDecoder(bytes.NewReader(data))
		if useNumber {
			dec.UseNumber()
		}
		var obj any
		if err := dec.Decode(&obj); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, obj)
	}
	return objs
}
