package kr8s

// Role is a Role object (rbac.authorization.k8s.io/v1).
type Role struct{ *Object }

// Roles is the Role kind.
var Roles = &KindOf[*Role]{
	Kind: Kind{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "Role", Plural: "roles", Namespaced: true},
	wrap: func(o *Object) *Role { return &Role{o} },
}

// NewRole builds a Role from a map, a struct or JSON; see NewPod.
func NewRole(src any, opts ...ObjectOption) (*Role, error) { return Roles.New(src, opts...) }
