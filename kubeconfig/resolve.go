package kubeconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// ExecInfoExtension is the name of the cluster extension passed to exec
// plugins as ExecCluster.Config.
const ExecInfoExtension = "client.authentication.k8s.io/exec"

// Resolved is everything needed to connect to a cluster, with the files named
// by the kubeconfig already read into memory. Its secret fields are printed
// as "REDACTED" by fmt.
type Resolved struct {
	// Context, Cluster and User are the names of the entries used. Context is
	// empty for in-cluster config; User is empty for anonymous access.
	Context, Cluster, User string
	// Server is the API server's URL. As in client-go, a server written
	// without a scheme gets "https://" when TLS settings are present and
	// "http://" otherwise.
	Server string
	// Namespace is the context's namespace, else "default".
	Namespace string

	// CAData is the PEM CA bundle to trust, from certificate-authority-data
	// or certificate-authority; nil means the system roots.
	CAData []byte
	// ClientCertData and ClientKeyData are the PEM client certificate and
	// key; both are set or neither. ClientKeyData is secret.
	ClientCertData, ClientKeyData []byte
	// ClientCertFile and ClientKeyFile are the absolute paths of the
	// client-certificate and client-key files that ClientCertData and
	// ClientKeyData were read from, or "" where the kubeconfig has the data
	// inline. Certificates rotate: client-go re-reads the pair while the
	// client runs when both come from files, and kr8s does too.
	ClientCertFile, ClientKeyFile string
	// InsecureSkipTLSVerify disables server certificate verification.
	InsecureSkipTLSVerify bool
	// TLSServerName overrides the name used to verify the server.
	TLSServerName string
	// ProxyURL is the proxy to use (http, https or socks5), or "".
	ProxyURL string
	// DisableCompression turns off response compression.
	DisableCompression bool

	// Token is the bearer token: the user's token, else the content of
	// TokenFile. Secret.
	Token string
	// TokenFile is the absolute path of the token file, or "". As client-go
	// does, the caller should re-read it periodically (tokens rotate); when
	// both token and tokenFile are set, Token is the inline token.
	TokenFile string
	// Username and Password are for basic authentication. Password is secret.
	Username, Password string

	// Impersonate, ImpersonateUID, ImpersonateGroups and
	// ImpersonateUserExtra ask the server to act as another user.
	Impersonate          string
	ImpersonateUID       string
	ImpersonateGroups    []string
	ImpersonateUserExtra map[string][]string

	// Exec is the credential plugin to run, or nil. Its Command is resolved
	// like kubectl: a relative command containing a path separator is made
	// absolute against the directory of the kubeconfig file that defined it.
	Exec *ExecConfig
	// AuthProvider is the legacy auth provider, or nil.
	AuthProvider *AuthProviderConfig
	// ClusterInfo is the "cluster" to pass to an exec plugin in
	// KUBERNETES_EXEC_INFO when Exec.ProvideClusterInfo is set.
	ClusterInfo ExecCluster
}

// ExecCluster is the cluster information that client-go passes to exec
// plugins (client.authentication.k8s.io Cluster). Its JSON encoding is the
// one the plugins expect.
type ExecCluster struct {
	// Server is the API server's URL.
	Server string `json:"server"`
	// TLSServerName overrides the name used to verify the server.
	TLSServerName string `json:"tls-server-name,omitempty"`
	// InsecureSkipTLSVerify disables server certificate verification.
	InsecureSkipTLSVerify bool `json:"insecure-skip-tls-verify,omitempty"`
	// CertificateAuthorityData is the PEM CA bundle, read from the file if the
	// kubeconfig names one.
	CertificateAuthorityData []byte `json:"certificate-authority-data,omitempty"`
	// ProxyURL is the proxy to use.
	ProxyURL string `json:"proxy-url,omitempty"`
	// DisableCompression turns off response compression.
	DisableCompression bool `json:"disable-compression,omitempty"`
	// Config is the cluster's extension named [ExecInfoExtension], as JSON.
	Config json.RawMessage `json:"config,omitempty"`
}

