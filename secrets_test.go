package kr8s

// Secrets never leak (issue 8, "Secrets"): sentinel credentials of every
// kind go through every failing path, and must never show up in errors,
// in fmt output of exported types, in debug logs, or on disk.

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// Sentinels: none of these strings may ever be printed.
const (
	sentinelToken        = "tok-SENTINEL-4f9a1c0e"
	sentinelPassword     = "pw-SENTINEL-77b2d5aa"
	sentinelExecEnv      = "env-SENTINEL-c3d09b12" // the plugin issues "exec-" + this as its token
	sentinelIDToken      = "idtok-SENTINEL-9e1f6b3c"
	sentinelRefreshToken = "refresh-SENTINEL-5a8c2e7d"
	sentinelClientSecret = "csecret-SENTINEL-0b4f9d61"
	sentinelHeaderToken  = "hdr-SENTINEL-2d7e4f90" // set by a caller in Request.Header
)

// secretKit is a TLS API server that refuses everything, and a kubeconfig
// whose users carry the sentinels.
type secretKit struct {
	srv        *httptest.Server
	kubeconfig []byte
	path       string   // the kubeconfig, written to a file
	sentinels  []string // every secret, in every form it takes
	contexts   []string
}

// secretHandler answers like a server that trusts no one: 401 for
// /version and discovery, 403 for "forbidden", a text 500 for "boom", a
// 401 Status elsewhere. It never echoes the request.
func secretHandler(w http.ResponseWriter, r *http.Request) {
	status := func(code int, reason, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":%q,"message":%q,"code":%d}`, reason, msg, code)
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/forbidden") || r.URL.Query().Get("watch") == "true":
		status(http.StatusForbidden, "Forbidden", `pods "forbidden" is forbidden: User "system:anonymous" cannot get resource "pods"`)
	case strings.HasSuffix(r.URL.Path, "/boom"):
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "internal error\n")
	default:
		status(http.StatusUnauthorized, "Unauthorized", "Unauthorized")
	}
}

func newSecretKit(t *testing.T) *secretKit {
	t.Helper()
	k := &secretKit{}
	k.srv, _ = newTestServer(t, http.HandlerFunc(secretHandler), serveTLS(&tls.Config{ClientAuth: tls.RequestClientCert}))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "https://" + ln.Addr().String()
	ln.Close()

	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: k.srv.Certificate().Raw})
	certPEM, keyPEM := testcluster.SelfSignedClientCert(t, "sentinel-user")
	keyB64 := base64.StdEncoding.EncodeToString(keyPEM)
	keyBody := strings.Join(strings.Split(strings.TrimSpace(string(keyPEM)), "\n")[1:], "")
	keyBody = strings.TrimSuffix(keyBody, "-----END EC PRIVATE KEY-----")
	k.sentinels = []string{
		sentinelToken, sentinelPassword, sentinelExecEnv, sentinelIDToken, sentinelRefreshToken,
		sentinelClientSecret, sentinelHeaderToken, keyB64, keyBody,
		// A password in basic auth travels base64-encoded.
		base64.StdEncoding.EncodeToString([]byte("alice:" + sentinelPassword)),
	}
	// Each 64-character line of the PEM key body on its own.
	for _, line := range strings.Split(string(keyPEM), "\n") {
		if len(line) > 20 && !strings.HasPrefix(line, "-----") {
			k.sentinels = append(k.sentinels, line)
		}
	}

	plugin := `printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-%s"}}' "$KR8S_SENTINEL"`
	execUser := func(script string) map[string]any {
		return map[string]any{"exec": map[string]any{
			"apiVersion":      "client.authentication.k8s.io/v1",
			"command":         "/bin/sh",
			"args":            []string{"-c", script},
			"env":             []map[string]string{{"name": "KR8S_SENTINEL", "value": sentinelExecEnv}},
			"interactiveMode": "Never",
		}}
	}
	users := map[string]map[string]any{
		"token": {"token": sentinelToken},
		"basic": {"username": "alice", "password": sentinelPassword},
		"cert": {
			"client-certificate-data": base64.StdEncoding.EncodeToString(certPEM),
			"client-key-data":         keyB64,
		},
		"exec":      execUser(plugin),
		"exec-fail": execUser(`exit 3`),
		"oidc": {"auth-provider": map[string]any{"name": "oidc", "config": map[string]string{
			"id-token":       sentinelIDToken,
			"refresh-token":  sentinelRefreshToken,
			"client-id":      "kr8s",
			"client-secret":  sentinelClientSecret,
			"idp-issuer-url": "https://issuer.invalid",
		}}},
	}
	clusters := map[string]map[string]any{
		"trusted":   {"server": k.srv.URL, "certificate-authority-data": base64.StdEncoding.EncodeToString(caPEM)},
		"untrusted": {"server": k.srv.URL},
		"refused":   {"server": refused, "certificate-authority-data": base64.StdEncoding.EncodeToString(caPEM)},
	}
	cfg := map[string]any{"apiVersion": "v1", "kind": "Config"}
	var cl, us, cx []map[string]any
	for name, c := range clusters {
		cl = append(cl, map[string]any{"name": name, "cluster": c})
	}
	for uname, u := range users {
		us = append(us, map[string]any{"name": uname, "user": u})
		for cname := range clusters {
			name := uname + "@" + cname
			k.contexts = append(k.contexts, name)
			cx = append(cx, map[string]any{"name": name, "context": map[string]any{"cluster": cname, "user": uname}})
		}
	}
	cfg["clusters"], cfg["users"], cfg["contexts"] = cl, us, cx
	cfg["current-context"] = "token@trusted"
	k.kubeconfig, err = json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	k.path = filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(k.path, k.kubeconfig, 0o600); err != nil {
		t.Fatal(err)
	}
	return k
}

