package kr8s

import (
	"context"
	"fmt"
)

// The apps/v1, autoscaling/v2 and batch/v1 kinds, and their helpers.

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

// HorizontalPodAutoscaler is a HorizontalPodAutoscaler object (autoscaling/v2).
type HorizontalPodAutoscaler struct{ *Object }

// HorizontalPodAutoscalers is the HorizontalPodAutoscaler kind.
var HorizontalPodAutoscalers = &KindOf[*HorizontalPodAutoscaler]{
	Kind: Kind{Group: "autoscaling", Version: "v2", Kind: "HorizontalPodAutoscaler", Plural: "horizontalpodautoscalers", Namespaced: true},
	wrap: func(o *Object) *HorizontalPodAutoscaler { return &HorizontalPodAutoscaler{o} },
}

// NewHorizontalPodAutoscaler builds a HorizontalPodAutoscaler from a map, a struct or JSON; see NewPod.
func NewHorizontalPodAutoscaler(src any, opts ...ObjectOption) (*HorizontalPodAutoscaler, error) {
	return HorizontalPodAutoscalers.New(src, opts...)
}

// CronJob is a CronJob object (batch/v1).
type CronJob struct{ *Object }

// CronJobs is the CronJob kind.
var CronJobs = &KindOf[*CronJob]{
	Kind: Kind{Group: "batch", Version: "v1", Kind: "CronJob", Plural: "cronjobs", Namespaced: true},
	wrap: func(o *Object) *CronJob { return &CronJob{o} },
}

// NewCronJob builds a CronJob from a map, a struct or JSON; see NewPod.
func NewCronJob(src any, opts ...ObjectOption) (*CronJob, error) { return CronJobs.New(src, opts...) }

// Job is a Job object (batch/v1).
type Job struct{ *Object }

// Jobs is the Job kind.
var Jobs = &KindOf[*Job]{
	Kind: Kind{Group: "batch", Version: "v1", Kind: "Job", Plural: "jobs", Namespaced: true},
	wrap: func(o *Object) *Job { return &Job{o} },
}

// NewJob builds a Job from a map, a struct or JSON; see NewPod.
func NewJob(src any, opts ...ObjectOption) (*Job, error) { return Jobs.New(src, opts...) }

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

// Ready reports whether the Deployment, as last read, has rolled out: the
// controller has seen the current generation, and every one of
// .spec.replicas (default 1) pods is updated and available, with no old
// pods left. This is kubectl rollout status's test; kr8s compares
// readyReplicas with replicas and refreshes first.
func (d *Deployment) Ready() bool {
	spec, status := d.Spec(), d.Status()
	want := int64(1)
	if v, ok := spec["replicas"]; ok {
		want = toInt64(v)
	}
	gen := toInt64(d.Metadata()["generation"])
	return toInt64(status["observedGeneration"]) >= gen &&
		toInt64(status["updatedReplicas"]) == want &&
		toInt64(status["availableReplicas"]) == want &&
		toInt64(status["replicas"]) == want
}

// toInt64 reads a JSON number (float64, or an int from a Go map).
func toInt64(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case int:
		return int64(n)
	case int64:
		return n
	case int32:
		return int64(n)
	}
	return 0
}
