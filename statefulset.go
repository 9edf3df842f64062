package kr8s

// StatefulSet is a StatefulSet object (apps/v1).
type StatefulSet struct{ *Object }

// StatefulSets is the StatefulSet kind.
var StatefulSets = &KindOf[*StatefulSet]{
	Kind: Kind{Group: "apps", Version: "v1", Kind: "StatefulSet", Plural: "statefulsets", Namespaced: true},
	wrap: func(o *Object) *StatefulSet { return &StatefulSet{o} },
}

// NewStatefulSet builds a StatefulSet from a map, a struct or JSON; see NewPod.
func NewStatefulSet(src any, opts ...ObjectOption) (*StatefulSet, error) {
	return StatefulSets.New(src, opts...)
}
