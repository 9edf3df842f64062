package kr8s

import "context"

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

// Ready reads the ReplicationController again and reports whether it is
// ready, as kr8s's ready() does: the controller has seen the current
// generation and .status.readyReplicas equals .spec.replicas (default 1).
func (rc *ReplicationController) Ready(ctx context.Context) (bool, error) {
	if err := rc.Refresh(ctx); err != nil {
		return false, err
	}
	want := 1
	if n, ok := rc.Replicas(); ok {
		want = n
	}
	status := rc.Status()
	return intOf(status["observedGeneration"]) >= intOf(rc.Metadata()["generation"]) &&
		intOf(status["readyReplicas"]) == want, nil
}
