package kr8s

import (
	"log/slog"
	"net/http"
	"time"
)

// Option configures a Client made by API or NewClient.
type Option func(*options)

// options is comparable: the factory caches clients by its value.
type options struct {
	kubeconfig     string
	kubeconfigData string
	context        string
	namespace      string
	url            string
	serviceAccount string
	timeout        time.Duration
	retry          RetryPolicy
	qps            float64
	burst          int
	logger         *slog.Logger
	transport      http.RoundTripper
	userAgent      string
}

// WithKubeconfig reads the kubeconfig at path (kr8s's kubeconfig=)
// instead of $KUBECONFIG or ~/.kube/config. path may list several files
// joined by the OS's list separator (":" on Unix), as KUBECONFIG does; they
// are merged with kubectl's rules. A missing file is an error (kr8s skips
// files it cannot read as long as one is left; an error names the file).
func WithKubeconfig(path string) Option { return func(o *options) { o.kubeconfig = path } }

// WithKubeconfigData uses kubeconfig content held in memory. Relative
// paths in it resolve against the current directory.
func WithKubeconfigData(data []byte) Option {
	return func(o *options) { o.kubeconfigData = string(data) }
}

// WithContext picks the kubeconfig context by name (kr8s's context=)
// instead of current-context.
func WithContext(name string) Option { return func(o *options) { o.context = name } }

// WithNamespace sets the client's default namespace, overriding the
// context's.
func WithNamespace(ns string) Option { return func(o *options) { o.namespace = ns } }

// WithURL sets the API server URL (kr8s's url=). Without WithKubeconfig
// no kubeconfig is read and no credentials are sent, which suits
// `kubectl proxy`. With WithKubeconfig, the kubeconfig's credentials are
// used against this URL.
func WithURL(u string) Option { return func(o *options) { o.url = u } }

// WithServiceAccount reads in-cluster credentials from dir (token, ca.crt,
// namespace), with the server from KUBERNETES_SERVICE_HOST and _PORT. The
// token is re-read when it rotates.
func WithServiceAccount(dir string) Option { return func(o *options) { o.serviceAccount = dir } }

// WithTimeout sets the initial timeout for non-streaming calls; see
// Client.SetTimeout. The default is no timeout, as in kr8s.
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithRetry replaces the retry policy for safe requests.
func WithRetry(p RetryPolicy) Option { return func(o *options) { o.retry = p } }

// WithRateLimit turns on a client-side token bucket of qps requests per
// second with the given burst. The default is no limit: the server's API
// Priority and Fairness does that job.
func WithRateLimit(qps float64, burst int) Option {
	return func(o *options) { o.qps, o.burst = qps, burst }
}

// WithLogger logs each request at debug level (method, path, status,
// duration). Headers and bodies are never logged.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithTransport sets the base RoundTripper under authentication and
// retries, for tests and custom dialers. TLS settings from the kubeconfig
// are not applied to it.
func WithTransport(rt http.RoundTripper) Option { return func(o *options) { o.transport = rt } }

// WithUserAgent replaces the User-Agent, kr8s-go/<version> by default.
func WithUserAgent(ua string) Option { return func(o *options) { o.userAgent = ua } }
