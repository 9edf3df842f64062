package auth

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"time"
)

// execMaxOutput bounds what a plugin may print on standard output. An
// ExecCredential is a token or a certificate chain and key, a few KiB;
// 4 MiB leaves room for long chains and keeps a runaway plugin from taking
// the process's memory. A plugin that prints more is killed at once.
const execMaxOutput = 4 << 20

// execWaitDelay is how long a run waits for the plugin's output pipes to
// close after the plugin exited or was killed: a child it left behind may
// hold them open.
const execWaitDelay = time.Second

// execCred is one credential issued by an exec plugin.
type execCred struct {
	gen    uint64 // generation; starts at 1 and grows with every run
	token  string
	cert   *tls.Certificate
	expiry time.Time // zero: valid until a 401
}

// execFlight is one plugin run that several callers wait for.
type execFlight struct {
	done    chan struct{}
	cred    *execCred
	err     error
	cancel  context.CancelFunc // kills the plugin
	waiters int                // callers waiting; guarded by execAuth.mu
}

// execAuth runs an exec plugin and caches its credential.
type execAuth struct {
	cfg        ExecConfig
	cluster    *ClusterInfo
	stdin      io.Reader
	stderr     io.Writer
	isTerminal func() bool
	now        func() time.Time
	onRotate   func() // called when the client certificate changes

	mu     sync.Mutex
	cur    *execCred // cached credential, nil when none or rejected
	last   *execCred // latest credential issued, even if rejected
	flight *execFlight
	gen    uint64
}

func newExecAuth(cfg Config, now func() time.Time, onRotate func()) (*execAuth, error) {
	ec := *cfg.Exec
	if ec.Command == "" {
		return nil, errors.New("auth: exec plugin: command is empty")
	}
	switch ec.APIVersion {
	case ExecAPIVersionV1, ExecAPIVersionV1beta1:
	case "":
		return nil, errors.New("auth: exec plugin: apiVersion is required")
	default:
		return nil, fmt.Errorf("auth: exec plugin: apiVersion %q is not supported (want %s or %s)",
			ec.APIVersion, ExecAPIVersionV1, ExecAPIVersionV1beta1)
	}
	switch ec.InteractiveMode {
	case InteractiveNever, InteractiveIfAvailable, InteractiveAlways:
	case "":
		if ec.APIVersion == ExecAPIVersionV1 {
			return nil, fmt.Errorf("auth: exec plugin: interactiveMode is required for %s (Never, IfAvailable or Always)", ExecAPIVersionV1)
		}
		ec.InteractiveMode = InteractiveIfAvailable
	default:
		return nil, fmt.Errorf("auth: exec plugin: invalid interactiveMode %q (want Never, IfAvailable or Always)", ec.InteractiveMode)
	}
	ec.Args = append([]string(nil), ec.Args...)
	ec.Env = append([]EnvVar(nil), ec.Env...)

	e := &execAuth{
		cfg:        ec,
		stdin:      cfg.Stdin,
		stderr:     cfg.Stderr,
		isTerminal: cfg.IsTerminal,
		now:        now,
		onRotate:   onRotate,
	}
	if cfg.ClusterInfo != nil {
		ci := *cfg.ClusterInfo
		e.cluster = &ci
	}
	if e.stdin == nil {
		e.stdin = os.Stdin
	}
	if e.stderr == nil {
		e.stderr = os.Stderr
	}
	if e.isTerminal == nil {
		in := e.stdin
		e.isTerminal = func() bool {
			f, ok := osFile(in)
			return ok && isTerminal(f)
		}
	}
	return e, nil
}

// valid reports whether c may still be used at now.
func (e *execAuth) valid(c *execCred) bool {
	return c.expiry.IsZero() || e.now().Before(c.expiry)
}