// Resolve picks a context (name, else the current-context) and returns its
// cluster and user with relative paths resolved against the directory of the
// file that defined each entry, and the files they name read into memory.
//
// It applies the checks kubectl applies before connecting: a server is set;
// certificate-authority and certificate-authority-data are not both set, nor
// client-certificate and client-certificate-data, nor client-key and
// client-key-data; a client certificate has a key; token and basic auth are
// not both set; a CA is not combined with insecure-skip-tls-verify; exec has
// a command, a known apiVersion, named env variables and a valid
// interactiveMode, and is not combined with auth-provider; impersonation
// extras come with a user to impersonate; proxy-url is http, https or socks5.
//
// Where kubectl falls back silently (to localhost:8080, or to anonymous
// access), Resolve fails: when no context is set (ErrNoContext), or the
// context names no cluster, or a cluster or user that does not exist. A
// context with no user is anonymous access, as in kubectl.
func (c *Config) Resolve(context string) (*Resolved, error) {
	name := context
	if name == "" {
		name = c.CurrentContext
	}
	if name == "" {
		return nil, fmt.Errorf("kubeconfig%s: %w: current-context is empty and no context was given; %s",
			c.filesSuffix(), ErrNoContext, c.available())
	}
	ctx := c.Context(name)
	if ctx == nil {
		return nil, fmt.Errorf("kubeconfig%s: context %q not found; %s", c.filesSuffix(), name, c.available())
	}
	r := &Resolved{Context: name, Namespace: ctx.Context.Namespace}
	if r.Namespace == "" {
		r.Namespace = "default"
	}
	where := describe("context", name, ctx.Source)
	if ctx.Context.Cluster == "" {
		return nil, fmt.Errorf("kubeconfig: %s names no cluster", where)
	}
	cl := c.Cluster(ctx.Context.Cluster)
	if cl == nil {
		return nil, fmt.Errorf("kubeconfig%s: cluster %q of %s not found", c.filesSuffix(), ctx.Context.Cluster, where)
	}
	if err := r.setCluster(cl); err != nil {
		return nil, err
	}
	if ctx.Context.AuthInfo != "" {
		u := c.User(ctx.Context.AuthInfo)
		if u == nil {
			return nil, fmt.Errorf("kubeconfig%s: user %q of %s not found", c.filesSuffix(), ctx.Context.AuthInfo, where)
		}
		if err := r.setUser(u); err != nil {
			return nil, err
		}
	}
	if err := r.finish(cl); err != nil {
		return nil, err
	}
	return r, nil
}

func (c *Config) filesSuffix() string {
	switch len(c.Sources) {
	case 0:
		return ""
	case 1:
		if c.Sources[0] == "" {
			return ""
		}
		return " " + c.Sources[0]
	default:
		return " (" + strings.Join(c.Sources, ", ") + ")"
	}
}

func (c *Config) available() string {
	if len(c.Contexts) == 0 {
		return "the kubeconfig defines no contexts"
	}
	names := make([]string, len(c.Contexts))
	for i, ctx := range c.Contexts {
		names[i] = fmt.Sprintf("%q", ctx.Name)
	}
	sort.Strings(names)
	return "available contexts: " + strings.Join(names, ", ")
}

// describe names an entry and the file that defined it, for errors.
func describe(kind, name, source string) string {
	if source == "" {
		return fmt.Sprintf("%s %q", kind, name)
	}
	return fmt.Sprintf("%s %q (%s)", kind, name, source)
}

// resolvePath makes p absolute against the directory of source, the way
// clientcmd's ResolveLocalPaths does.
func resolvePath(p, source string) (string, error) {
	if p == "" || filepath.IsAbs(p) {
		return p, nil
	}
	dir, err := filepath.Abs(filepath.Dir(source))
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, p), nil
}

// readFile reads a file named by a kubeconfig field; the error names the
// field and the file, never the content.
func readFile(field, path, entry string) ([]byte, error) {
	data, err := readLimited(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("kubeconfig: unable to read %s %s for %s: %w", field, path, entry, err)
	}
	return data, nil
}

