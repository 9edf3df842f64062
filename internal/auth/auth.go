// Package auth supplies credentials for requests to a Kubernetes API server.
//
// It handles static bearer tokens, token files that rotate (including the
// in-cluster service-account token), basic auth, OIDC id-tokens from the
// "oidc" auth provider, exec credential plugins (client.authentication.k8s.io
// v1 and v1beta1), static and plugin-issued client certificates, and the
// Impersonate-* headers.
//
// A [Provider] is built once per client with [New]. Its [Provider.Wrap]
// method returns an [http.RoundTripper] that adds the credentials and, on a
// 401 Unauthorized, refreshes them once and retries the request once.
// [Provider.GetClientCertificate] plugs into [tls.Config].
//
// No error, log line or String/GoString/Format output of this package
// contains a token, a password, key material or the output of a plugin.
package auth

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Exec credential API versions understood by this package.
const (
	// ExecAPIVersionV1 is client.authentication.k8s.io/v1.
	ExecAPIVersionV1 = "client.authentication.k8s.io/v1"
	// ExecAPIVersionV1beta1 is client.authentication.k8s.io/v1beta1.
	ExecAPIVersionV1beta1 = "client.authentication.k8s.io/v1beta1"
)

// Values of [ExecConfig.InteractiveMode].
const (
	// InteractiveNever never connects standard input to the plugin.
	InteractiveNever = "Never"
	// InteractiveIfAvailable connects standard input when it is a terminal.
	InteractiveIfAvailable = "IfAvailable"
	// InteractiveAlways requires a terminal on standard input and fails
	// without one.
	InteractiveAlways = "Always"
)

// Config is what auth needs. The client fills it from a resolved kubeconfig
// or from the in-cluster service-account directory.
//
// Its String, GoString and Format methods redact every secret.
type Config struct {
	// Token is a static bearer token.
	Token string
	// TokenFile is a file holding a bearer token. It is re-read when its
	// modification time or size changes (checked at most once a second) and
	// always after a 401. It takes precedence over Token; Token is used only
	// while the file cannot be read.
	TokenFile string

	// Username and Password are for HTTP basic auth. They cannot be combined
	// with Token or TokenFile.
	Username, Password string

	// Impersonate is the user to act as (Impersonate-User).
	Impersonate string
	// ImpersonateUID is the UID to act as (Impersonate-Uid).
	ImpersonateUID string
	// ImpersonateGroups are the groups to act as (Impersonate-Group).
	ImpersonateGroups []string
	// ImpersonateUserExtra are extra fields to act as (Impersonate-Extra-<key>).
	ImpersonateUserExtra map[string][]string

	// Exec configures an exec credential plugin.
	Exec *ExecConfig
	// AuthProvider configures an auth provider. Only "oidc" is supported,
	// and only its "id-token" is used, as a bearer token, with no refresh.
	AuthProvider *AuthProvider

	// ClientCertData and ClientKeyData are a client certificate and its
	// key, PEM encoded.
	ClientCertData, ClientKeyData []byte
	// ClientCertFile and ClientKeyFile are files holding a client
	// certificate and its key, PEM encoded, that may be rotated. When both
	// are set, the pair comes from them: when a request is sent through
	// Wrap or a TLS handshake asks for the certificate, and 5 seconds have
	// passed since the files were last looked at, they are stat'ed and, if
	// the size or modification time of either changed, both are read
	// again. A pair that cannot be read or parsed, such as one caught
	// half-written, leaves the last good pair in use. When a request finds
	// the certificate changed, the idle connections of the transports
	// passed to Wrap and all the connections opened by WrapDial are closed
	// before it is sent, so none goes on authenticating with the old one
	// (requests still running on them fail). ClientCertData and
	// ClientKeyData, if set, are the files' content now; else the files
	// are first read at first use. When only one of the two files is set
	// the pair is ClientCertData and ClientKeyData and never changes, as in
	// client-go, which reloads only a pair that comes from two files.
	ClientCertFile, ClientKeyFile string

	// ClusterInfo is sent to an exec plugin in KUBERNETES_EXEC_INFO when
	// Exec.ProvideClusterInfo is set.
	ClusterInfo *ClusterInfo

	// Stdin is connected to interactive exec plugins. Default os.Stdin.
	Stdin io.Reader
	// Stderr receives the standard error of exec plugins. Default os.Stderr.
	Stderr io.Writer
	// IsTerminal reports whether Stdin is a terminal. By default it is true
	// when Stdin is an *os.File attached to a terminal.
	IsTerminal func() bool

	// Now is the clock, for tests. Default time.Now.
	Now func() time.Time
}

