package auth

import (
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"strings"
)

// redacted stands for a secret that is set.
const redacted = "<redacted>"

// desc builds a one-line description of a struct, field by field, skipping
// zero fields.
type desc struct {
	b strings.Builder
	n int
}

func newDesc(typ string) *desc {
	d := &desc{}
	d.b.WriteString(typ)
	d.b.WriteByte('{')
	return d
}

func (d *desc) field(name, val string) {
	if d.n > 0 {
		d.b.WriteString(", ")
	}
	d.n++
	d.b.WriteString(name)
	d.b.WriteByte(':')
	d.b.WriteString(val)
}

func (d *desc) str(name, val string) {
	if val != "" {
		d.field(name, strconv.Quote(val))
	}
}

func (d *desc) secret(name, val string) {
	if val != "" {
		d.field(name, redacted)
	}
}

func (d *desc) secretBytes(name string, val []byte) {
	if len(val) > 0 {
		d.field(name, redacted)
	}
}

func (d *desc) boolean(name string, val bool) {
	if val {
		d.field(name, "true")
	}
}

func (d *desc) String() string {
	d.b.WriteByte('}')
	return d.b.String()
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, " ") + "]"
}

// String describes c with every secret redacted.
func (c Config) String() string {
	d := newDesc("auth.Config")
	d.secret("Token", c.Token)
	d.str("TokenFile", c.TokenFile)
	d.str("Username", c.Username)
	d.secret("Password", c.Password)
	d.str("Impersonate", c.Impersonate)
	d.str("ImpersonateUID", c.ImpersonateUID)
	if len(c.ImpersonateGroups) > 0 {
		d.field("ImpersonateGroups", quoteList(c.ImpersonateGroups))
	}
	if len(c.ImpersonateUserExtra) > 0 {
		keys := make([]string, 0, len(c.ImpersonateUserExtra))
		for k := range c.ImpersonateUserExtra {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = strconv.Quote(k) + ":" + quoteList(c.ImpersonateUserExtra[k])
		}
		d.field("ImpersonateUserExtra", "map["+strings.Join(parts, " ")+"]")
	}
	if c.Exec != nil {
		d.field("Exec", "&"+c.Exec.String())
	}
	if c.AuthProvider != nil {
		d.field("AuthProvider", "&"+c.AuthProvider.String())
	}
	if len(c.ClientCertData) > 0 {
		d.field("ClientCertData", fmt.Sprintf("<%d bytes>", len(c.ClientCertData)))
	}
	d.secretBytes("ClientKeyData", c.ClientKeyData)
	d.str("ClientCertFile", c.ClientCertFile)
	d.str("ClientKeyFile", c.ClientKeyFile)
	if c.ClusterInfo != nil {
		d.field("ClusterInfo", "&"+c.ClusterInfo.String())
	}
	return d.String()
}

// GoString is like String, for %#v.
func (c Config) GoString() string { return c.String() }

// Format writes String for every verb, so no secret is ever printed.
func (c Config) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue makes log/slog print the redacted String.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// String describes e. Argument and environment values are redacted, since
// plugins often take secrets there.
func (e ExecConfig) String() string {
	d := newDesc("auth.ExecConfig")
	d.str("Command", e.Command)
	if len(e.Args) > 0 {
		d.field("Args", fmt.Sprintf("<%d redacted>", len(e.Args)))
	}
	if len(e.Env) > 0 {
		parts := make([]string, len(e.Env))
		for i, v := range e.Env {
			parts[i] = v.String()
		}
		d.field("Env", "["+strings.Join(parts, " ")+"]")
	}
	d.str("APIVersion", e.APIVersion)
	d.str("InstallHint", e.InstallHint)
	d.boolean("ProvideClusterInfo", e.ProvideClusterInfo)
	d.str("InteractiveMode", e.InteractiveMode)
	if e.Timeout != 0 {
		d.field("Timeout", e.Timeout.String())
	}
	return d.String()
}

// GoString is like String, for %#v.
func (e ExecConfig) GoString() string { return e.String() }

// Format writes String for every verb, so no secret is ever printed.
func (e ExecConfig) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, e.String()) }

// LogValue makes log/slog print the redacted String.
func (e ExecConfig) LogValue() slog.Value { return slog.StringValue(e.String()) }

// String describes v with its value redacted.
func (v EnvVar) String() string {
	val := ""
	if v.Value != "" {
		val = redacted
	}
	return fmt.Sprintf("%s=%s", v.Name, val)
}

// GoString is like String, for %#v.
func (v EnvVar) GoString() string { return v.String() }

// Format writes String for every verb, so no secret is ever printed.
func (v EnvVar) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, v.String()) }

// LogValue makes log/slog print the redacted String.
func (v EnvVar) LogValue() slog.Value { return slog.StringValue(v.String()) }

// String describes a with every config value redacted.
func (a AuthProvider) String() string {
	d := newDesc("auth.AuthProvider")
	d.str("Name", a.Name)
	if len(a.Config) > 0 {
		keys := make([]string, 0, len(a.Config))
		for k := range a.Config {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			keys[i] = k + ":" + redacted
		}
		d.field("Config", "map["+strings.Join(keys, " ")+"]")
	}
	return d.String()
}

// GoString is like String, for %#v.
func (a AuthProvider) GoString() string { return a.String() }

// Format writes String for every verb, so no secret is ever printed.
func (a AuthProvider) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, a.String()) }

// LogValue makes log/slog print the redacted String.
func (a AuthProvider) LogValue() slog.Value { return slog.StringValue(a.String()) }

// String describes ci. The exec extension config is summarised by size, as
// it may hold anything.
func (ci ClusterInfo) String() string {
	d := newDesc("auth.ClusterInfo")
	d.str("Server", ci.Server)
	d.str("TLSServerName", ci.TLSServerName)
	d.boolean("InsecureSkipTLSVerify", ci.InsecureSkipTLSVerify)
	if len(ci.CertificateAuthorityData) > 0 {
		d.field("CertificateAuthorityData", fmt.Sprintf("<%d bytes>", len(ci.CertificateAuthorityData)))
	}
	d.str("ProxyURL", ci.ProxyURL)
	d.boolean("DisableCompression", ci.DisableCompression)
	if len(ci.Config) > 0 {
		d.field("Config", fmt.Sprintf("<%d bytes>", len(ci.Config)))
	}
	return d.String()
}

// GoString is like String, for %#v.
func (ci ClusterInfo) GoString() string { return ci.String() }

// Format writes String for every verb.
func (ci ClusterInfo) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, ci.String()) }

// String describes the Provider's configuration with every secret redacted.
func (p *Provider) String() string {
	if p == nil {
		return "auth.Provider(nil)"
	}
	return "auth.Provider" + strings.TrimPrefix(p.desc, "auth.Config")
}

// GoString is like String, for %#v.
func (p *Provider) GoString() string { return p.String() }

// Format writes String for every verb, so no secret is ever printed.
func (p *Provider) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// LogValue makes log/slog print the redacted String.
func (p *Provider) LogValue() slog.Value { return slog.StringValue(p.String()) }
