package kr8s

// HorizontalPodAutoscaler is a HorizontalPodAutoscaler object (autoscaling/v2).
type HorizontalPodAutoscaler struct{ *Object }

// HorizontalPodAutoscalers is the HorizontalPodAutoscaler kind.
var HorizontalPodAutoscalers = &KindOf[*HorizontalPodAutoscaler]{
	Kind: Kind{Group: "autoscaling", Version: "v2", Kind: "HorizontalPodAutoscaler", Plural: "horizontalpodautoscalers", Namespaced: true},
	wrap: func(o *Object) *HorizontalPodAutoscaler { return &HorizontalPodAutoscaler{o} },
}

// NewHorizontalPodAutoscaler builds a HorizontalPodAutoscaler from a map, a struct or JSON; see NewPod.
func NewHorizontalPodAutoscaler(src any, opts ...ObjectOption) (*HorizontalPodAutoscaler, error) {
	return HorizontalPodAutoscalers.New(src, opts...)
}
