package kubeconfig

import (
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
)

// maxExtensionNodes bounds the size of decoded extension values, so that a
// file full of YAML aliases cannot make us build a huge structure.
const (
	maxExtensionNodes = 1 << 16
	maxExtensionDepth = 100
)

// Parse decodes one kubeconfig file. source names the file in errors and in
// the Source of each entry; relative paths in the file are later resolved
// against its directory by [Config.Resolve] (against the working directory
// when source is "").
//
// Like kubectl, Parse ignores unknown fields, takes an empty file (or one with
// only comments) as an empty config, tolerates a missing apiVersion and kind,
// and rejects other values of them. A name used twice in one list is an
// error. Errors name the file and the field, such as
// "kubeconfig /x/config: users[1].user.client-key-data: illegal base64 data at
// input byte 4", or the line for YAML syntax errors; they quote no text from
// the file, so they never contain secrets.
//
// Where kubectl reads YAML 1.1, Parse reads YAML 1.2: unquoted y, yes, on
// (and n, no, off) are strings, which Parse accepts for boolean fields.
func Parse(data []byte, source string) (*Config, error) {
	cfg, _, err := parse(data, source)
	return cfg, err
}

// parse is Parse that also returns the document as go-yaml decoded it, for
// reading by JSON pointer (see rawDocument).
func parse(data []byte, source string) (cfg *Config, doc any, err error) {
	defer func() {
		// go-yaml is third-party code fed with untrusted input: never let a
		// bug there crash the caller.
		if r := recover(); r != nil {
			cfg, doc, err = nil, nil, fmt.Errorf("%s: invalid YAML", errPrefix(source))
		}
	}()
	if err := yaml.UnmarshalWithOptions(data, &doc, yaml.AllowDuplicateMapKey()); err != nil {
		return nil, nil, yamlError(source, err)
	}
	d := &decoder{source: source}
	cfg = d.config(doc)
	if d.err != nil {
		return nil, nil, d.err
	}
	cfg.Sources = []string{source}
	return cfg, doc, nil
}

// maxDocumentNodes bounds the values rawDocument copies: a file has at
// most maxFileSize bytes, but YAML aliases can repeat a value many times.
const maxDocumentNodes = 1 << 20

// rawDocument copies a document decoded by parse into JSON-compatible
// values (see [NamedExtension]), bounding its size. A document that is not
// a mapping (an empty file) is an empty mapping.
func rawDocument(doc any, source string) (map[string]any, error) {
	d := &decoder{source: source, limit: maxDocumentNodes}
	m, _ := d.copyValue(doc, "(top level)", 0).(map[string]any)
	if d.err != nil {
		return nil, d.err
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

func errPrefix(source string) string {
	if source == "" {
		return "kubeconfig"
	}
	return "kubeconfig " + source
}

// quoted matches the double-quoted strings that go-yaml puts in its messages;
// they may hold values from the file, which may be secrets.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// yamlError turns a go-yaml error into one that names the file and line but
// holds no text from the file: go-yaml's own Error() quotes the source.
func yamlError(source string, err error) error {
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return fmt.Errorf("%s: invalid YAML", errPrefix(source))
	}
	msg := quoted.ReplaceAllString(ye.GetMessage(), "(value omitted)")
	if strings.Contains(msg, `"`) {
		msg = "syntax error"
	}
	if tk := ye.GetToken(); tk != nil && tk.Position != nil {
		return fmt.Errorf("%s: line %d, column %d: invalid YAML: %s", errPrefix(source), tk.Position.Line, tk.Position.Column, msg)
	}
	return fmt.Errorf("%s: invalid YAML: %s", errPrefix(source), msg)
}

// decoder walks the generic value decoded by go-yaml, tracking the field path
// for errors. It keeps the first error and returns zero values after it.
type decoder struct {
	source string
	err    error
	nodes  int
	limit  int // of nodes for copyValue; 0 is maxExtensionNodes
}

func (d *decoder) fail(path, format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%s: %s: %s", errPrefix(d.source), path, fmt.Sprintf(format, args...))
	}
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	case []byte:
		return "binary data"
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return "a number"
	default:
		return "an unsupported value"
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *decoder) mapping(v any, path string) map[string]any {
	switch m := v.(type) {
	case nil:
		return nil
	case map[string]any:
		return m
	}
	if path == "" {
		d.fail("(top level)", "expected a mapping, got %s", kindOf(v))
	} else {
		d.fail(path, "expected a mapping, got %s", kindOf(v))
	}
	return nil
}

func (d *decoder) list(m map[string]any, key, path string) []any {
	p := join(path, key)
	switch l := m[key].(type) {
	case nil:
		return nil
	case []any:
		return l
	default:
		d.fail(p, "expected a list, got %s", kindOf(l))
		return nil
	}
}

func (d *decoder) str(m map[string]any, key, path string) string {
	switch s := m[key].(type) {
	case nil:
		return ""
	case string:
		return s
	default:
		// kubectl rejects non-strings too (e.g. namespace: 123).
		d.fail(join(path, key), "expected a string, got %s", kindOf(s))
		return ""
	}
}

