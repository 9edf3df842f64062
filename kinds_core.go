package kr8s

import (
	"context"
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
)

// The core (v1) kinds, other than Pod (pod.go) and ConfigMap
// (configmap.go), and their helpers.

// Binding is a Binding object (core v1).
// It binds a pod to a node; the API accepts it on create only.
type Binding struct{ *Object }

// Bindings is the Binding kind.
var Bindings = &KindOf[*Binding]{
	Kind: Kind{Version: "v1", Kind: "Binding", Plural: "bindings", Namespaced: true},
	wrap: func(o *Object) *Binding { return &Binding{o} },
}

// NewBinding builds a Binding from a map, a struct or JSON; see NewPod.
func NewBinding(src any, opts ...ObjectOption) (*Binding, error) { return Bindings.New(src, opts...) }

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

// Endpoints is an Endpoints object (core v1).
// It lists the addresses behind a Service (superseded by discovery.k8s.io EndpointSlices).
type Endpoints struct{ *Object }

// EndpointsKind is the Endpoints kind. It is not called Endpoints, the
// name of its type, because the kind's plural is its singular.
var EndpointsKind = &KindOf[*Endpoints]{
	Kind: Kind{Version: "v1", Kind: "Endpoints", Plural: "endpoints", Namespaced: true},
	wrap: func(o *Object) *Endpoints { return &Endpoints{o} },
}

// NewEndpoints builds an Endpoints from a map, a struct or JSON; see NewPod.
func NewEndpoints(src any, opts ...ObjectOption) (*Endpoints, error) {
	return EndpointsKind.New(src, opts...)
}

// CoreEvent is an Event object (core v1). It is not called Event, which
// is the type of a watch event.
type CoreEvent struct{ *Object }

// Events is the core/v1 Event kind, whose objects are CoreEvents.
var Events = &KindOf[*CoreEvent]{
	Kind: Kind{Version: "v1", Kind: "Event", Plural: "events", Namespaced: true},
	wrap: func(o *Object) *CoreEvent { return &CoreEvent{o} },
}

// NewCoreEvent builds an Event from a map, a struct or JSON; see NewPod.
func NewCoreEvent(src any, opts ...ObjectOption) (*CoreEvent, error) { return Events.New(src, opts...) }

// LimitRange is a LimitRange object (core v1).
// It sets default and maximum resource limits in a namespace.
type LimitRange struct{ *Object }

// LimitRanges is the LimitRange kind.
var LimitRanges = &KindOf[*LimitRange]{
	Kind: Kind{Version: "v1", Kind: "LimitRange", Plural: "limitranges", Namespaced: true},
	wrap: func(o *Object) *LimitRange { return &LimitRange{o} },
}

// NewLimitRange builds a LimitRange from a map, a struct or JSON; see NewPod.
func NewLimitRange(src any, opts ...ObjectOption) (*LimitRange, error) {
	return LimitRanges.New(src, opts...)
}

// Namespace is a Namespace object (core v1).
type Namespace struct{ *Object }

// Namespaces is the Namespace kind.
var Namespaces = &KindOf[*Namespace]{
	Kind: Kind{Version: "v1", Kind: "Namespace", Plural: "namespaces"},
	wrap: func(o *Object) *Namespace { return &Namespace{o} },
}

// NewNamespace builds a Namespace from a map, a struct or JSON; see NewPod.
func NewNamespace(src any, opts ...ObjectOption) (*Namespace, error) {
	return Namespaces.New(src, opts...)
}

// Node is a Node object (core v1).
type Node struct{ *Object }

// Nodes is the Node kind.
var Nodes = &KindOf[*Node]{
	Kind: Kind{Version: "v1", Kind: "Node", Plural: "nodes"},
	wrap: func(o *Object) *Node { return &Node{o} },
}

// NewNode builds a Node from a map, a struct or JSON; see NewPod.
func NewNode(src any, opts ...ObjectOption) (*Node, error) { return Nodes.New(src, opts...) }

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

// PodTemplate is a PodTemplate object (core v1).
type PodTemplate struct{ *Object }

// PodTemplates is the PodTemplate kind.
var PodTemplates = &KindOf[*PodTemplate]{
	Kind: Kind{Version: "v1", Kind: "PodTemplate", Plural: "podtemplates", Namespaced: true},
	wrap: func(o *Object) *PodTemplate { return &PodTemplate{o} },
}

// NewPodTemplate builds a PodTemplate from a map, a struct or JSON; see NewPod.
func NewPodTemplate(src any, opts ...ObjectOption) (*PodTemplate, error) {
	return PodTemplates.New(src, opts...)
}

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

// ResourceQuota is a ResourceQuota object (core v1).
type ResourceQuota struct{ *Object }

// ResourceQuotas is the ResourceQuota kind.
var ResourceQuotas = &KindOf[*ResourceQuota]{
	Kind: Kind{Version: "v1", Kind: "ResourceQuota", Plural: "resourcequotas", Namespaced: true},
	wrap: func(o *Object) *ResourceQuota { return &ResourceQuota{o} },
}

// NewResourceQuota builds a ResourceQuota from a map, a struct or JSON; see NewPod.
func NewResourceQuota(src any, opts ...ObjectOption) (*ResourceQuota, error) {
	return ResourceQuotas.New(src, opts...)
}

