package kr8s

// This file lists the built-in kinds, kr8s's object classes, and holds
// the kinds of the networking.k8s.io, policy, rbac.authorization.k8s.io
// and apiextensions.k8s.io groups. The core kinds are in kinds_core.go,
// pod.go and configmap.go; apps, autoscaling and batch in kinds_apps.go;
// kr8s's Table class is not a resource; it is in table.go.

// builtinKinds are the typed kinds, used to type objects read from
// manifests without asking the server.
var builtinKinds = []*Kind{
	&Bindings.Kind, &ComponentStatuses.Kind, &ConfigMaps.Kind, &EndpointsKind.Kind,
	&Events.Kind, &LimitRanges.Kind, &Namespaces.Kind, &Nodes.Kind,
	&PersistentVolumes.Kind, &PersistentVolumeClaims.Kind, &Pods.Kind,
	&PodTemplates.Kind, &ReplicationControllers.Kind, &ResourceQuotas.Kind,
	&Secrets.Kind, &ServiceAccounts.Kind, &Services.Kind,
	&ControllerRevisions.Kind, &DaemonSets.Kind, &Deployments.Kind,
	&ReplicaSets.Kind, &StatefulSets.Kind,
	&HorizontalPodAutoscalers.Kind,
	&CronJobs.Kind, &Jobs.Kind,
	&IngressClasses.Kind, &Ingresses.Kind, &NetworkPolicies.Kind,
	&IPAddresses.Kind, &ServiceCIDRs.Kind,
	&PodDisruptionBudgets.Kind,
	&ClusterRoleBindings.Kind, &ClusterRoles.Kind, &RoleBindings.Kind, &Roles.Kind,
	&CustomResourceDefinitions.Kind,
}

// builtinKind returns the typed kind for an apiVersion and kind, or nil.
// The version must match: autoscaling/v1 HorizontalPodAutoscalers are not
// the typed (v2) kind.
func builtinKind(apiVersion, kind string) *Kind {
	for _, k := range builtinKinds {
		if k.Kind == kind && k.GroupVersion() == apiVersion {
			return k
		}
	}
	return nil
}

// IngressClass is an IngressClass object (networking.k8s.io/v1).
type IngressClass struct{ *Object }

// IngressClasses is the IngressClass kind.
var IngressClasses = &KindOf[*IngressClass]{
	Kind: Kind{Group: "networking.k8s.io", Version: "v1", Kind: "IngressClass", Plural: "ingressclasses"},
	wrap: func(o *Object) *IngressClass { return &IngressClass{o} },
}

// NewIngressClass builds an IngressClass from a map, a struct or JSON; see NewPod.
func NewIngressClass(src any, opts ...ObjectOption) (*IngressClass, error) {
	return IngressClasses.New(src, opts...)
}

// Ingress is an Ingress object (networking.k8s.io/v1).
type Ingress struct{ *Object }

// Ingresses is the Ingress kind.
var Ingresses = &KindOf[*Ingress]{
	Kind: Kind{Group: "networking.k8s.io", Version: "v1", Kind: "Ingress", Plural: "ingresses", Namespaced: true},
	wrap: func(o *Object) *Ingress { return &Ingress{o} },
}

// NewIngress builds an Ingress from a map, a struct or JSON; see NewPod.
func NewIngress(src any, opts ...ObjectOption) (*Ingress, error) { return Ingresses.New(src, opts...) }

// NetworkPolicy is a NetworkPolicy object (networking.k8s.io/v1).
type NetworkPolicy struct{ *Object }

// NetworkPolicies is the NetworkPolicy kind.
var NetworkPolicies = &KindOf[*NetworkPolicy]{
	Kind: Kind{Group: "networking.k8s.io", Version: "v1", Kind: "NetworkPolicy", Plural: "networkpolicies", Namespaced: true},
	wrap: func(o *Object) *NetworkPolicy { return &NetworkPolicy{o} },
}

// NewNetworkPolicy builds a NetworkPolicy from a map, a struct or JSON; see NewPod.
func NewNetworkPolicy(src any, opts ...ObjectOption) (*NetworkPolicy, error) {
	return NetworkPolicies.New(src, opts...)
}

// IPAddress is an IPAddress object (networking.k8s.io/v1).
type IPAddress struct{ *Object }

// IPAddresses is the IPAddress kind.
var IPAddresses = &KindOf[*IPAddress]{
	Kind: Kind{Group: "networking.k8s.io", Version: "v1", Kind: "IPAddress", Plural: "ipaddresses"},
	wrap: func(o *Object) *IPAddress { return &IPAddress{o} },
}

// NewIPAddress builds an IPAddress from a map, a struct or JSON; see NewPod.
func NewIPAddress(src any, opts ...ObjectOption) (*IPAddress, error) {
	return IPAddresses.New(src, opts...)
}

