package kr8s

// ReplicaSet is a ReplicaSet object (apps/v1).
type ReplicaSet struct{ *Object }

// ReplicaSets is the ReplicaSet kind.
var ReplicaSets = &KindOf[*ReplicaSet]{
	Kind: Kind{Group: "apps", Version: "v1", Kind: "ReplicaSet", Plural: "replicasets", Namespaced: true},
	wrap: func(o *Object) *ReplicaSet { return &ReplicaSet{o} },
}

// NewReplicaSet builds a ReplicaSet from a map, a struct or JSON; see NewPod.
func NewReplicaSet(src any, opts ...ObjectOption) (*ReplicaSet, error) {
	return ReplicaSets.New(src, opts...)
}
