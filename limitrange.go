package kr8s

// LimitRange is a LimitRange object (core v1).
// It sets default and maximum resource limits in a namespace.
type LimitRange struct{ *Object }

// LimitRanges is the LimitRange kind.
var LimitRanges = &KindOf[*LimitRange]{
	Kind: Kind{Version: "v1", Kind: "LimitRange", Plural: "limitranges", Namespaced: true},
	wrap: func(o *Object) *LimitRange { return &LimitRange{o} },
}

// NewLimitRange builds a LimitRange from a map, a struct or JSON; see NewPod.
func NewLimitRange(src any, opts ...ObjectOption) (*LimitRange, error) {
	return LimitRanges.New(src, opts...)
}
