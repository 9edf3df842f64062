package kr8s

// Job is a Job object (batch/v1).
type Job struct{ *Object }

// Jobs is the Job kind.
var Jobs = &KindOf[*Job]{
	Kind: Kind{Group: "batch", Version: "v1", Kind: "Job", Plural: "jobs", Namespaced: true, ScalePath: "parallelism"},
	wrap: func(o *Object) *Job { return &Job{o} },
}

// NewJob builds a Job from a map, a struct or JSON; see NewPod.
func NewJob(src any, opts ...ObjectOption) (*Job, error) { return Jobs.New(src, opts...) }
