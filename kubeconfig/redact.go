package kubeconfig

import (
	"fmt"
	"io"
	"net/url"
	"reflect"
	"strings"
)

// Redacted replaces a non-empty secret when a value is printed.
const Redacted = "REDACTED"

// Printing: every type that holds a secret implements fmt.Formatter by
// printing a "view", a copy of itself whose secret fields are replaced by
// Redacted and whose type has no methods. Types that only contain such types
// (NamedAuthInfo, NamedCluster...) need nothing: fmt calls the Formatter of
// nested exported fields.

func redact(s string) string {
	if s == "" {
		return ""
	}
	return Redacted
}

func redactBytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return Redacted
}

// RedactURL returns s with the password of its user info (a server or
// proxy-url may carry user:password@) replaced by "REDACTED". A string
// that does not parse as a URL and holds an '@' becomes "REDACTED".
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		if strings.Contains(s, "@") {
			return Redacted
		}
		return s
	}
	if u.User == nil {
		return s
	}
	if _, has := u.User.Password(); !has {
		return s
	}
	u.User = url.UserPassword(u.User.Username(), Redacted)
	return u.String()
}

// formatView prints view with the caller's verb and flags. For %#v it names
// the public type instead of the view's.
func formatView(f fmt.State, verb rune, public string, view any) {
	out := fmt.Sprintf(fmt.FormatString(f, verb), view)
	if verb == 'v' && f.Flag('#') {
		out = strings.Replace(out, reflect.TypeOf(view).String(), "kubeconfig."+public, 1)
	}
	_, _ = io.WriteString(f, out)
}

type authInfoView struct {
	ClientCertificate     string
	ClientKey             string
	ClientCertificateData []byte
	ClientKeyData         string
	Token                 string
	TokenFile             string
	Impersonate           string
	ImpersonateUID        string
	ImpersonateGroups     []string
	ImpersonateUserExtra  map[string][]string
	Username              string
	Password              string
	AuthProvider          *AuthProviderConfig
	Exec                  *ExecConfig
	Extensions            []string // names only
}

// Format prints a with its secrets (ClientKeyData, Token, Password, exec env
// values, auth-provider settings, extension values) hidden, for every verb.
func (a AuthInfo) Format(f fmt.State, verb rune) {
	v := authInfoView{
		ClientCertificate:     a.ClientCertificate,
		ClientKey:             a.ClientKey,
		ClientCertificateData: a.ClientCertificateData,
		ClientKeyData:         redactBytes(a.ClientKeyData),
		Token:                 redact(a.Token),
		TokenFile:             a.TokenFile,
		Impersonate:           a.Impersonate,
		ImpersonateUID:        a.ImpersonateUID,
		ImpersonateGroups:     a.ImpersonateGroups,
		ImpersonateUserExtra:  a.ImpersonateUserExtra,
		Username:              a.Username,
		Password:              redact(a.Password),
		AuthProvider:          a.AuthProvider,
		Exec:                  a.Exec,
	}
	for _, e := range a.Extensions {
		v.Extensions = append(v.Extensions, e.Name)
	}
	formatView(f, verb, "AuthInfo", v)
}

// String returns a printable form of a with its secrets hidden.
func (a AuthInfo) String() string { return fmt.Sprintf("%+v", a) }

// GoString returns a Go-syntax-like form of a with its secrets hidden.
func (a AuthInfo) GoString() string { return fmt.Sprintf("%#v", a) }

type execEnvVarView struct {
	Name  string
	Value string
}

// Format prints e with its Value hidden, for every verb.
func (e ExecEnvVar) Format(f fmt.State, verb rune) {
	formatView(f, verb, "ExecEnvVar", execEnvVarView{Name: e.Name, Value: redact(e.Value)})
}

// String returns a printable form of e with its Value hidden.
func (e ExecEnvVar) String() string { return fmt.Sprintf("%+v", e) }

// GoString returns a Go-syntax-like form of e with its Value hidden.
func (e ExecEnvVar) GoString() string { return fmt.Sprintf("%#v", e) }

// execConfigView has the fields of ExecConfig but not its methods; Env
// elements print themselves redacted.
type execConfigView ExecConfig

// Format prints e with the values of Env hidden, for every verb.
func (e ExecConfig) Format(f fmt.State, verb rune) {
	formatView(f, verb, "ExecConfig", execConfigView(e))
}

// String returns a printable form of e with the values of Env hidden.
func (e ExecConfig) String() string { return fmt.Sprintf("%+v", e) }

// GoString returns a Go-syntax-like form of e with the values of Env hidden.
func (e ExecConfig) GoString() string { return fmt.Sprintf("%#v", e) }

// publicAuthProviderKeys are auth-provider settings known not to be secret;
// the values of all other keys are hidden.
var publicAuthProviderKeys = map[string]bool{
	"client-id":                 true,
	"idp-issuer-url":            true,
	"idp-certificate-authority": true,
	"cmd-path":                  true,
	"expiry":                    true,
	"expiry-key":                true,
	"token-key":                 true,
	"scopes":                    true,
	"extra-scopes":              true,
	"config-mode":               true,
	"environment":               true,
	"tenant-id":                 true,
	"apiserver-id":              true,
}

