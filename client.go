package kr8s

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/kr8s-go/kr8s/internal/auth"
	"github.com/kr8s-go/kr8s/internal/wsstream"
	"github.com/kr8s-go/kr8s/kubeconfig"
)

// Client talks to one Kubernetes API server. It is safe for concurrent
// use. Get one from API (cached, like kr8s.api()) or NewClient (never
// cached).
type Client struct {
	opts      options
	base      *url.URL
	namespace string
	http      *http.Client
	timeout   atomic.Int64
	auth      *auth.Provider
	logger    *slog.Logger
	userAgent string
	disc      *discoverer
	// ws carries websocket upgrades (exec, attach, port-forward): the same
	// TLS, credentials and layers as http, over HTTP/1.1.
	ws *http.Client
}

// NewClient returns a new client that the factory never caches and API
// never returns; it is kr8s's Api(bypass_factory=True). Prefer API.
//
// Without options it reads $KUBECONFIG or ~/.kube/config, and falls back
// to in-cluster service-account credentials when neither exists.
// Creating a client reads files but touches no network.
func NewClient(opts ...Option) (*Client, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return newClient(o)
}

func newClient(o options) (*Client, error) {
	r, err := resolve(o)
	if err != nil {
		return nil, err
	}
	base, err := url.Parse(r.Server)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, fmt.Errorf("kr8s: invalid server URL %q: want https://host[:port]", safeURL(r.Server))
	}
	c := &Client{opts: o, base: base, namespace: r.Namespace, logger: o.logger, disc: newDiscoverer(base)}
	if c.namespace == "" {
		c.namespace = "default"
	}
	c.timeout.Store(int64(o.timeout))
	c.auth, err = auth.New(authConfig(r))
	if err != nil {
		return nil, fmt.Errorf("kr8s: %w", err)
	}
	rt, ws := o.transport, o.transport
	if rt == nil {
		base, err := c.baseTransport(r)
		if err != nil {
			return nil, err
		}
		rt, ws = base, wsstream.HTTP1Only(base)
	}
	var lim *limiter
	if o.qps > 0 {
		lim = newLimiter(o.qps, o.burst)
	}
	c.userAgent = o.userAgent
	if c.userAgent == "" {
		c.userAgent = "kr8s-go/" + moduleVersion()
	}
	c.http = c.httpClient(rt, lim)
	c.ws = c.httpClient(ws, lim)
	return c, nil
}

// httpClient wraps rt in the layers every request passes through, plain
// calls and websocket upgrades alike, from the outside in: retries, the
// rate limiter lim (shared by the client's two http.Clients; nil for
// none), the debug log, the origin guard, and credentials.
func (c *Client) httpClient(rt http.RoundTripper, lim *limiter) *http.Client {
	rt = &originGuard{next: c.auth.Wrap(rt), base: c.base}
	if c.logger != nil {
		rt = &logTransport{next: rt, log: c.logger}
	}
	if lim != nil {
		rt = &limitTransport{next: rt, l: lim}
	}
	rt = &retryTransport{next: rt, policy: c.opts.retry.withDefaults()}
	return &http.Client{Transport: rt, CheckRedirect: checkRedirect(c.base)}
}

