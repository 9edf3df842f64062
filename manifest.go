package kr8s

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kr8s-go/kr8s/internal/manifest"
)

// LoadObjects reads the objects in a YAML or JSON manifest: several YAML
// documents separated by "---", or one or more JSON objects; a List is
// expanded into its items. Each object must have apiVersion and kind.
//
// Objects of the built-in kinds get their typed kind at once, without
// touching the server; other kinds (CRDs, StorageClass, ...) are looked up
// in discovery when a verb first needs them. Objects are bound to the
// client given with WithAPI, else to the default client.
func LoadObjects(data []byte, opts ...ObjectOption) ([]*Object, error) {
	docs, err := manifest.Decode(data, "")
	if err != nil {
		return nil, fmt.Errorf("load objects: %w", err)
	}
	return objectsFromDocs(docs, opts)
}

// LoadFiles reads the objects in files and directories, in order, like
// LoadObjects. A directory contributes its .yaml, .yml and .json files in
// name order, and its subdirectories too when recursive (kr8s's
// objects_from_files, which reads only .yaml files).
func LoadFiles(paths []string, recursive bool, opts ...ObjectOption) ([]*Object, error) {
	docs, err := manifest.ReadFiles(paths, recursive)
	if err != nil {
		return nil, fmt.Errorf("load files: %w", err)
	}
	return objectsFromDocs(docs, opts)
}

func objectsFromDocs(docs []manifest.Document, opts []ObjectOption) ([]*Object, error) {
	var cfg objectConfig
	for _, o := range opts {
		o(&cfg)
	}
	out := make([]*Object, 0, len(docs))
	for _, d := range docs {
		var raw map[string]any
		if err := json.Unmarshal(d.JSON, &raw); err != nil {
			return nil, fmt.Errorf("load objects: %s document %d: %w", sourceName(d.Source), d.Index, err)
		}
		apiVersion, _ := raw["apiVersion"].(string)
		kind, _ := raw["kind"].(string)
		k, err := kindOfManifest(apiVersion, kind)
		if err != nil {
			return nil, fmt.Errorf("load objects: %s document %d: %w", sourceName(d.Source), d.Index, err)
		}
		out = append(out, &Object{api: cfg.api, kind: k, raw: raw})
	}
	return out, nil
}

func sourceName(s string) string {
	if s == "" {
		return "<input>"
	}
	return s
}

// kindOfManifest returns the built-in kind for apiVersion and kind, or an
// unresolved Kind (no Plural) for discovery to complete.
func kindOfManifest(apiVersion, kind string) (*Kind, error) {
	if k := builtinKind(apiVersion, kind); k != nil {
		return k, nil
	}
	group, version, ok := strings.Cut(apiVersion, "/")
	if !ok {
		group, version = "", apiVersion
	}
	if version == "" || strings.Contains(version, "/") || kind == "" {
		return nil, fmt.Errorf("invalid apiVersion %q or kind %q: want apiVersion \"v1\" or \"group/version\" and a kind", apiVersion, kind)
	}
	return &Kind{Group: group, Version: version, Kind: kind}, nil
}