// ErrCredential is wrapped by every error that means no credential could be
// obtained: an exec plugin that is missing, fails, times out, prints too
// much or needs a terminal that is not there, or a token file that cannot
// be read. Retrying the request cannot fix it, so callers (a watch, a
// retry loop) end with it instead of trying again.
var ErrCredential = errors.New("no credential")

// credentialError marks err as ErrCredential, keeping its text.
func credentialError(err error) error {
	if err == nil || errors.Is(err, ErrCredential) {
		return err
	}
	return &credErr{err}
}

type credErr struct{ err error }

func (e *credErr) Error() string   { return e.err.Error() }
func (e *credErr) Unwrap() []error { return []error{e.err, ErrCredential} }

// ExecConfig describes an exec credential plugin, as in the kubeconfig's
// users[].user.exec.
type ExecConfig struct {
	// Command is the program to run. A name without a path separator is
	// looked up in PATH.
	Command string
	// Args are the program's arguments.
	Args []string
	// Env is added to the current process environment.
	Env []EnvVar
	// APIVersion is ExecAPIVersionV1 or ExecAPIVersionV1beta1. The plugin
	// must answer with the same version.
	APIVersion string
	// InstallHint is shown when Command cannot be found.
	InstallHint string
	// ProvideClusterInfo sends Config.ClusterInfo to the plugin.
	ProvideClusterInfo bool
	// InteractiveMode is InteractiveNever, InteractiveIfAvailable or
	// InteractiveAlways. It is required for v1; v1beta1 defaults to
	// InteractiveIfAvailable.
	InteractiveMode string
	// Timeout bounds one run of the plugin; when it passes, the plugin is
	// killed and the run fails. Zero means the defaults:
	// ExecTimeout, or ExecInteractiveTimeout when the plugin's standard
	// input is connected to a terminal.
	Timeout time.Duration
}

// Default deadlines of one exec plugin run. client-go runs plugins without
// any deadline. Plugins in common use (aws eks get-token,
// gke-gcloud-auth-plugin, kubelogin with a cached token) answer in about
// one to five seconds, so a minute leaves room for a slow network while
// still ending a plugin that hangs. A plugin given the terminal may be
// waiting for a person (a password prompt, a browser or device-code
// login), which takes minutes, not seconds.
const (
	// ExecTimeout is the deadline of a run without a terminal.
	ExecTimeout = time.Minute
	// ExecInteractiveTimeout is the deadline of a run whose standard input
	// is a terminal.
	ExecInteractiveTimeout = 5 * time.Minute
)

// EnvVar is one environment variable for an exec plugin.
type EnvVar struct {
	// Name is the variable's name.
	Name string
	// Value is the variable's value. It is redacted when printed.
	Value string
}

// AuthProvider is a kubeconfig users[].user.auth-provider entry.
type AuthProvider struct {
	// Name is the provider's name; only "oidc" is supported.
	Name string
	// Config is the provider's settings, such as "id-token". Its values are
	// redacted when printed.
	Config map[string]string
}