// leakChecker collects text that must hold no sentinel.
type leakChecker struct {
	t         *testing.T
	sentinels []string
}

func (l *leakChecker) check(where, text string) {
	l.t.Helper()
	for _, s := range l.sentinels {
		if strings.Contains(text, s) {
			l.t.Errorf("%s leaks the secret %q:\n%s", where, s, text)
		}
	}
}

// checkValue prints v with every verb a caller might use.
func (l *leakChecker) checkValue(where string, v any) {
	l.t.Helper()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		l.check(where+" "+verb, fmt.Sprintf(verb, v))
	}
}

// checkErr prints err, and the *StatusError inside it, every way.
func (l *leakChecker) checkErr(where string, err error) {
	l.t.Helper()
	if err == nil {
		return
	}
	l.check(where+" Error()", err.Error())
	l.checkValue(where+" error", err)
	var se *StatusError
	if errors.As(err, &se) {
		l.checkValue(where+" *StatusError", se)
		l.checkValue(where+" StatusError", *se)
	}
}

// noPanic runs f; a panic is a failure, and its value must hold no secret.
func (l *leakChecker) noPanic(where string, f func()) {
	l.t.Helper()
	defer func() {
		if r := recover(); r != nil {
			l.check(where+" panic", fmt.Sprint(r))
			l.t.Errorf("%s panicked: %v", where, r)
		}
	}()
	f()
}

var errWatchEnded = errors.New("watch ended with its context")