func (r *Resolved) setCluster(nc *NamedCluster) error {
	cl := nc.Cluster
	entry := describe("cluster", nc.Name, nc.Source)
	r.Cluster = nc.Name
	r.Server = cl.Server
	r.TLSServerName = cl.TLSServerName
	r.InsecureSkipTLSVerify = cl.InsecureSkipTLSVerify
	r.ProxyURL = cl.ProxyURL
	r.DisableCompression = cl.DisableCompression
	if cl.Server == "" {
		return fmt.Errorf("kubeconfig: no server found for %s", entry)
	}
	if cl.ProxyURL != "" {
		u, err := url.Parse(cl.ProxyURL)
		if err != nil {
			return fmt.Errorf("kubeconfig: invalid proxy-url of %s", entry)
		}
		switch u.Scheme {
		case "http", "https", "socks5":
		default:
			return fmt.Errorf("kubeconfig: invalid proxy-url of %s: unsupported scheme %q, must be http, https, or socks5", entry, u.Scheme)
		}
	}
	if cl.CertificateAuthority != "" && len(cl.CertificateAuthorityData) > 0 {
		return fmt.Errorf("kubeconfig: certificate-authority-data and certificate-authority are both specified for %s", entry)
	}
	r.CAData = cl.CertificateAuthorityData
	if cl.CertificateAuthority != "" {
		p, err := resolvePath(cl.CertificateAuthority, nc.Source)
		if err != nil {
			return fmt.Errorf("kubeconfig: certificate-authority of %s: %w", entry, err)
		}
		if r.CAData, err = readFile("certificate-authority", p, entry); err != nil {
			return err
		}
	}
	// client-go's transport refuses this combination (TLSConfigFor).
	if len(r.CAData) > 0 && cl.InsecureSkipTLSVerify {
		return fmt.Errorf("kubeconfig: %s: specifying a root certificates file with the insecure flag is not allowed", entry)
	}
	r.ClusterInfo = ExecCluster{
		TLSServerName:            cl.TLSServerName,
		InsecureSkipTLSVerify:    cl.InsecureSkipTLSVerify,
		CertificateAuthorityData: r.CAData,
		ProxyURL:                 cl.ProxyURL,
		DisableCompression:       cl.DisableCompression,
	}
	for _, e := range cl.Extensions {
		if e.Name == ExecInfoExtension {
			raw, err := json.Marshal(e.Extension)
			if err != nil {
				return fmt.Errorf("kubeconfig: extension %q of %s: %w", e.Name, entry, err)
			}
			r.ClusterInfo.Config = raw
			break
		}
	}
	return nil
}

// knownExecVersions are the ExecCredential versions kubectl 1.32 accepts.
var knownExecVersions = map[string]bool{
	"client.authentication.k8s.io/v1":      true,
	"client.authentication.k8s.io/v1beta1": true,
}

func (r *Resolved) setUser(nu *NamedAuthInfo) error {
	a := nu.AuthInfo
	entry := describe("user", nu.Name, nu.Source)
	r.User = nu.Name
	r.Username, r.Password = a.Username, a.Password
	r.Impersonate, r.ImpersonateUID = a.Impersonate, a.ImpersonateUID
	r.ImpersonateGroups = slices.Clone(a.ImpersonateGroups)
	if a.ImpersonateUserExtra != nil {
		r.ImpersonateUserExtra = make(map[string][]string, len(a.ImpersonateUserExtra))
		for k, v := range a.ImpersonateUserExtra {
			r.ImpersonateUserExtra[k] = slices.Clone(v)
		}
	}

	// Checks from clientcmd's validateAuthInfo; messages name fields only.
	if (a.Token != "" || a.TokenFile != "") && (a.Username != "" || a.Password != "") {
		return fmt.Errorf("kubeconfig: more than one authentication method found for %s: token and basic auth (username/password); only one is allowed", entry)
	}
	if (a.ImpersonateUID != "" || len(a.ImpersonateGroups) > 0 || len(a.ImpersonateUserExtra) > 0) && a.Impersonate == "" {
		return fmt.Errorf("kubeconfig: %s requests as-uid, as-groups or as-user-extra without impersonating a user (as)", entry)
	}
	if a.Exec != nil {
		if err := checkExec(a, entry); err != nil {
			return err
		}
		e := *a.Exec
		e.Args, e.Env = slices.Clone(e.Args), slices.Clone(e.Env)
		if strings.ContainsRune(e.Command, filepath.Separator) {
			p, err := resolvePath(e.Command, nu.Source)
			if err != nil {
				return fmt.Errorf("kubeconfig: exec command of %s: %w", entry, err)
			}
			e.Command = p
		}
		r.Exec = &e
	}
	if a.AuthProvider != nil {
		ap := *a.AuthProvider
		ap.Config = maps.Clone(ap.Config)
		r.AuthProvider = &ap
	}

	hasCert := a.ClientCertificate != "" || len(a.ClientCertificateData) > 0
	hasKey := a.ClientKey != "" || len(a.ClientKeyData) > 0
	if a.ClientCertificate != "" && len(a.ClientCertificateData) > 0 {
		return fmt.Errorf("kubeconfig: client-certificate-data and client-certificate are both specified for %s", entry)
	}
	if a.ClientKey != "" && len(a.ClientKeyData) > 0 {
		return fmt.Errorf("kubeconfig: client-key-data and client-key are both specified for %s", entry)
	}
	if hasCert && !hasKey {
		return fmt.Errorf("kubeconfig: client-key-data or client-key must be specified for %s to use the client certificate", entry)
	}
	// As in client-go, a key without a certificate is ignored.
	if hasCert {
		var err error
		r.ClientCertData, r.ClientKeyData = a.ClientCertificateData, a.ClientKeyData
		if a.ClientCertificate != "" {
			if r.ClientCertFile, r.ClientCertData, err = readUserFile("client-certificate", a.ClientCertificate, nu.Source, entry); err != nil {
				return err
			}
		}
		if a.ClientKey != "" {
			if r.ClientKeyFile, r.ClientKeyData, err = readUserFile("client-key", a.ClientKey, nu.Source, entry); err != nil {
				return err
			}
		}
	}

	r.Token = a.Token
	if a.TokenFile != "" {
		p, err := resolvePath(a.TokenFile, nu.Source)
		if err != nil {
			return fmt.Errorf("kubeconfig: tokenFile of %s: %w", entry, err)
		}
		r.TokenFile = p
		if r.Token == "" {
			data, err := readFile("tokenFile", p, entry)
			if err != nil {
				return err
			}
			r.Token = strings.TrimSpace(string(data))
		}
	}
	return nil
}

