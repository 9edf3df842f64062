package kr8s

import (
	"context"
	"fmt"
)

// Deployment is a Deployment object (apps/v1).
type Deployment struct{ *Object }

// Deployments is the Deployment kind.
var Deployments = &KindOf[*Deployment]{
	Kind: Kind{Group: "apps", Version: "v1", Kind: "Deployment", Plural: "deployments", Namespaced: true},
	wrap: func(o *Object) *Deployment { return &Deployment{o} },
}

// NewDeployment builds a Deployment from a map, a struct or JSON; see NewPod.
func NewDeployment(src any, opts ...ObjectOption) (*Deployment, error) {
	return Deployments.New(src, opts...)
}

// Pods returns the pods that the Deployment's .spec.selector picks
// (matchLabels and matchExpressions), in its namespace. Like kr8s, these
// include pods of old ReplicaSets during a rollout. (kr8s uses only
// matchLabels.)
func (d *Deployment) Pods(ctx context.Context) ([]*Pod, error) {
	sel, err := d.selector()
	if err != nil {
		return nil, err
	}
	return podsOf(ctx, d.Object, &ListOptions{LabelSelector: sel})
}

// ReadyPods returns the Deployment's pods that are Ready.
func (d *Deployment) ReadyPods(ctx context.Context) ([]*Pod, error) {
	sel, err := d.selector()
	if err != nil {
		return nil, err
	}
	return readyPods(ctx, d.Object, &ListOptions{LabelSelector: sel})
}

func (d *Deployment) selector() (string, error) {
	sel, err := d.PodSelector()
	if err != nil {
		return "", fmt.Errorf("pods of %s: %w", d, err)
	}
	return sel, nil
}

// Ready reads the Deployment again, as kr8s's ready() does, and reports
// whether it has rolled out: the controller has seen the current
// generation, and every one of .spec.replicas (default 1) pods is updated
// and available, with no old pods left. This is kubectl rollout status's
// test. kr8s only compares readyReplicas with replicas, which is true in
// the middle of a rollout while old pods still serve; waiting on it
// returns too early.
func (d *Deployment) Ready(ctx context.Context) (bool, error) {
	if err := d.Refresh(ctx); err != nil {
		return false, err
	}
	return d.rolledOut(), nil
}

// rolledOut is Ready's test on the Deployment as last read.
func (d *Deployment) rolledOut() bool {
	status := d.Status()
	want := 1
	if _, ok := d.Spec()["replicas"]; ok {
		want = intOf(d.Spec()["replicas"])
	}
	return intOf(status["observedGeneration"]) >= intOf(d.Metadata()["generation"]) &&
		intOf(status["updatedReplicas"]) == want &&
		intOf(status["availableReplicas"]) == want &&
		intOf(status["replicas"]) == want
}

// PortForward forwards local connections to port on a ready pod of the
// deployment, chosen for each connection.
func (d *Deployment) PortForward(ctx context.Context, port int, o *PortForwardOptions) (*PortForward, error) {
	return forwardToReady(ctx, d.Object, d.ReadyPods, func(*Pod) (int, error) { return port, nil }, o)
}

// Exec runs command in one of the deployment's ready pods; see Pod.Exec.
func (d *Deployment) Exec(ctx context.Context, command []string, o *ExecOptions) (*ExecResult, error) {
	pod, err := pickReady(ctx, d.Object, d.ReadyPods)
	if err != nil {
		return nil, err
	}
	return pod.Exec(ctx, command, o)
}
