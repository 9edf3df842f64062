package kr8s

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
