package kr8s

// CoreEvent is an Event object (core v1). It is not called Event, which
// is the type of a watch event.
type CoreEvent struct{ *Object }

// Events is the core/v1 Event kind, whose objects are CoreEvents.
var Events = &KindOf[*CoreEvent]{
	Kind: Kind{Version: "v1", Kind: "Event", Plural: "events", Namespaced: true},
	wrap: func(o *Object) *CoreEvent { return &CoreEvent{o} },
}

// NewCoreEvent builds an Event from a map, a struct or JSON; see NewPod.
func NewCoreEvent(src any, opts ...ObjectOption) (*CoreEvent, error) { return Events.New(src, opts...) }
