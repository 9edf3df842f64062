package kubeconfig_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/kr8s-go/kr8s/kubeconfig"
)

// writeExample writes two kubeconfig files, as a user with
// KUBECONFIG=$HOME/.kube/config:$HOME/.kube/dev.yaml would have.
func writeExample() (dir string) {
	dir, err := os.MkdirTemp("", "kubeconfig-example")
	if err != nil {
		log.Fatal(err)
	}
	files := map[string]string{
		"config": `apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod
  cluster: {server: "https://prod.example:6443"}
users:
- name: admin
  user: {token: s3cr3t}
contexts:
- name: prod
  context: {cluster: prod, user: admin}
`,
		"dev.yaml": `current-context: dev
clusters:
- name: prod
  cluster: {server: "https://ignored.example"}
- name: dev
  cluster: {server: "https://dev.example"}
contexts:
- name: dev
  context: {cluster: dev, user: admin, namespace: team-a}
`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			log.Fatal(err)
		}
	}
	return dir
}

func ExampleLoad() {
	dir := writeExample()
	defer os.RemoveAll(dir)

	// The first file to define a name wins, and current-context comes from
	// the first file that sets it.
	cfg, err := kubeconfig.Load(filepath.Join(dir, "config"), filepath.Join(dir, "dev.yaml"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("current context:", cfg.CurrentContext)
	for _, c := range cfg.Clusters {
		fmt.Println(c.Name, c.Cluster.Server, filepath.Base(c.Source))
	}
	// Output:
	// current context: prod
	// prod https://prod.example:6443 config
	// dev https://dev.example dev.yaml
}

func ExampleConfig_Resolve() {
	dir := writeExample()
	defer os.RemoveAll(dir)
	cfg, err := kubeconfig.Load(filepath.Join(dir, "config"), filepath.Join(dir, "dev.yaml"))
	if err != nil {
		log.Fatal(err)
	}

	// "" means the current context; a context from one file may use a user
	// from another.
	for _, name := range []string{"", "dev"} {
		r, err := cfg.Resolve(name)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(r.Context, r.Server, r.Namespace, r.User)
	}
	// Secrets never print, with any verb.
	r, err := cfg.Resolve("dev")
	if err != nil {
		log.Fatal(err)
	}
	s := fmt.Sprintf("%v %+v %#v", r, r, r)
	fmt.Println(strings.Contains(s, "s3cr3t"), strings.Contains(s, "REDACTED"))
	// Output:
	// prod https://prod.example:6443 default admin
	// dev https://dev.example team-a admin
	// false true
}

func ExampleLoadDefault() {
	// $KUBECONFIG, else ~/.kube/config; fall back to the pod's service
	// account when no context is configured.
	var r *kubeconfig.Resolved
	cfg, err := kubeconfig.LoadDefault()
	if err == nil {
		r, err = cfg.Resolve("")
	}
	if errors.Is(err, kubeconfig.ErrNoContext) {
		r, err = kubeconfig.InCluster("")
	}
	if err != nil {
		fmt.Println("no cluster configured:", err != nil)
		return
	}
	fmt.Println("connecting to", r.Server)
}

func ExampleFiles_Get() {
	dir := writeExample()
	defer os.RemoveAll(dir)
	files := kubeconfig.Files{filepath.Join(dir, "config"), filepath.Join(dir, "dev.yaml")}

	// A JSON pointer into the merged files: dev.yaml's "prod" cluster is
	// shadowed, so its "dev" cluster comes second.
	for _, p := range []string{"/current-context", "/clusters/1/cluster/server"} {
		v, err := files.Get(p)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(p, v)
	}
	// One file on its own.
	v, err := kubeconfig.Files{filepath.Join(dir, "dev.yaml")}.Get("/clusters/0/cluster/server")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v)
	_, err = files.Get("/clusters/5")
	fmt.Println(errors.Is(err, kubeconfig.ErrNotFound))
	// Output:
	// /current-context prod
	// /clusters/1/cluster/server https://dev.example
	// https://ignored.example
	// true
}

func ExampleFiles_Set() {
	dir := writeExample()
	defer os.RemoveAll(dir)
	files := kubeconfig.Files{filepath.Join(dir, "config"), filepath.Join(dir, "dev.yaml")}

	// Change the dev cluster where it is defined, keeping the file's
	// comments and layout.
	path, ptr, err := files.Locate("clusters", "dev")
	if err != nil {
		log.Fatal(err)
	}
	if err := (kubeconfig.Files{path}).Set(ptr+"/cluster/server", "https://dev2.example"); err != nil {
		log.Fatal(err)
	}
	// Add a cluster: new values go to the first file.
	if err := files.Set("/clusters/-", map[string]any{
		"name":    "staging",
		"cluster": map[string]any{"server": "https://staging.example"},
	}); err != nil {
		log.Fatal(err)
	}
	cfg, err := files.Load()
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range cfg.Clusters {
		fmt.Println(c.Name, c.Cluster.Server, filepath.Base(c.Source))
	}
	// Output:
	// prod https://prod.example:6443 config
	// staging https://staging.example config
	// dev https://dev2.example dev.yaml
}

func ExampleFiles_RenameContext() {
	dir := writeExample()
	defer os.RemoveAll(dir)
	files := kubeconfig.Files{filepath.Join(dir, "config"), filepath.Join(dir, "dev.yaml")}

	if err := files.UseContext("dev"); err != nil {
		log.Fatal(err)
	}
	if err := files.RenameContext("dev", "team-a"); err != nil {
		log.Fatal(err)
	}
	if err := files.UseNamespace("web"); err != nil {
		log.Fatal(err)
	}
	path, _, err := files.Locate("contexts", "team-a")
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := files.Load()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.CurrentContext, cfg.Context("team-a").Context.Namespace, filepath.Base(path))
	// Output:
	// team-a web dev.yaml
}
