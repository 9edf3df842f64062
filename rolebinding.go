package kr8s

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
