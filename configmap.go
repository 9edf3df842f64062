package kr8s

// ConfigMap is a ConfigMap object.
type ConfigMap struct{ *Object }

// ConfigMaps is the ConfigMap kind.
var ConfigMaps = &KindOf[*ConfigMap]{
	Kind: Kind{Version: "v1", Kind: "ConfigMap", Plural: "configmaps", Namespaced: true},
	wrap: func(o *Object) *ConfigMap { return &ConfigMap{o} },
}

// NewConfigMap builds a ConfigMap from a map, a struct or JSON.
func NewConfigMap(src any, opts ...ObjectOption) (*ConfigMap, error) {
	return ConfigMaps.New(src, opts...)
}

// Data returns .data.
func (c *ConfigMap) Data() map[string]string { return stringMap(c.m()["data"]) }