type authProviderView struct {
	Name   string
	Config map[string]string
}

// Format prints p with the values of Config hidden, except for well-known
// public keys such as client-id and idp-issuer-url, for every verb.
func (p AuthProviderConfig) Format(f fmt.State, verb rune) {
	v := authProviderView{Name: p.Name}
	if p.Config != nil {
		v.Config = make(map[string]string, len(p.Config))
		for k, val := range p.Config {
			if !publicAuthProviderKeys[k] {
				val = redact(val)
			}
			v.Config[k] = val
		}
	}
	formatView(f, verb, "AuthProviderConfig", v)
}

// String returns a printable form of p with its secret settings hidden.
func (p AuthProviderConfig) String() string { return fmt.Sprintf("%+v", p) }

// GoString returns a Go-syntax-like form of p with its secret settings hidden.
func (p AuthProviderConfig) GoString() string { return fmt.Sprintf("%#v", p) }

// configView has the fields of Config but not its methods; users print
// themselves redacted.
type configView Config

// Format prints c with the users' secrets hidden, for every verb.
func (c Config) Format(f fmt.State, verb rune) {
	formatView(f, verb, "Config", configView(c))
}

// String returns a printable form of c with the users' secrets hidden.
func (c Config) String() string { return fmt.Sprintf("%+v", c) }

// GoString returns a Go-syntax-like form of c with the users' secrets hidden.
func (c Config) GoString() string { return fmt.Sprintf("%#v", c) }

type resolvedView struct {
	Context, Cluster, User string
	Server                 string
	Namespace              string
	CAData                 []byte
	ClientCertData         []byte
	ClientKeyData          string
	ClientCertFile         string
	ClientKeyFile          string
	InsecureSkipTLSVerify  bool
	TLSServerName          string
	ProxyURL               string
	DisableCompression     bool
	Token                  string
	TokenFile              string
	Username, Password     string
	Impersonate            string
	ImpersonateUID         string
	ImpersonateGroups      []string
	ImpersonateUserExtra   map[string][]string
	Exec                   *ExecConfig
	AuthProvider           *AuthProviderConfig
	ClusterInfo            ExecCluster
}

// Format prints r with its secrets (ClientKeyData, Token, Password, exec env
// values, auth-provider settings, URL passwords) hidden, for every verb.
func (r Resolved) Format(f fmt.State, verb rune) {
	clusterInfo := r.ClusterInfo
	clusterInfo.Server, clusterInfo.ProxyURL = RedactURL(clusterInfo.Server), RedactURL(clusterInfo.ProxyURL)
	formatView(f, verb, "Resolved", resolvedView{
		Context:               r.Context,
		Cluster:               r.Cluster,
		User:                  r.User,
		Server:                RedactURL(r.Server),
		Namespace:             r.Namespace,
		CAData:                r.CAData,
		ClientCertData:        r.ClientCertData,
		ClientKeyData:         redactBytes(r.ClientKeyData),
		ClientCertFile:        r.ClientCertFile,
		ClientKeyFile:         r.ClientKeyFile,
		InsecureSkipTLSVerify: r.InsecureSkipTLSVerify,
		TLSServerName:         r.TLSServerName,
		ProxyURL:              RedactURL(r.ProxyURL),
		DisableCompression:    r.DisableCompression,
		Token:                 redact(r.Token),
		TokenFile:             r.TokenFile,
		Username:              r.Username,
		Password:              redact(r.Password),
		Impersonate:           r.Impersonate,
		ImpersonateUID:        r.ImpersonateUID,
		ImpersonateGroups:     r.ImpersonateGroups,
		ImpersonateUserExtra:  r.ImpersonateUserExtra,
		Exec:                  r.Exec,
		AuthProvider:          r.AuthProvider,
		ClusterInfo:           clusterInfo,
	})
}

// String returns a printable form of r with its secrets hidden.
func (r Resolved) String() string { return fmt.Sprintf("%+v", r) }

// GoString returns a Go-syntax-like form of r with its secrets hidden.
func (r Resolved) GoString() string { return fmt.Sprintf("%#v", r) }

// clusterView has the fields of Cluster but not its methods.
type clusterView Cluster

// Format prints c with the passwords of its URLs (server, proxy-url) hidden,
// for every verb.
func (c Cluster) Format(f fmt.State, verb rune) {
	c.Server, c.ProxyURL = RedactURL(c.Server), RedactURL(c.ProxyURL)
	formatView(f, verb, "Cluster", clusterView(c))
}

// String returns a printable form of c with URL passwords hidden.
func (c Cluster) String() string { return fmt.Sprintf("%+v", c) }

// GoString returns a Go-syntax-like form of c with URL passwords hidden.
func (c Cluster) GoString() string { return fmt.Sprintf("%#v", c) }