func (d *decoder) boolean(m map[string]any, key, path string) bool {
	switch b := m[key].(type) {
	case nil:
		return false
	case bool:
		return b
	case string:
		// YAML 1.1 booleans, which kubectl's parser accepts unquoted.
		switch strings.ToLower(b) {
		case "true", "yes", "y", "on":
			return true
		case "false", "no", "n", "off":
			return false
		}
		d.fail(join(path, key), "expected a boolean, got a string")
		return false
	default:
		d.fail(join(path, key), "expected a boolean, got %s", kindOf(b))
		return false
	}
}

func (d *decoder) data(m map[string]any, key, path string) []byte {
	switch s := m[key].(type) {
	case nil:
		return nil
	case []byte: // !!binary
		return s
	case string:
		// The same decoding as encoding/json for []byte, which kubectl uses:
		// standard alphabet, padding required, newlines ignored.
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			d.fail(join(path, key), "%v", err)
			return nil
		}
		if len(b) == 0 {
			return nil
		}
		return b
	default:
		d.fail(join(path, key), "expected a base64 string, got %s", kindOf(s))
		return nil
	}
}

func (d *decoder) strings(m map[string]any, key, path string) []string {
	p := join(path, key)
	l := d.list(m, key, path)
	if l == nil {
		return nil
	}
	out := make([]string, 0, len(l))
	for i, v := range l {
		s, ok := v.(string)
		if !ok && v != nil {
			d.fail(fmt.Sprintf("%s[%d]", p, i), "expected a string, got %s", kindOf(v))
			return nil
		}
		out = append(out, s)
	}
	return out
}

func (d *decoder) stringMap(m map[string]any, key, path string) map[string]string {
	p := join(path, key)
	mm := d.mapping(m[key], p)
	if mm == nil {
		return nil
	}
	out := make(map[string]string, len(mm))
	for k, v := range mm {
		s, ok := v.(string)
		if !ok && v != nil {
			// Parse errors quote nothing from the file, not even keys.
			d.fail(p, "expected string values, got %s", kindOf(v))
			return nil
		}
		out[k] = s
	}
	return out
}

func (d *decoder) stringsMap(m map[string]any, key, path string) map[string][]string {
	p := join(path, key)
	mm := d.mapping(m[key], p)
	if mm == nil {
		return nil
	}
	out := make(map[string][]string, len(mm))
	for _, k := range slices.Sorted(maps.Keys(mm)) {
		out[k] = d.strings(mm, k, p)
	}
	return out
}

// entry decodes the {name, <field>} element i of a named list and reports a
// name used twice.
func (d *decoder) entry(v any, list string, i int, field string, seen map[string]int) (name string, body map[string]any, path string) {
	p := fmt.Sprintf("%s[%d]", list, i)
	m := d.mapping(v, p)
	name = d.str(m, "name", p)
	if j, dup := seen[name]; dup && d.err == nil {
		// kubectl fails the same way. Parse errors quote nothing from the
		// file, so the position stands for the name.
		d.fail(join(p, "name"), "duplicate name, already used by %s[%d]", list, j)
	}
	seen[name] = i
	return name, d.mapping(m[field], join(p, field)), join(p, field)
}

func (d *decoder) config(doc any) *Config {
	cfg := &Config{}
	top := d.mapping(doc, "")
	if top == nil {
		return cfg
	}
	// kubectl decodes apiVersion/kind with its scheme: both may be missing,
	// but other values are errors.
	if v := d.str(top, "apiVersion", ""); v != "" && v != "v1" {
		d.fail("apiVersion", `unsupported value, want "v1"`)
	}
	if k := d.str(top, "kind", ""); k != "" && k != "Config" {
		d.fail("kind", `unsupported value, want "Config"`)
	}
	cfg.CurrentContext = d.str(top, "current-context", "")
	if p := d.mapping(top["preferences"], "preferences"); len(p) > 0 {
		if v, ok := d.extensionValue(p, "preferences").(map[string]any); ok && len(v) > 0 {
			cfg.Preferences = v
		}
	}
	cfg.Extensions = d.extensions(top, "extensions", "")

	seen := map[string]int{}
	for i, v := range d.list(top, "clusters", "") {
		name, m, p := d.entry(v, "clusters", i, "cluster", seen)
		cfg.Clusters = append(cfg.Clusters, NamedCluster{Name: name, Cluster: d.cluster(m, p), Source: d.source})
	}
	seen = map[string]int{}
	for i, v := range d.list(top, "users", "") {
		name, m, p := d.entry(v, "users", i, "user", seen)
		cfg.Users = append(cfg.Users, NamedAuthInfo{Name: name, AuthInfo: d.authInfo(m, p), Source: d.source})
	}
	seen = map[string]int{}
	for i, v := range d.list(top, "contexts", "") {
		name, m, p := d.entry(v, "contexts", i, "context", seen)
		cfg.Contexts = append(cfg.Contexts, NamedContext{Name: name, Context: d.context(m, p), Source: d.source})
	}
	return cfg
}

