package kr8s

// CustomResourceDefinition is a CustomResourceDefinition object (apiextensions.k8s.io/v1).
type CustomResourceDefinition struct{ *Object }

// CustomResourceDefinitions is the CustomResourceDefinition kind.
var CustomResourceDefinitions = &KindOf[*CustomResourceDefinition]{
	Kind: Kind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition", Plural: "customresourcedefinitions"},
	wrap: func(o *Object) *CustomResourceDefinition { return &CustomResourceDefinition{o} },
}

// NewCustomResourceDefinition builds a CustomResourceDefinition from a map, a struct or JSON; see NewPod.
func NewCustomResourceDefinition(src any, opts ...ObjectOption) (*CustomResourceDefinition, error) {
	return CustomResourceDefinitions.New(src, opts...)
}