// ClusterInfo is the cluster part of KUBERNETES_EXEC_INFO.
type ClusterInfo struct {
	// Server is the API server URL.
	Server string
	// TLSServerName is the name used to verify the server certificate.
	TLSServerName string
	// InsecureSkipTLSVerify disables server certificate verification.
	InsecureSkipTLSVerify bool
	// CertificateAuthorityData is the PEM bundle of trusted CAs. It is sent
	// base64 encoded, as in a kubeconfig.
	CertificateAuthorityData []byte
	// ProxyURL is the proxy for the cluster.
	ProxyURL string
	// DisableCompression disables response compression.
	DisableCompression bool
	// Config is the raw JSON of the cluster's extension named
	// "client.authentication.k8s.io/exec", or nil.
	Config json.RawMessage
}

// Provider supplies credentials. It is safe for concurrent use.
//
// Its String, GoString and Format methods redact every secret.
type Provider struct {
	now func() time.Time

	basic      string // full Authorization value, or ""
	static     string // full Authorization value, or ""
	oidc       string // full Authorization value, or ""
	file       *fileToken
	exec       *execAuth
	staticCert *tls.Certificate
	certFiles  *certFiles

	imp   impersonation
	conns *connTracker

	mu         sync.Mutex
	transports []idleCloser // the transports passed to Wrap

	desc string // redacted description
}

// New checks cfg and returns a Provider for it. It starts no plugin and
// reads no file.
func New(cfg Config) (*Provider, error) {
	p := &Provider{now: cfg.Now, conns: newConnTracker(), desc: cfg.String()}
	if p.now == nil {
		p.now = time.Now
	}

	hasBasic := cfg.Username != "" || cfg.Password != ""
	if hasBasic && (cfg.Token != "" || cfg.TokenFile != "") {
		return nil, errors.New("auth: username/password and a bearer token cannot both be set")
	}
	if cfg.Exec != nil && cfg.AuthProvider != nil {
		return nil, errors.New("auth: exec and auth-provider cannot both be set")
	}
	if hasBasic {
		p.basic = "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.Username+":"+cfg.Password))
	}
	if cfg.Token != "" {
		p.static = "Bearer " + cfg.Token
	}
	if cfg.TokenFile != "" {
		p.file = &fileToken{file: polledFile{path: cfg.TokenFile}, now: p.now}
	}
	if ap := cfg.AuthProvider; ap != nil {
		if ap.Name != "oidc" {
			return nil, fmt.Errorf("auth: auth-provider %q is not supported (only oidc)", ap.Name)
		}
		tok := ap.Config["id-token"]
		if tok == "" {
			return nil, errors.New("auth: auth-provider oidc has no id-token (refreshing OIDC tokens is not supported; use an exec plugin such as kubelogin)")
		}
		p.oidc = "Bearer " + tok
	}

	if cfg.ClientCertFile != "" && cfg.ClientKeyFile != "" {
		cf, err := newCertFiles(cfg.ClientCertFile, cfg.ClientKeyFile, cfg.ClientCertData, cfg.ClientKeyData, p.now)
		if err != nil {
			return nil, err
		}
		p.certFiles = cf
	} else if len(cfg.ClientCertData) > 0 || len(cfg.ClientKeyData) > 0 {
		if len(cfg.ClientCertData) == 0 || len(cfg.ClientKeyData) == 0 {
			return nil, errors.New("auth: client certificate and client key must be set together")
		}
		cert, err := tls.X509KeyPair(cfg.ClientCertData, cfg.ClientKeyData)
		if err != nil {
			return nil, fmt.Errorf("auth: invalid client certificate or key: %w", err)
		}
		p.staticCert = &cert
	}

	imp, err := newImpersonation(cfg)
	if err != nil {
		return nil, err
	}
	p.imp = imp

	if cfg.Exec != nil {
		e, err := newExecAuth(cfg, p.now, p.closeConns)
		if err != nil {
			return nil, err
		}
		p.exec = e
	}
	return p, nil
}

// HasClientCertificate reports whether a client certificate may be used:
// a static one, one from files, or one that the exec plugin may issue.
func (p *Provider) HasClientCertificate() bool {
	return p.staticCert != nil || p.certFiles != nil || p.exec != nil
}

