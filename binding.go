package kr8s

// Binding is a Binding object (core v1).
// It binds a pod to a node; the API accepts it on create only.
type Binding struct{ *Object }

// Bindings is the Binding kind.
var Bindings = &KindOf[*Binding]{
	Kind: Kind{Version: "v1", Kind: "Binding", Plural: "bindings", Namespaced: true},
	wrap: func(o *Object) *Binding { return &Binding{o} },
}

// NewBinding builds a Binding from a map, a struct or JSON; see NewPod.
func NewBinding(src any, opts ...ObjectOption) (*Binding, error) { return Bindings.New(src, opts...) }
