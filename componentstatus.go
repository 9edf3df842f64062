package kr8s

// ComponentStatus is a ComponentStatus object (core v1).
// It reports the health of a control-plane component (deprecated by Kubernetes).
type ComponentStatus struct{ *Object }

// ComponentStatuses is the ComponentStatus kind.
var ComponentStatuses = &KindOf[*ComponentStatus]{
	Kind: Kind{Version: "v1", Kind: "ComponentStatus", Plural: "componentstatuses"},
	wrap: func(o *Object) *ComponentStatus { return &ComponentStatus{o} },
}

// NewComponentStatus builds a ComponentStatus from a map, a struct or JSON; see NewPod.
func NewComponentStatus(src any, opts ...ObjectOption) (*ComponentStatus, error) {
	return ComponentStatuses.New(src, opts...)
}