// get returns the cached credential, or runs the plugin when there is none,
// it has expired, or it has generation stale (it was rejected with a 401).
// Concurrent callers share one run. A caller whose ctx ends stops waiting;
// the run goes on while another caller waits for it, and its result is
// cached. When the last waiting caller has gone, the plugin is killed and
// the next caller starts a new run.
func (e *execAuth) get(ctx context.Context, stale uint64) (*execCred, error) {
	e.mu.Lock()
	if c := e.cur; c != nil {
		if c.gen != stale && e.valid(c) {
			e.mu.Unlock()
			return c, nil
		}
		e.cur = nil
	}
	f := e.flight
	if f == nil {
		runCtx, cancel := context.WithCancel(context.Background())
		f = &execFlight{done: make(chan struct{}), cancel: cancel}
		e.flight = f
		go e.run(runCtx, f)
	}
	f.waiters++
	e.mu.Unlock()

	select {
	case <-f.done:
		return f.cred, f.err
	case <-ctx.Done():
		e.leave(f)
		return nil, ctx.Err()
	}
}

// leave records that a caller stopped waiting for f. If it was the last
// one and f still runs, f is abandoned: its plugin is killed, and the next
// caller starts a new run instead of joining it.
func (e *execAuth) leave(f *execFlight) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f.waiters--
	if f.waiters == 0 && e.flight == f {
		e.flight = nil
		f.cancel()
	}
}

// invalidate drops the cached credential if it has generation stale.
func (e *execAuth) invalidate(stale uint64) {
	e.mu.Lock()
	if e.cur != nil && e.cur.gen == stale {
		e.cur = nil
	}
	e.mu.Unlock()
}

// run runs the plugin for flight f and publishes the result; ctx ends when
// f is abandoned. Every error is an ErrCredential. When the client
// certificate changed, the old connections are closed before any waiter
// can send a request with the new credential.
func (e *execAuth) run(ctx context.Context, f *execFlight) {
	defer f.cancel()
	c, err := e.exec(ctx)
	err = credentialError(err)
	if err == nil && e.onRotate != nil {
		e.mu.Lock()
		rotated := e.last != nil && certChanged(e.last.cert, c.cert)
		e.mu.Unlock()
		if rotated {
			e.onRotate()
		}
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	if err == nil {
		e.gen++
		c.gen = e.gen
		e.cur = c
		e.last = c
	}
	if e.flight == f {
		e.flight = nil
	}
	f.cred, f.err = c, err
	close(f.done)
}

// certChanged reports whether a and b are different certificates.
func certChanged(a, b *tls.Certificate) bool {
	if a == nil || b == nil {
		return a != b
	}
	if len(a.Certificate) == 0 || len(b.Certificate) == 0 {
		return len(a.Certificate) != len(b.Certificate)
	}
	return !bytes.Equal(a.Certificate[0], b.Certificate[0])
}

// execInfo is the KUBERNETES_EXEC_INFO request.
type execInfo struct {
	Kind       string       `json:"kind"`
	APIVersion string       `json:"apiVersion"`
	Spec       execInfoSpec `json:"spec"`
}

type execInfoSpec struct {
	Cluster     *execInfoCluster `json:"cluster,omitempty"`
	Interactive bool             `json:"interactive"`
}

type execInfoCluster struct {
	Server                   string          `json:"server"`
	TLSServerName            string          `json:"tls-server-name,omitempty"`
	InsecureSkipTLSVerify    bool            `json:"insecure-skip-tls-verify,omitempty"`
	CertificateAuthorityData []byte          `json:"certificate-authority-data,omitempty"`
	ProxyURL                 string          `json:"proxy-url,omitempty"`
	DisableCompression       bool            `json:"disable-compression,omitempty"`
	Config                   json.RawMessage `json:"config"`
}

// execOutput is the ExecCredential a plugin prints.
type execOutput struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Status     *struct {
		ExpirationTimestamp   *string `json:"expirationTimestamp"`
		Token                 string  `json:"token"`
		ClientCertificateData string  `json:"clientCertificateData"`
		ClientKeyData         string  `json:"clientKeyData"`
	} `json:"status"`
}

