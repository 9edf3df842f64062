package kr8s

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