// exercise makes every kind of failing call with c and checks each error.
func (l *leakChecker) exercise(where string, c *Client) {
	l.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	get := &GetOptions{API: c}
	calls := map[string]func() error{
		"Version": func() error { _, err := c.Version(ctx); return err },
		"Whoami":  func() error { _, err := c.Whoami(ctx); return err },
		"Get 401": func() error { _, err := Pods.Get(ctx, "web", get); return err },
		"Get 403": func() error { _, err := Pods.Get(ctx, "forbidden", get); return err },
		"Get 500": func() error { _, err := Pods.Get(ctx, "boom", get); return err },
		"List": func() error {
			_, err := Pods.ListAll(ctx, &ListOptions{API: c})
			return err
		},
		"Watch": func() error {
			// A watch rides out connection errors until its context ends.
			ctx, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel()
			for _, err := range Pods.Watch(ctx, &WatchOptions{API: c, ResourceVersion: "1"}) {
				return err
			}
			return errWatchEnded
		},
		"Create": func() error {
			p, err := Pods.New(map[string]any{"metadata": map[string]any{"name": "web"}}, WithAPI(c))
			if err != nil {
				return err
			}
			return p.Create(ctx, nil)
		},
		"Call with Authorization": func() error {
			_, err := c.Call(ctx, http.MethodGet, Request{Base: "/version", Header: http.Header{"Authorization": {"Bearer " + sentinelHeaderToken}}})
			return err
		},
		"Exec": func() error {
			p, err := Pods.New(map[string]any{"metadata": map[string]any{"name": "web", "namespace": "default"}}, WithAPI(c))
			if err != nil {
				return err
			}
			return p.ExecStream(ctx, []string{"true"}, &ExecOptions{Stdout: io.Discard})
		},
		"Logs": func() error {
			p, err := Pods.New(map[string]any{"metadata": map[string]any{"name": "web", "namespace": "default"},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "c"}}}}, WithAPI(c))
			if err != nil {
				return err
			}
			for _, err := range p.Logs(ctx, nil) {
				return err
			}
			return nil
		},
	}
	for name, call := range calls {
		var err error
		l.noPanic(where+" "+name, func() { err = call() })
		if err == nil {
			l.t.Errorf("%s %s: no error from a server that refuses everything", where, name)
		}
		l.checkErr(where+" "+name, err)
	}
	l.checkValue(where+" Client", c)
}

func TestSecretsNeverLeak(t *testing.T) {
	if _, err := exec.LookPath("/bin/sh"); err != nil {
		t.Skip("the exec plugin needs /bin/sh")
	}
	// Nothing may be written to disk: TMPDIR points at an empty directory
	// for the whole test.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	k := newSecretKit(t)
	l := &leakChecker{t: t, sentinels: k.sentinels}

	var textLog, jsonLog bytes.Buffer
	debug := &slog.HandlerOptions{Level: slog.LevelDebug}
	loggers := map[string]*slog.Logger{
		"text": slog.New(slog.NewTextHandler(&textLog, debug)),
		"json": slog.New(slog.NewJSONHandler(&jsonLog, debug)),
	}
	for _, name := range k.contexts {
		for lname, logger := range loggers {
			source := WithKubeconfigData(k.kubeconfig)
			if lname == "json" {
				source = WithKubeconfig(k.path)
			}
			where := name + " (" + lname + " log)"
			var c *Client
			var err error
			l.noPanic(where+" NewClient", func() {
				c, err = NewClient(source, WithContext(name), WithLogger(logger), WithRetry(RetryPolicy{MaxAttempts: 1}))
			})
			if err != nil {
				l.checkErr(where+" NewClient", err)
				t.Errorf("%s: NewClient: %v", where, err)
				continue
			}
			l.exercise(where, c)
			logger.Debug("client", "client", c)
		}
	}

	// Values a caller may log or print themselves.
	req := Request{Base: "/version", Header: http.Header{
		"Authorization":       {"Bearer " + sentinelHeaderToken},
		"Proxy-Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte("alice:"+sentinelPassword))},
		"X-Other":             {"kept"},
	}}
	l.checkValue("Request", req)
	l.checkValue("*Request", &req)
	if s := fmt.Sprintf("%+v", req); !strings.Contains(s, "kept") || !strings.Contains(s, "/version") {
		t.Errorf("Request prints as %s: want the fields that are not secret", s)
	}
	for _, logger := range loggers {
		logger.Debug("request", "request", req, "ptr", &req)
	}

	if textLog.Len() == 0 || jsonLog.Len() == 0 || !strings.Contains(textLog.String(), "kr8s request") {
		t.Fatalf("debug logging produced nothing: text %d bytes, json %d bytes", textLog.Len(), jsonLog.Len())
	}
	l.check("text debug log", textLog.String())
	l.check("JSON debug log", jsonLog.String())

	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("a file was written to TMPDIR: %s", e.Name())
	}
}

