package kr8s

// IngressClass is an IngressClass object (networking.k8s.io/v1).
type IngressClass struct{ *Object }

// IngressClasses is the IngressClass kind.
var IngressClasses = &KindOf[*IngressClass]{
	Kind: Kind{Group: "networking.k8s.io", Version: "v1", Kind: "IngressClass", Plural: "ingressclasses"},
	wrap: func(o *Object) *IngressClass { return &IngressClass{o} },
}

// NewIngressClass builds an IngressClass from a map, a struct or JSON; see NewPod.
func NewIngressClass(src any, opts ...ObjectOption) (*IngressClass, error) {
	return IngressClasses.New(src, opts...)
}
