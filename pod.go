package kr8s

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