// ServiceCIDR is a ServiceCIDR object (networking.k8s.io/v1).
type ServiceCIDR struct{ *Object }

// ServiceCIDRs is the ServiceCIDR kind.
var ServiceCIDRs = &KindOf[*ServiceCIDR]{
	Kind: Kind{Group: "networking.k8s.io", Version: "v1", Kind: "ServiceCIDR", Plural: "servicecidrs"},
	wrap: func(o *Object) *ServiceCIDR { return &ServiceCIDR{o} },
}

// NewServiceCIDR builds a ServiceCIDR from a map, a struct or JSON; see NewPod.
func NewServiceCIDR(src any, opts ...ObjectOption) (*ServiceCIDR, error) {
	return ServiceCIDRs.New(src, opts...)
}

// PodDisruptionBudget is a PodDisruptionBudget object (policy/v1).
type PodDisruptionBudget struct{ *Object }

// PodDisruptionBudgets is the PodDisruptionBudget kind.
var PodDisruptionBudgets = &KindOf[*PodDisruptionBudget]{
	Kind: Kind{Group: "policy", Version: "v1", Kind: "PodDisruptionBudget", Plural: "poddisruptionbudgets", Namespaced: true},
	wrap: func(o *Object) *PodDisruptionBudget { return &PodDisruptionBudget{o} },
}

// NewPodDisruptionBudget builds a PodDisruptionBudget from a map, a struct or JSON; see NewPod.
func NewPodDisruptionBudget(src any, opts ...ObjectOption) (*PodDisruptionBudget, error) {
	return PodDisruptionBudgets.New(src, opts...)
}

// ClusterRoleBinding is a ClusterRoleBinding object (rbac.authorization.k8s.io/v1).
type ClusterRoleBinding struct{ *Object }

// ClusterRoleBindings is the ClusterRoleBinding kind.
var ClusterRoleBindings = &KindOf[*ClusterRoleBinding]{
	Kind: Kind{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRoleBinding", Plural: "clusterrolebindings"},
	wrap: func(o *Object) *ClusterRoleBinding { return &ClusterRoleBinding{o} },
}

// NewClusterRoleBinding builds a ClusterRoleBinding from a map, a struct or JSON; see NewPod.
func NewClusterRoleBinding(src any, opts ...ObjectOption) (*ClusterRoleBinding, error) {
	return ClusterRoleBindings.New(src, opts...)
}

// ClusterRole is a ClusterRole object (rbac.authorization.k8s.io/v1).
type ClusterRole struct{ *Object }

// ClusterRoles is the ClusterRole kind.
var ClusterRoles = &KindOf[*ClusterRole]{
	Kind: Kind{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole", Plural: "clusterroles"},
	wrap: func(o *Object) *ClusterRole { return &ClusterRole{o} },
}

// NewClusterRole builds a ClusterRole from a map, a struct or JSON; see NewPod.
func NewClusterRole(src any, opts ...ObjectOption) (*ClusterRole, error) {
	return ClusterRoles.New(src, opts...)
}

// RoleBinding is a RoleBinding object (rbac.authorization.k8s.io/v1).
type RoleBinding struct{ *Object }

// RoleBindings is the RoleBinding kind.
var RoleBindings = &KindOf[*RoleBinding]{
	Kind: Kind{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "RoleBinding", Plural: "rolebindings", Namespaced: true},
	wrap: func(o *Object) *RoleBinding { return &RoleBinding{o} },
}

// NewRoleBinding builds a RoleBinding from a map, a struct or JSON; see NewPod.
func NewRoleBinding(src any, opts ...ObjectOption) (*RoleBinding, error) {
	return RoleBindings.New(src, opts...)
}

// Role is a Role object (rbac.authorization.k8s.io/v1).
type Role struct{ *Object }

// Roles is the Role kind.
var Roles = &KindOf[*Role]{
	Kind: Kind{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "Role", Plural: "roles", Namespaced: true},
	wrap: func(o *Object) *Role { return &Role{o} },
}

// NewRole builds a Role from a map, a struct or JSON; see NewPod.
func NewRole(src any, opts ...ObjectOption) (*Role, error) { return Roles.New(src, opts...) }

// CustomResourceDefinition is a CustomResourceDefinition object (apiextensions.k8s.io/v1).
type CustomResourceDefinition struct{ *Object }

// CustomResourceDefinitions is the CustomResourceDefinition kind.
var CustomResourceDefinitions = &KindOf[*CustomResourceDefinition]{
	Kind: Kind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition", Plural: "customresourcedefinitions"},
	wrap: func(o *Object) *CustomResourceDefinition { return &CustomResourceDefinition{o} },
}

// NewCustomResourceDefinition builds a CustomResourceDefinition from a map, a struct or JSON; see NewPod.
func NewCustomResourceDefinition(src any, opts ...ObjectOption) (*CustomResourceDefinition, error) {
	return CustomResourceDefinitions.New(src, opts...)
}
