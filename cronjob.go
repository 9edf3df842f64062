package kr8s

// CronJob is a CronJob object (batch/v1).
type CronJob struct{ *Object }

// CronJobs is the CronJob kind.
var CronJobs = &KindOf[*CronJob]{
	Kind: Kind{Group: "batch", Version: "v1", Kind: "CronJob", Plural: "cronjobs", Namespaced: true},
	wrap: func(o *Object) *CronJob { return &CronJob{o} },
}

// NewCronJob builds a CronJob from a map, a struct or JSON; see NewPod.
func NewCronJob(src any, opts ...ObjectOption) (*CronJob, error) { return CronJobs.New(src, opts...) }
