package kr8s

// PodTemplate is a PodTemplate object (core v1).
type PodTemplate struct{ *Object }

// PodTemplates is the PodTemplate kind.
var PodTemplates = &KindOf[*PodTemplate]{
	Kind: Kind{Version: "v1", Kind: "PodTemplate", Plural: "podtemplates", Namespaced: true},
	wrap: func(o *Object) *PodTemplate { return &PodTemplate{o} },
}

// NewPodTemplate builds a PodTemplate from a map, a struct or JSON; see NewPod.
func NewPodTemplate(src any, opts ...ObjectOption) (*PodTemplate, error) {
	return PodTemplates.New(src, opts...)
}