// execInfoJSON builds the KUBERNETES_EXEC_INFO value.
func (e *execAuth) execInfoJSON(interactive bool) (string, error) {
	info := execInfo{
		Kind:       "ExecCredential",
		APIVersion: e.cfg.APIVersion,
		Spec:       execInfoSpec{Interactive: interactive},
	}
	if e.cfg.ProvideClusterInfo {
		ci := ClusterInfo{}
		if e.cluster != nil {
			ci = *e.cluster
		}
		cfg := ci.Config
		if len(cfg) > 0 && !json.Valid(cfg) {
			return "", errors.New("auth: exec plugin: cluster extension config is not valid JSON")
		}
		info.Spec.Cluster = &execInfoCluster{
			Server:                   ci.Server,
			TLSServerName:            ci.TLSServerName,
			InsecureSkipTLSVerify:    ci.InsecureSkipTLSVerify,
			CertificateAuthorityData: ci.CertificateAuthorityData,
			ProxyURL:                 ci.ProxyURL,
			DisableCompression:       ci.DisableCompression,
			Config:                   cfg,
		}
	}
	b, err := json.Marshal(info)
	if err != nil {
		return "", fmt.Errorf("auth: exec plugin: encoding KUBERNETES_EXEC_INFO: %w", err)
	}
	// client-go writes it with a JSON encoder, which ends it with a newline.
	return string(b) + "\n", nil
}

// timeout returns the deadline of one run.
func (e *execAuth) timeout(interactive bool) time.Duration {
	switch {
	case e.cfg.Timeout > 0:
		return e.cfg.Timeout
	case interactive:
		return ExecInteractiveTimeout
	}
	return ExecTimeout
}

// exec runs the plugin once and parses its credential. The plugin is
// killed when ctx ends, when its deadline (timeout) passes, or as soon as
// it prints more than execMaxOutput. On Unix, a plugin run without the
// terminal runs in its own process group and the whole group is killed,
// so that the children of a script die with it; a plugin given the
// terminal stays in the caller's process group, where it can read the
// terminal (a background group cannot) and gets the user's Ctrl-C, and
// only the plugin itself is killed.
func (e *execAuth) exec(ctx context.Context) (*execCred, error) {
	name := e.cfg.Command

	interactive := false
	switch e.cfg.InteractiveMode {
	case InteractiveIfAvailable:
		interactive = e.isTerminal()
	case InteractiveAlways:
		if !e.isTerminal() {
			return nil, fmt.Errorf("auth: exec plugin %q needs an interactive terminal (interactiveMode Always), but standard input is not a terminal", name)
		}
		interactive = true
	}

	info, err := e.execInfoJSON(interactive)
	if err != nil {
		return nil, err
	}

	timeout := e.timeout(interactive)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, e.cfg.Args...)
	env := os.Environ()
	for _, v := range e.cfg.Env {
		env = append(env, v.Name+"="+v.Value)
	}
	cmd.Env = append(env, "KUBERNETES_EXEC_INFO="+info)
	stdout := &cappedBuffer{max: execMaxOutput, over: cancel}
	cmd.Stdout = stdout
	cmd.Stderr = e.stderr
	if interactive {
		cmd.Stdin = e.stdin
	}
	cmd.WaitDelay = execWaitDelay
	if !interactive {
		killProcessGroup(cmd)
	}

	// On Linux the plugin gets SIGKILL when the thread that started it
	// ends (see killProcessGroup); keep this goroutine, and so that
	// thread, until the plugin has been reaped.
	runtime.LockOSThread()
	err = cmd.Run()
	runtime.UnlockOSThread()

	switch {
	case stdout.exceeded:
		return nil, &execError{msg: fmt.Sprintf("auth: exec plugin %q printed more than %d MiB", name, execMaxOutput>>20)}
	case err == nil || errors.Is(err, exec.ErrWaitDelay):
		// It exited successfully; a child it left behind may have held
		// its output open until WaitDelay.
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, &execError{msg: fmt.Sprintf("auth: exec plugin %q: killed after %v without an answer", name, timeout), err: ctx.Err()}
	case ctx.Err() != nil:
		return nil, &execError{msg: fmt.Sprintf("auth: exec plugin %q: killed because every request waiting for it ended", name), err: ctx.Err()}
	default:
		return nil, e.runError(err)
	}
	return e.parse(stdout.buf.Bytes())
}

