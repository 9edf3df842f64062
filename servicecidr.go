package kr8s

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
