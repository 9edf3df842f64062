package kr8s

// ControllerRevision is a ControllerRevision object (apps/v1).
type ControllerRevision struct{ *Object }

// ControllerRevisions is the ControllerRevision kind.
var ControllerRevisions = &KindOf[*ControllerRevision]{
	Kind: Kind{Group: "apps", Version: "v1", Kind: "ControllerRevision", Plural: "controllerrevisions", Namespaced: true},
	wrap: func(o *Object) *ControllerRevision { return &ControllerRevision{o} },
}

// NewControllerRevision builds a ControllerRevision from a map, a struct or JSON; see NewPod.
func NewControllerRevision(src any, opts ...ObjectOption) (*ControllerRevision, error) {
	return ControllerRevisions.New(src, opts...)
}