// Secret is a Secret object (core v1).
type Secret struct{ *Object }

// Secrets is the Secret kind.
var Secrets = &KindOf[*Secret]{
	Kind: Kind{Version: "v1", Kind: "Secret", Plural: "secrets", Namespaced: true},
	wrap: func(o *Object) *Secret { return &Secret{o} },
}

// NewSecret builds a Secret from a map, a struct or JSON; see NewPod.
func NewSecret(src any, opts ...ObjectOption) (*Secret, error) { return Secrets.New(src, opts...) }

// ServiceAccount is a ServiceAccount object (core v1).
type ServiceAccount struct{ *Object }

// ServiceAccounts is the ServiceAccount kind.
var ServiceAccounts = &KindOf[*ServiceAccount]{
	Kind: Kind{Version: "v1", Kind: "ServiceAccount", Plural: "serviceaccounts", Namespaced: true},
	wrap: func(o *Object) *ServiceAccount { return &ServiceAccount{o} },
}

// NewServiceAccount builds a ServiceAccount from a map, a struct or JSON; see NewPod.
func NewServiceAccount(src any, opts ...ObjectOption) (*ServiceAccount, error) {
	return ServiceAccounts.New(src, opts...)
}

// Service is a Service object (core v1).
type Service struct{ *Object }

// Services is the Service kind.
var Services = &KindOf[*Service]{
	Kind: Kind{Version: "v1", Kind: "Service", Plural: "services", Namespaced: true},
	wrap: func(o *Object) *Service { return &Service{o} },
}

// NewService builds a Service from a map, a struct or JSON; see NewPod.
func NewService(src any, opts ...ObjectOption) (*Service, error) { return Services.New(src, opts...) }

// Data returns the Secret's data, base64-decoded, with .stringData merged
// over it as the API server does when the Secret is written; so a Secret
// built locally reads the same as it will from the server. A value that
// is not valid base64 is an error naming its key. (kr8s's Secret.data
// returns the encoded strings.)
func (s *Secret) Data() (map[string][]byte, error) {
	data, _ := s.m()["data"].(map[string]any)
	out := make(map[string][]byte, len(data))
	for _, k := range slices.Sorted(maps.Keys(data)) {
		v, _ := data[k].(string)
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return nil, fmt.Errorf("secret %s: data[%q]: %w", s.Name(), k, err)
		}
		out[k] = b
	}
	for k, v := range stringMap(s.m()["stringData"]) {
		out[k] = []byte(v)
	}
	return out, nil
}

// StringData returns Data with each value as a string.
func (s *Secret) StringData() (map[string]string, error) {
	data, err := s.Data()
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(data))
	for k, v := range data {
		out[k] = string(v)
	}
	return out, nil
}

// Taint is a taint on a node: pods that do not tolerate it are kept off
// the node (NoSchedule, PreferNoSchedule) or evicted (NoExecute).
type Taint struct {
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"`
	Effect string `json:"effect"`
	// TimeAdded is set by the server for NoExecute taints, in RFC 3339.
	TimeAdded string `json:"timeAdded,omitempty"`
}

// Taints returns the node's .spec.taints, as last read.
func (n *Node) Taints() []Taint {
	list, _ := n.Spec()["taints"].([]any)
	out := make([]Taint, 0, len(list))
	for _, v := range list {
		m, _ := v.(map[string]any)
		var t Taint
		t.Key, _ = m["key"].(string)
		t.Value, _ = m["value"].(string)
		t.Effect, _ = m["effect"].(string)
		t.TimeAdded, _ = m["timeAdded"].(string)
		out = append(out, t)
	}
	return out
}

// Unschedulable reports .spec.unschedulable: whether the node is cordoned.
func (n *Node) Unschedulable() bool {
	b, _ := n.Spec()["unschedulable"].(bool)
	return b
}

// ReadyPods returns the pods that the Service's .spec.selector picks and
// that are Ready. A Service without a selector has no pods of its own,
// so it returns none. Like kr8s, it counts pods by label only, not by
// their endpoints.
func (s *Service) ReadyPods(ctx context.Context) ([]*Pod, error) {
	sel := stringMap(s.Spec()["selector"])
	if len(sel) == 0 {
		return nil, nil
	}
	return readyPods(ctx, s.Object, &ListOptions{Labels: sel})
}

// readyPods lists the pods in the object's namespace that o selects and
// keeps those that are Ready.
func readyPods(ctx context.Context, owner *Object, o *ListOptions) ([]*Pod, error) {
	pods, err := podsOf(ctx, owner, o)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(pods, func(p *Pod) bool { return !p.Ready() }), nil
}

// podsOf lists the pods in the owner's namespace, with the owner's
// client, that o selects.
func podsOf(ctx context.Context, owner *Object, o *ListOptions) ([]*Pod, error) {
	c, err := owner.API()
	if err != nil {
		return nil, err
	}
	lo := *o
	lo.API, lo.Namespace = c, owner.Namespace()
	pods, err := Pods.ListAll(ctx, &lo)
	if err != nil {
		return nil, fmt.Errorf("pods of %s: %w", owner, err)
	}
	return pods, nil
}
