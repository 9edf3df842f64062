package kr8s

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Pod is a Pod object.
type Pod struct{ *Object }

// Pods is the Pod kind: kr8s.Pods.Get(ctx, "web", nil).
var Pods = &KindOf[*Pod]{
	Kind: Kind{Version: "v1", Kind: "Pod", Plural: "pods", Namespaced: true},
	wrap: func(o *Object) *Pod { return &Pod{o} },
}

// NewPod builds a Pod from a map, a struct or JSON, bound to the client
// given with WithAPI or else to the default client (kr8s's Pod({...})).
func NewPod(src any, opts ...ObjectOption) (*Pod, error) { return Pods.New(src, opts...) }

// Ready reads the pod again and reports whether it is ready: its Ready and
// ContainersReady conditions are both True. This is kr8s's Pod.ready(),
// refresh included, so a polling loop sees the pod change; to test the
// pod as last read, use Condition.
func (p *Pod) Ready(ctx context.Context) (bool, error) {
	if err := p.Refresh(ctx); err != nil {
		return false, err
	}
	return p.ready(), nil
}

// ready is Ready's test on the pod as last read.
func (p *Pod) ready() bool {
	r, _ := p.Condition("Ready")
	c, _ := p.Condition("ContainersReady")
	return r.Status == "True" && c.Status == "True"
}

// Toleration lets a pod run on a node with a matching taint. Empty fields
// are left out, which Kubernetes reads as "any" (Key, Effect) or Equal
// (Operator).
type Toleration struct {
	Key string `json:"key,omitempty"`
	// Operator is "Equal" (the default) or "Exists".
	Operator string `json:"operator,omitempty"`
	Value    string `json:"value,omitempty"`
	// Effect is NoSchedule, PreferNoSchedule or NoExecute; empty matches
	// all three.
	Effect string `json:"effect,omitempty"`
	// TolerationSeconds bounds how long a NoExecute taint is tolerated
	// before the pod is evicted; nil means for ever.
	TolerationSeconds *int64 `json:"tolerationSeconds,omitempty"`
}

// Tolerations returns the pod's .spec.tolerations, as last read.
func (p *Pod) Tolerations() []Toleration {
	var out []Toleration
	if list, ok := p.Spec()["tolerations"].([]any); ok {
		b, _ := json.Marshal(list)
		_ = json.Unmarshal(b, &out) // a list of objects from JSON decodes
	}
	return out
}

// Tolerate adds a toleration to the pod on the server, as kr8s's tolerate
// does, and takes the server's answer. Kubernetes lets a running pod gain
// tolerations but not lose them. The toleration is appended with a JSON
// patch, so tolerations the server added since the pod was read are kept.
// To build a pod with tolerations before it exists, use
// GenPodOptions.Tolerations or set .spec.tolerations.
func (p *Pod) Tolerate(ctx context.Context, t Toleration) error {
	path := "/spec/tolerations/-"
	var value any = t
	if _, ok := p.Spec()["tolerations"]; !ok {
		path, value = "/spec/tolerations", []Toleration{t}
	}
	op := []map[string]any{{"op": "add", "path": path, "value": value}}
	return p.Patch(ctx, op, &PatchOptions{Type: JSONPatch})
}

// GenPodOptions are the optional parts of a pod built by GenPod. The zero
// value gives one container and restartPolicy Always.
type GenPodOptions struct {
	// GenerateName asks the server to name the pod with this prefix; the
	// name given to GenPod may then be empty.
	GenerateName string
	// Namespace sets .metadata.namespace; empty means the client's.
	Namespace   string
	Labels      map[string]string
	Annotations map[string]string
	// Command replaces the image's entrypoint; Args its arguments.
	Command []string
	Args    []string
	// Env sets environment variables, in key order.
	Env map[string]string
	// Ports lists container ports (TCP).
	Ports []int
	// Resources is the container's resources, such as
	// {"limits": {"nvidia.com/gpu": 1}}.
	Resources map[string]any
	// ImagePullPolicy is Always, IfNotPresent or Never; empty means the
	// server's default.
	ImagePullPolicy string
	// RestartPolicy is Always (the default), OnFailure or Never.
	RestartPolicy string
	// Tolerations let the pod run on tainted nodes.
	Tolerations []Toleration
}