// readUserFile resolves path against the directory of source and reads
// it. It returns the absolute path and the content.
func readUserFile(field, path, source, entry string) (string, []byte, error) {
	p, err := resolvePath(path, source)
	if err != nil {
		return "", nil, fmt.Errorf("kubeconfig: %s of %s: %w", field, entry, err)
	}
	data, err := readFile(field, p, entry)
	if err != nil {
		return "", nil, err
	}
	return p, data, nil
}

func checkExec(a AuthInfo, entry string) error {
	e := a.Exec
	var errs []string
	if a.AuthProvider != nil {
		errs = append(errs, "auth-provider cannot be combined with an exec plugin")
	}
	if e.Command == "" {
		errs = append(errs, "exec command must be specified")
	}
	if e.APIVersion == "" {
		errs = append(errs, "exec apiVersion must be specified")
	} else if !knownExecVersions[e.APIVersion] {
		errs = append(errs, fmt.Sprintf("exec apiVersion %q is not supported, want client.authentication.k8s.io/v1 or v1beta1", e.APIVersion))
	}
	for i, v := range e.Env {
		if v.Name == "" {
			errs = append(errs, fmt.Sprintf("exec env[%d] has no name", i))
		}
	}
	switch e.InteractiveMode {
	case InteractiveNever, InteractiveIfAvailable, InteractiveAlways:
	case "":
		errs = append(errs, "exec interactiveMode must be specified (Never, IfAvailable or Always)")
	default:
		errs = append(errs, fmt.Sprintf("invalid exec interactiveMode %q, want Never, IfAvailable or Always", e.InteractiveMode))
	}
	if len(errs) > 0 {
		return fmt.Errorf("kubeconfig: %s: %s", entry, strings.Join(errs, "; "))
	}
	return nil
}

// finish normalizes the server URL once the TLS settings are known.
func (r *Resolved) finish(nc *NamedCluster) error {
	server, err := normalizeServer(r.Server, len(r.CAData) > 0 || len(r.ClientCertData) > 0 || r.InsecureSkipTLSVerify)
	if err != nil {
		return fmt.Errorf("kubeconfig: invalid server of cluster %q (%s): %w", nc.Name, nc.Source, err)
	}
	r.Server = server
	r.ClusterInfo.Server = server
	return nil
}

// normalizeServer follows client-go's DefaultServerURL: a host without a
// scheme gets https:// when TLS is configured, else http://. Unlike
// client-go, a server written with a scheme ("https://...") that does not
// parse or names no host is an error, instead of becoming
// "http://https://..." with host "https:".
func normalizeServer(server string, tls bool) (string, error) {
	u, err := url.Parse(server)
	if strings.Contains(server, "://") && (err != nil || u.Host == "") {
		if err != nil {
			return "", errors.New("not a URL")
		}
		return "", errors.New("no host")
	}
	if err != nil || u.Scheme == "" || u.Host == "" {
		scheme := "http://"
		if tls {
			scheme = "https://"
		}
		u, err = url.Parse(scheme + server)
		if err != nil {
			// url errors quote the input, which is not a secret but may be
			// long; keep the message short.
			return "", errors.New("not a URL")
		}
		if u.Host == "" {
			return "", errors.New("no host")
		}
		return scheme + server, nil
	}
	return server, nil
}
