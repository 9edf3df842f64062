package kr8s

// PersistentVolumeClaim is a PersistentVolumeClaim object (core v1).
type PersistentVolumeClaim struct{ *Object }

// PersistentVolumeClaims is the PersistentVolumeClaim kind.
var PersistentVolumeClaims = &KindOf[*PersistentVolumeClaim]{
	Kind: Kind{Version: "v1", Kind: "PersistentVolumeClaim", Plural: "persistentvolumeclaims", Namespaced: true},
	wrap: func(o *Object) *PersistentVolumeClaim { return &PersistentVolumeClaim{o} },
}

// NewPersistentVolumeClaim builds a PersistentVolumeClaim from a map, a struct or JSON; see NewPod.
func NewPersistentVolumeClaim(src any, opts ...ObjectOption) (*PersistentVolumeClaim, error) {
	return PersistentVolumeClaims.New(src, opts...)
}
