package kr8s

// PodDisruptionBudget is a PodDisruptionBudget object (policy/v1).
type PodDisruptionBudget struct{ *Object }

// PodDisruptionBudgets is the PodDisruptionBudget kind.
var PodDisruptionBudgets = &KindOf[*PodDisruptionBudget]{
	Kind: Kind{Group: "policy", Version: "v1", Kind: "PodDisruptionBudget", Plural: "poddisruptionbudgets", Namespaced: true},
	wrap: func(o *Object) *PodDisruptionBudget { return &PodDisruptionBudget{o} },
}

// NewPodDisruptionBudget builds a PodDisruptionBudget from a map, a struct or JSON; see NewPod.
func NewPodDisruptionBudget(src any, opts ...ObjectOption) (*PodDisruptionBudget, error) {
	return PodDisruptionBudgets.New(src, opts...)
}
