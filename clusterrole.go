package kr8s

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
