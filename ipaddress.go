package kr8s

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
