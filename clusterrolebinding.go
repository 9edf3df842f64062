package kr8s

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
