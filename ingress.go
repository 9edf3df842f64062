package kr8s

// Ingress is an Ingress object (networking.k8s.io/v1).
type Ingress struct{ *Object }

// Ingresses is the Ingress kind.
var Ingresses = &KindOf[*Ingress]{
	Kind: Kind{Group: "networking.k8s.io", Version: "v1", Kind: "Ingress", Plural: "ingresses", Namespaced: true},
	wrap: func(o *Object) *Ingress { return &Ingress{o} },
}

// NewIngress builds an Ingress from a map, a struct or JSON; see NewPod.
func NewIngress(src any, opts ...ObjectOption) (*Ingress, error) { return Ingresses.New(src, opts...) }
