package kr8s

// DaemonSet is a DaemonSet object (apps/v1).
type DaemonSet struct{ *Object }

// DaemonSets is the DaemonSet kind.
var DaemonSets = &KindOf[*DaemonSet]{
	Kind: Kind{Group: "apps", Version: "v1", Kind: "DaemonSet", Plural: "daemonsets", Namespaced: true},
	wrap: func(o *Object) *DaemonSet { return &DaemonSet{o} },
}

// NewDaemonSet builds a DaemonSet from a map, a struct or JSON; see NewPod.
func NewDaemonSet(src any, opts ...ObjectOption) (*DaemonSet, error) {
	return DaemonSets.New(src, opts...)
}
