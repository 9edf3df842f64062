package kr8s

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