// resolve picks the connection settings, in kr8s's order: an explicit URL,
// then a kubeconfig, then a service-account directory.
func resolve(o options) (*kubeconfig.Resolved, error) {
	var r *kubeconfig.Resolved
	var err error
	explicitConfig := o.kubeconfig != "" || o.kubeconfigData != ""
	switch {
	case o.url != "" && !explicitConfig:
		r = &kubeconfig.Resolved{Server: o.url}
	case o.serviceAccount != "" && !explicitConfig:
		r, err = kubeconfig.InCluster(o.serviceAccount)
	default:
		var cfg *kubeconfig.Config
		switch {
		case o.kubeconfigData != "":
			cfg, err = kubeconfig.Parse([]byte(o.kubeconfigData), "")
		case o.kubeconfig != "":
			cfg, err = kubeconfig.Load(filepath.SplitList(o.kubeconfig)...)
		default:
			cfg, err = kubeconfig.LoadDefault()
		}
		if err == nil {
			r, err = cfg.Resolve(o.context)
			// Like kubectl in a pod: no kubeconfig context means in-cluster.
			if errors.Is(err, kubeconfig.ErrNoContext) && o.context == "" && os.Getenv("KUBERNETES_SERVICE_HOST") != "" {
				r, err = kubeconfig.InCluster("")
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("kr8s: %w", err)
	}
	if o.url != "" {
		r.Server = o.url
	}
	if o.namespace != "" {
		r.Namespace = o.namespace
	}
	return r, nil
}

func authConfig(r *kubeconfig.Resolved) auth.Config {
	cfg := auth.Config{
		Token:                r.Token,
		TokenFile:            r.TokenFile,
		Username:             r.Username,
		Password:             r.Password,
		Impersonate:          r.Impersonate,
		ImpersonateUID:       r.ImpersonateUID,
		ImpersonateGroups:    r.ImpersonateGroups,
		ImpersonateUserExtra: r.ImpersonateUserExtra,
		ClientCertData:       r.ClientCertData,
		ClientKeyData:        r.ClientKeyData,
		ClientCertFile:       r.ClientCertFile,
		ClientKeyFile:        r.ClientKeyFile,
	}
	if r.AuthProvider != nil {
		cfg.AuthProvider = &auth.AuthProvider{Name: r.AuthProvider.Name, Config: r.AuthProvider.Config}
	}
	if e := r.Exec; e != nil {
		ec := &auth.ExecConfig{
			Command:            e.Command,
			Args:               e.Args,
			APIVersion:         e.APIVersion,
			InstallHint:        e.InstallHint,
			ProvideClusterInfo: e.ProvideClusterInfo,
			InteractiveMode:    e.InteractiveMode,
		}
		for _, v := range e.Env {
			ec.Env = append(ec.Env, auth.EnvVar{Name: v.Name, Value: v.Value})
		}
		cfg.Exec = ec
		ci := r.ClusterInfo
		cfg.ClusterInfo = &auth.ClusterInfo{
			Server:                   r.Server,
			TLSServerName:            ci.TLSServerName,
			InsecureSkipTLSVerify:    ci.InsecureSkipTLSVerify,
			CertificateAuthorityData: ci.CertificateAuthorityData,
			ProxyURL:                 ci.ProxyURL,
			DisableCompression:       ci.DisableCompression,
			Config:                   ci.Config,
		}
	}
	return cfg
}

// baseTransport is an HTTP/2-capable transport with the kubeconfig's TLS
// settings and proxy.
func (c *Client) baseTransport(r *kubeconfig.Resolved) (*http.Transport, error) {
	tlsCfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         r.TLSServerName,
		InsecureSkipVerify: r.InsecureSkipTLSVerify, //nolint:gosec // only when the kubeconfig asks
	}
	if len(r.CAData) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(r.CAData) {
			return nil, errors.New("kr8s: certificate-authority holds no PEM certificate")
		}
		tlsCfg.RootCAs = pool
	}
	if c.auth.HasClientCertificate() {
		tlsCfg.GetClientCertificate = c.auth.GetClientCertificate
	}
	proxy := http.ProxyFromEnvironment
	if r.ProxyURL != "" {
		pu, err := url.Parse(r.ProxyURL)
		if err != nil || pu.Host == "" {
			return nil, fmt.Errorf("kr8s: invalid proxy-url %q", safeURL(r.ProxyURL))
		}
		switch pu.Scheme {
		case "http", "https", "socks5":
		default:
			return nil, fmt.Errorf("kr8s: proxy-url scheme %q not supported: use http, https or socks5", pu.Scheme)
		}
		proxy = http.ProxyURL(pu)
	}
	dial := (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	if c.auth.HasClientCertificate() {
		// A rotated certificate (from the exec plugin or from re-read
		// files) must not ride on old keep-alive connections.
		dial = c.auth.WrapDial(dial)
	}
	return &http.Transport{
		Proxy:               proxy,
		DialContext:         dial,
		TLSClientConfig:     tlsCfg,
		ForceAttemptHTTP2:   true,
		MaxIdleConns:        100,
		MaxIdleConnsPerHost: 100,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		DisableCompression:  r.DisableCompression,
	}, nil
}

// SetTimeout sets the timeout for every later non-streaming call (kr8s's
// api.timeout = 10). It is safe to call while calls run. Zero means none.
// Streams (watch, log follow, exec) are bounded only by their context.
func (c *Client) SetTimeout(d time.Duration) { c.timeout.Store(int64(d)) }

// Timeout returns the current timeout for non-streaming calls.
func (c *Client) Timeout() time.Duration { return time.Duration(c.timeout.Load()) }

// Namespace returns the client's default namespace: WithNamespace, else
// the chosen context's namespace, else "default".
func (c *Client) Namespace() string { return c.namespace }

// Server returns the API server URL, with a password in it, if any,
// shown as xxxxx.
func (c *Client) Server() string { return c.base.Redacted() }

// String describes the client without credentials.
func (c *Client) String() string {
	return fmt.Sprintf("kr8s.Client{server: %s, namespace: %s}", c.base.Redacted(), c.namespace)
}

// GoString is String, so that %#v shows no credentials either.
func (c *Client) GoString() string { return c.String() }

// Format writes String for every verb: the fields behind it hold
// kubeconfig data and credentials, which verbs such as %d or %x would
// otherwise print.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/kr8s-go/kr8s" && d.Version != "" {
				return d.Version
			}
		}
	}
	return "dev"
}

// logTransport logs requests at debug level, never headers or bodies.
type logTransport struct {
	next http.RoundTripper
	log  *slog.Logger
}

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	attrs := []any{"method", req.Method, "path", req.URL.Path, "duration", time.Since(start)}
	if err != nil {
		t.log.DebugContext(req.Context(), "kr8s request", append(attrs, "error", err)...)
		return nil, err
	}
	t.log.DebugContext(req.Context(), "kr8s request", append(attrs, "status", resp.StatusCode)...)
	return resp, nil
}
