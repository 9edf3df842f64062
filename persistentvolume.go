package kr8s

// PersistentVolume is a PersistentVolume object (core v1).
type PersistentVolume struct{ *Object }

// PersistentVolumes is the PersistentVolume kind.
var PersistentVolumes = &KindOf[*PersistentVolume]{
	Kind: Kind{Version: "v1", Kind: "PersistentVolume", Plural: "persistentvolumes"},
	wrap: func(o *Object) *PersistentVolume { return &PersistentVolume{o} },
}

// NewPersistentVolume builds a PersistentVolume from a map, a struct or JSON; see NewPod.
func NewPersistentVolume(src any, opts ...ObjectOption) (*PersistentVolume, error) {
	return PersistentVolumes.New(src, opts...)
}