// GetClientCertificate is for [tls.Config.GetClientCertificate]. It returns
// the static client certificate, the one from the certificate files
// (reading them again if they are due and changed), or the exec plugin's
// certificate, running the plugin when its credential is missing or
// expired. When there is no certificate it returns an empty certificate,
// so none is sent. Its errors match ErrCredential.
func (p *Provider) GetClientCertificate(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
	if p.staticCert != nil {
		return p.staticCert, nil
	}
	if p.certFiles != nil {
		cert, err := p.certFiles.get()
		if err != nil {
			return nil, credentialError(err)
		}
		return cert, nil
	}
	if p.exec == nil {
		return &tls.Certificate{}, nil
	}
	ctx := contextOf(cri)
	c, err := p.exec.get(ctx, 0)
	if err != nil {
		return nil, err
	}
	if c.cert == nil {
		return &tls.Certificate{}, nil
	}
	return c.cert, nil
}

// source says which credential a request used, so that a 401 refreshes it.
type source int

const (
	srcNone source = iota
	srcFile
	srcExec
)

// cred is the credential used for one request.
type cred struct {
	header string // Authorization value, or "" for none
	src    source // what a 401 may refresh
	gen    uint64 // generation of that source
}

// current returns the credential for a new request.
func (p *Provider) current(ctx context.Context) (cred, error) {
	var c cred
	if p.exec != nil {
		ec, err := p.exec.get(ctx, 0)
		if err != nil {
			return cred{}, err
		}
		c = cred{src: srcExec, gen: ec.gen}
		if ec.token != "" {
			c.header = "Bearer " + ec.token
			return c, nil
		}
	}
	h, fgen, err := p.fallbackHeader(0)
	if err != nil {
		return cred{}, err
	}
	c.header = h
	if c.src == srcNone && p.file != nil {
		c.src, c.gen = srcFile, fgen
	}
	return c, nil
}

// fallbackHeader returns the Authorization value from the sources other
// than the exec plugin, in order: oidc, token file, token, basic.
func (p *Provider) fallbackHeader(staleFileGen uint64) (string, uint64, error) {
	switch {
	case p.oidc != "":
		return p.oidc, 0, nil
	case p.file != nil:
		tok, gen, err := p.file.get(staleFileGen)
		if err != nil {
			if p.static != "" {
				return p.static, gen, nil
			}
			return "", 0, err
		}
		return "Bearer " + tok, gen, nil
	case p.static != "":
		return p.static, 0, nil
	case p.basic != "":
		return p.basic, 0, nil
	}
	return "", 0, nil
}

// refresh returns a fresh credential after old was rejected with a 401.
// Callers that were rejected with the same credential share one refresh.
func (p *Provider) refresh(ctx context.Context, old cred) (cred, error) {
	switch old.src {
	case srcExec:
		ec, err := p.exec.get(ctx, old.gen)
		if err != nil {
			return cred{}, err
		}
		c := cred{src: srcExec, gen: ec.gen}
		if ec.token != "" {
			c.header = "Bearer " + ec.token
			return c, nil
		}
		h, _, err := p.fallbackHeader(0)
		if err != nil {
			return cred{}, err
		}
		c.header = h
		return c, nil
	case srcFile:
		h, gen, err := p.fallbackHeader(old.gen)
		if err != nil {
			return cred{}, err
		}
		return cred{header: h, src: srcFile, gen: gen}, nil
	}
	return old, nil
}

// invalidate marks old as rejected, so that the next request refreshes it,
// without refreshing now.
func (p *Provider) invalidate(old cred) {
	switch old.src {
	case srcExec:
		p.exec.invalidate(old.gen)
	case srcFile:
		p.file.invalidate(old.gen)
	}
}

// osFile reports r as an *os.File when it is one.
func osFile(r any) (*os.File, bool) {
	f, ok := r.(*os.File)
	return f, ok && f != nil
}

// contextOf returns the handshake context of cri, or context.Background.
func contextOf(cri *tls.CertificateRequestInfo) context.Context {
	if cri != nil {
		if ctx := cri.Context(); ctx != nil {
			return ctx
		}
	}
	return context.Background()
}
