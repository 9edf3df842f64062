package kr8s

// ReplicationController is a ReplicationController object (core v1).
type ReplicationController struct{ *Object }

// ReplicationControllers is the ReplicationController kind.
var ReplicationControllers = &KindOf[*ReplicationController]{
	Kind: Kind{Version: "v1", Kind: "ReplicationController", Plural: "replicationcontrollers", Namespaced: true},
	wrap: func(o *Object) *ReplicationController { return &ReplicationController{o} },
}

// NewReplicationController builds a ReplicationController from a map, a struct or JSON; see NewPod.
func NewReplicationController(src any, opts ...ObjectOption) (*ReplicationController, error) {
	return ReplicationControllers.New(src, opts...)
}
