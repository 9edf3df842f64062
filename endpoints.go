package kr8s

// Endpoints is an Endpoints object (core v1).
// It lists the addresses behind a Service (superseded by discovery.k8s.io EndpointSlices).
type Endpoints struct{ *Object }

// EndpointsKind is the Endpoints kind. It is not called Endpoints, the
// name of its type, because the kind's plural is its singular.
var EndpointsKind = &KindOf[*Endpoints]{
	Kind: Kind{Version: "v1", Kind: "Endpoints", Plural: "endpoints", Namespaced: true},
	wrap: func(o *Object) *Endpoints { return &Endpoints{o} },
}

// NewEndpoints builds an Endpoints from a map, a struct or JSON; see NewPod.
func NewEndpoints(src any, opts ...ObjectOption) (*Endpoints, error) {
	return EndpointsKind.New(src, opts...)
}