// cappedBuffer collects a plugin's standard output up to max bytes. The
// write that would pass max fails, calls over (which kills the plugin)
// and sets exceeded.
type cappedBuffer struct {
	buf      bytes.Buffer
	max      int
	over     func()
	exceeded bool
}

var errOutputTooLarge = errors.New("exec plugin output too large")

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.exceeded {
		return 0, errOutputTooLarge
	}
	if len(p) > b.max-b.buf.Len() {
		b.exceeded = true
		b.over()
		return 0, errOutputTooLarge
	}
	return b.buf.Write(p)
}

// runError describes a failed run. It never includes the plugin's output.
func (e *execAuth) runError(err error) error {
	name := e.cfg.Command
	var exitErr *exec.ExitError
	switch {
	case errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist):
		msg := fmt.Sprintf("auth: exec plugin: executable %q not found", name)
		if e.cfg.InstallHint != "" {
			msg += "\n\n" + e.cfg.InstallHint
		} else {
			msg += " (it is a client-go credential plugin named in the kubeconfig's users[].user.exec; install it or fix the path)"
		}
		return &execError{msg: msg, err: err}
	case errors.As(err, &exitErr):
		return &execError{
			msg: fmt.Sprintf("auth: exec plugin %q failed with exit code %d (its standard error was passed through)", name, exitErr.ExitCode()),
			err: err,
		}
	default:
		return &execError{msg: fmt.Sprintf("auth: exec plugin %q: %v", name, err), err: err}
	}
}

// execError is an exec plugin failure. It unwraps to the os/exec error, so
// errors.Is(err, exec.ErrNotFound) and errors.As(err, **exec.ExitError) work.
type execError struct {
	msg string
	err error
}

func (e *execError) Error() string { return e.msg }
func (e *execError) Unwrap() error { return e.err }

// parse parses and checks the plugin's standard output. Its errors never
// quote the output.
func (e *execAuth) parse(out []byte) (*execCred, error) {
	name := e.cfg.Command
	bad := func(format string, args ...any) error {
		return fmt.Errorf("auth: exec plugin %q returned an invalid ExecCredential: %s", name, fmt.Sprintf(format, args...))
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, bad("no output")
	}
	var o execOutput
	if err := json.Unmarshal(out, &o); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return nil, bad("output is not valid JSON (syntax error at byte %d of %d)", syn.Offset, len(out))
		case errors.As(err, &typ):
			return nil, bad("field %q has the wrong JSON type", typ.Field)
		default:
			return nil, bad("output is not valid JSON")
		}
	}
	if o.Kind != "ExecCredential" {
		return nil, bad("kind is %q, want ExecCredential", o.Kind)
	}
	if o.APIVersion != e.cfg.APIVersion {
		return nil, bad("apiVersion is %q, want %q as in the kubeconfig", o.APIVersion, e.cfg.APIVersion)
	}
	st := o.Status
	if st == nil {
		return nil, bad("status is missing")
	}
	hasCert, hasKey := st.ClientCertificateData != "", st.ClientKeyData != ""
	if hasCert != hasKey {
		return nil, bad("status has only one of clientCertificateData and clientKeyData")
	}
	if st.Token == "" && !hasCert {
		return nil, bad("status has neither a token nor clientCertificateData and clientKeyData")
	}
	c := &execCred{token: st.Token}
	if hasCert {
		cert, err := tls.X509KeyPair([]byte(st.ClientCertificateData), []byte(st.ClientKeyData))
		if err != nil {
			return nil, bad("clientCertificateData/clientKeyData are not a valid PEM certificate and key: %v", err)
		}
		c.cert = &cert
	}
	if st.ExpirationTimestamp != nil && *st.ExpirationTimestamp != "" {
		t, err := time.Parse(time.RFC3339, *st.ExpirationTimestamp)
		if err != nil {
			return nil, bad("expirationTimestamp is not an RFC 3339 time")
		}
		c.expiry = t
	}
	return c, nil
}