// TestSecretsBadKubeconfig: a kubeconfig that fails to load must not
// quote the secret next to the error.
func TestSecretsBadKubeconfig(t *testing.T) {
	l := &leakChecker{t: t, sentinels: []string{sentinelToken, sentinelPassword}}
	for name, doc := range map[string]string{
		"syntax": "apiVersion: v1\nusers:\n- name: u\n  user:\n    token: " + sentinelToken + "\n    password: [" + sentinelPassword + "\n",
		"type":   "apiVersion: v1\nusers:\n- name: u\n  user:\n    token: {nested: " + sentinelToken + "}\n    password: [" + sentinelPassword + "]\n",
		"tab":    "apiVersion: v1\nusers:\n- name: u\n  user:\n\ttoken: " + sentinelToken + "\n",
		"no context": "apiVersion: v1\ncurrent-context: " + "missing\nusers:\n- name: u\n  user:\n    token: " + sentinelToken +
			"\n    password: " + sentinelPassword + "\n",
	} {
		var err error
		l.noPanic(name, func() {
			_, err = NewClient(WithKubeconfigData([]byte(doc)))
		})
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		l.checkErr(name, err)
	}
}

// TestSecretsURLPasswords: a password inside a server or proxy URL, and
// the command of an exec (which travels in the upgrade's query), never
// show up in an error or a log line, whether the URL is invalid or its
// host unreachable.
func TestSecretsURLPasswords(t *testing.T) {
	const execArg = "cmd-SENTINEL-81c4e2d7"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := ln.Addr().String()
	ln.Close()
	srv, _ := newTestServer(t, http.HandlerFunc(secretHandler))
	l := &leakChecker{t: t, sentinels: []string{sentinelPassword, execArg, url.QueryEscape(execArg)}}
	userinfo := "alice:" + sentinelPassword + "@"

	invalid := map[string]string{
		"server scheme":      "ftp://" + userinfo + "example.com",
		"server unparseable": "https://" + userinfo + "exa mple.com:x/",
		"server no host":     "https://" + userinfo,
		"proxy unparseable":  "https://" + userinfo + "pro xy:x",
		"proxy no host":      "http://" + userinfo,
		"proxy scheme":       "ftp://" + userinfo + "proxy.example",
	}
	for name, u := range invalid {
		doc := "apiVersion: v1\nclusters: [{name: c, cluster: {server: " + strconv.Quote(u) + "}}]\n"
		if strings.HasPrefix(name, "proxy") {
			doc = "apiVersion: v1\nclusters: [{name: c, cluster: {server: " + strconv.Quote(srv.URL) +
				", proxy-url: " + strconv.Quote(u) + "}}]\n"
		}
		doc += "users: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n"
		var err error
		l.noPanic(name, func() { _, err = NewClient(WithKubeconfigData([]byte(doc))) })
		if err == nil {
			t.Errorf("%s: %s accepted", name, u)
		}
		l.checkErr(name, err)
	}

	var logBuf testcluster.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	unreachable := map[string][]Option{
		"server":       {WithURL("http://" + userinfo + refused)},
		"proxy":        {WithKubeconfigData([]byte("apiVersion: v1\nclusters: [{name: c, cluster: {server: " + strconv.Quote(srv.URL) + ", proxy-url: " + strconv.Quote("http://"+userinfo+refused) + "}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n"))},
		"server works": {WithURL(strings.Replace(srv.URL, "http://", "http://"+userinfo, 1))},
	}
	for name, opts := range unreachable {
		c, err := NewClient(append(opts, WithLogger(logger), WithRetry(RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond}))...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		l.exercise(name, c)
		l.check(name+" Server()", c.Server())
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = webPod(t, c).ExecStream(ctx, []string{"cat", execArg}, &ExecOptions{Stdout: io.Discard})
		cancel()
		if err == nil {
			t.Errorf("%s: exec succeeded", name)
		}
		l.checkErr(name+" exec", err)
	}
	if !strings.Contains(logBuf.String(), "kr8s request") {
		t.Fatal("nothing was logged")
	}
	l.check("debug log", logBuf.String())
}