func (d *decoder) cluster(m map[string]any, p string) Cluster {
	return Cluster{
		Server:                   d.str(m, "server", p),
		TLSServerName:            d.str(m, "tls-server-name", p),
		InsecureSkipTLSVerify:    d.boolean(m, "insecure-skip-tls-verify", p),
		CertificateAuthority:     d.str(m, "certificate-authority", p),
		CertificateAuthorityData: d.data(m, "certificate-authority-data", p),
		ProxyURL:                 d.str(m, "proxy-url", p),
		DisableCompression:       d.boolean(m, "disable-compression", p),
		Extensions:               d.extensions(m, "extensions", p),
	}
}

func (d *decoder) authInfo(m map[string]any, p string) AuthInfo {
	a := AuthInfo{
		ClientCertificate:     d.str(m, "client-certificate", p),
		ClientCertificateData: d.data(m, "client-certificate-data", p),
		ClientKey:             d.str(m, "client-key", p),
		ClientKeyData:         d.data(m, "client-key-data", p),
		Token:                 d.str(m, "token", p),
		TokenFile:             d.str(m, "tokenFile", p),
		Impersonate:           d.str(m, "as", p),
		ImpersonateUID:        d.str(m, "as-uid", p),
		ImpersonateGroups:     d.strings(m, "as-groups", p),
		ImpersonateUserExtra:  d.stringsMap(m, "as-user-extra", p),
		Username:              d.str(m, "username", p),
		Password:              d.str(m, "password", p),
		Extensions:            d.extensions(m, "extensions", p),
	}
	if ap, ok := m["auth-provider"]; ok && ap != nil {
		pp := join(p, "auth-provider")
		am := d.mapping(ap, pp)
		a.AuthProvider = &AuthProviderConfig{
			Name:   d.str(am, "name", pp),
			Config: d.stringMap(am, "config", pp),
		}
	}
	if ex, ok := m["exec"]; ok && ex != nil {
		a.Exec = d.exec(d.mapping(ex, join(p, "exec")), join(p, "exec"))
	}
	return a
}

func (d *decoder) exec(m map[string]any, p string) *ExecConfig {
	e := &ExecConfig{
		Command:            d.str(m, "command", p),
		Args:               d.strings(m, "args", p),
		APIVersion:         d.str(m, "apiVersion", p),
		InstallHint:        d.str(m, "installHint", p),
		ProvideClusterInfo: d.boolean(m, "provideClusterInfo", p),
		InteractiveMode:    d.str(m, "interactiveMode", p),
	}
	for i, v := range d.list(m, "env", p) {
		ep := fmt.Sprintf("%s.env[%d]", p, i)
		em := d.mapping(v, ep)
		e.Env = append(e.Env, ExecEnvVar{Name: d.str(em, "name", ep), Value: d.str(em, "value", ep)})
	}
	// Defaulting done by clientcmd's v1 conversion (SetDefaults_ExecConfig).
	if e.InteractiveMode == "" {
		switch e.APIVersion {
		case "client.authentication.k8s.io/v1beta1", "client.authentication.k8s.io/v1alpha1":
			e.InteractiveMode = InteractiveIfAvailable
		}
	}
	return e
}

func (d *decoder) context(m map[string]any, p string) Context {
	return Context{
		Cluster:    d.str(m, "cluster", p),
		AuthInfo:   d.str(m, "user", p),
		Namespace:  d.str(m, "namespace", p),
		Extensions: d.extensions(m, "extensions", p),
	}
}

func (d *decoder) extensions(m map[string]any, key, path string) []NamedExtension {
	var out []NamedExtension
	p := join(path, key)
	for i, v := range d.list(m, key, path) {
		ep := fmt.Sprintf("%s[%d]", p, i)
		em := d.mapping(v, ep)
		out = append(out, NamedExtension{
			Name:      d.str(em, "name", ep),
			Extension: d.extensionValue(em["extension"], join(ep, "extension")),
		})
	}
	return out
}

// extensionValue copies a decoded YAML value into JSON-compatible values,
// bounding its size and depth.
func (d *decoder) extensionValue(v any, path string) any {
	return d.copyValue(v, path, 0)
}

func (d *decoder) copyValue(v any, path string, depth int) any {
	if d.err != nil {
		return nil
	}
	d.nodes++
	limit := d.limit
	if limit == 0 {
		limit = maxExtensionNodes
	}
	if d.nodes > limit || depth > maxExtensionDepth {
		d.fail(path, "value too large")
		return nil
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			out[k] = d.copyValue(x[k], path, depth+1)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = d.copyValue(x[i], path, depth+1)
		}
		return out
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			// Not representable in JSON.
			return strconv.FormatFloat(x, 'g', -1, 64)
		}
		return x
	case float32:
		return d.copyValue(float64(x), path, depth)
	case nil, string, bool, int64, uint64:
		return x
	case int:
		return int64(x)
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	default:
		return fmt.Sprint(x)
	}
}