// GenPod builds, without touching the server, a pod with one container
// named after the pod (or "container" when only GenerateName is set)
// running image (kr8s's Pod.gen). o may be nil.
//
//	pod, err := kr8s.GenPod("web", "nginx:1.27", &kr8s.GenPodOptions{Ports: []int{80}})
//	err = pod.Create(ctx, nil)
func GenPod(name, image string, o *GenPodOptions, opts ...ObjectOption) (*Pod, error) {
	if o == nil {
		o = &GenPodOptions{}
	}
	if image == "" {
		return nil, fmt.Errorf("gen pod %q: empty image; want an image such as \"nginx:1.27\"", name)
	}
	if name == "" && o.GenerateName == "" {
		return nil, fmt.Errorf("gen pod: want a name or GenPodOptions.GenerateName")
	}
	meta := map[string]any{}
	container := map[string]any{"name": "container", "image": image}
	if name != "" {
		meta["name"] = name
		container["name"] = name
	}
	setIf(meta, "generateName", o.GenerateName)
	setIf(meta, "namespace", o.Namespace)
	if len(o.Labels) > 0 {
		meta["labels"] = anyMap(o.Labels)
	}
	if len(o.Annotations) > 0 {
		meta["annotations"] = anyMap(o.Annotations)
	}
	if len(o.Command) > 0 {
		container["command"] = anySlice(o.Command)
	}
	if len(o.Args) > 0 {
		container["args"] = anySlice(o.Args)
	}
	if len(o.Env) > 0 {
		var env []any
		for _, k := range slices.Sorted(maps.Keys(o.Env)) {
			env = append(env, map[string]any{"name": k, "value": o.Env[k]})
		}
		container["env"] = env
	}
	if len(o.Ports) > 0 {
		var ports []any
		for _, p := range o.Ports {
			ports = append(ports, map[string]any{"containerPort": float64(p)})
		}
		container["ports"] = ports
	}
	if o.Resources != nil {
		container["resources"] = o.Resources
	}
	setIf(container, "imagePullPolicy", o.ImagePullPolicy)
	restart := o.RestartPolicy
	if restart == "" {
		restart = "Always"
	}
	spec := map[string]any{
		"containers":    []any{container},
		"restartPolicy": restart,
	}
	if len(o.Tolerations) > 0 {
		spec["tolerations"] = o.Tolerations
	}
	return NewPod(map[string]any{
		"apiVersion": "v1",
		"kind":       "Pod",
		"metadata":   meta,
		"spec":       spec,
	}, opts...)
}

func setIf(m map[string]any, key, value string) {
	if value != "" {
		m[key] = value
	}
}

func anyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// readyPods lists the pods in the object's namespace that o selects and
// keeps those that are Ready.
func readyPods(ctx context.Context, owner *Object, o *ListOptions) ([]*Pod, error) {
	pods, err := podsOf(ctx, owner, o)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(pods, func(p *Pod) bool { return !p.ready() }), nil
}

// podsOf lists the pods in the owner's namespace, with the owner's
// client, that o selects.
func podsOf(ctx context.Context, owner *Object, o *ListOptions) ([]*Pod, error) {
	c, err := owner.API()
	if err != nil {
		return nil, err
	}
	lo := *o
	lo.API, lo.Namespace = c, owner.Namespace()
	pods, err := Pods.ListAll(ctx, &lo)
	if err != nil {
		return nil, fmt.Errorf("pods of %s: %w", owner, err)
	}
	return pods, nil
}

func (p *Pod) containerPort(name string) int {
	cs, _ := p.Spec()["containers"].([]any)
	for _, c := range cs {
		m, _ := c.(map[string]any)
		ports, _ := m["ports"].([]any)
		for _, x := range ports {
			pm, _ := x.(map[string]any)
			if pm["name"] == name {
				n, _ := toInt(pm["containerPort"])
				return n
			}
		}
	}
	return 0
}

// errNoReadyPods is returned when a Service or Deployment has no ready
// pod to exec in or forward to.
var errNoReadyPods = errors.New("no ready pods")

// pickReady returns the first pod that list gives.
func pickReady(ctx context.Context, owner *Object, list func(context.Context) ([]*Pod, error)) (*Pod, error) {
	pods, err := list(ctx)
	if err != nil {
		return nil, err
	}
	if len(pods) == 0 {
		return nil, fmt.Errorf("%s: %w", owner, errNoReadyPods)
	}
	return pods[0], nil
}
