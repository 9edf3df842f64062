package kr8s

// Namespace is a Namespace object (core v1).
type Namespace struct{ *Object }

// Namespaces is the Namespace kind.
var Namespaces = &KindOf[*Namespace]{
	Kind: Kind{Version: "v1", Kind: "Namespace", Plural: "namespaces"},
	wrap: func(o *Object) *Namespace { return &Namespace{o} },
}

// NewNamespace builds a Namespace from a map, a struct or JSON; see NewPod.
func NewNamespace(src any, opts ...ObjectOption) (*Namespace, error) {
	return Namespaces.New(src, opts...)
}
