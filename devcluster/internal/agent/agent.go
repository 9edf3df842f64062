// Package agent is the devcluster's node agent: it serves the kubelet's
// streaming endpoints (/exec, /portForward, /containerLogs) for kwok's fake
// nodes, so that the API server's pods/exec, pods/portforward and pods/log
// reach real local processes and ports.
//
// A container whose spec has a command runs as a local process in the pod's
// directory; its output is the container log, stored in the CRI log format
// that the kubelet uses. Exec runs the command locally in the same
// directory and carries the exit code back. Port-forward to pod port N
// reaches 127.0.0.1:N.
package agent

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/cri-streaming/pkg/streaming/portforward"
	"k8s.io/cri-streaming/pkg/streaming/remotecommand"
)

// Config configures the agent.
type Config struct {
	Listen     string   // host:port to serve on
	Cert, Key  string   // serving certificate files
	ClientCA   string   // CA that signs the API server's kubelet client cert
	Kubeconfig string   // for watching pods
	Dir        string   // where pod directories and logs live
	Nodes      []string // node names served
}

// Run serves until ctx ends.
func Run(ctx context.Context, cfg Config) error {
	rc, err := clientcmd.BuildConfigFromFlags("", cfg.Kubeconfig)
	if err != nil {
		return err
	}
	client, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return err
	}
	pods := newPodRunner(client, cfg.Dir, cfg.Nodes)
	go pods.run(ctx)

	caPEM, err := os.ReadFile(cfg.ClientCA)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return fmt.Errorf("no certificates in %s", cfg.ClientCA)
	}
	a := &server{pods: pods}
	mux := http.NewServeMux()
	mux.HandleFunc("/exec/{ns}/{pod}/{container}", a.exec)
	mux.HandleFunc("/exec/{ns}/{pod}/{uid}/{container}", a.exec)
	mux.HandleFunc("/portForward/{ns}/{pod}", a.portForward)
	mux.HandleFunc("/portForward/{ns}/{pod}/{uid}", a.portForward)
	mux.HandleFunc("/containerLogs/{ns}/{pod}/{container}", a.logs)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	srv := &http.Server{
		Addr:    cfg.Listen,
		Handler: mux,
		TLSConfig: &tls.Config{
			ClientCAs:  pool,
			ClientAuth: tls.RequireAndVerifyClientCert,
			MinVersion: tls.VersionTLS12,
			// SPDY upgrades need HTTP/1.1.
			NextProtos: []string{"http/1.1"},
		},
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		srv.Close()
	}()
	slog.Info("agent listening", "addr", cfg.Listen, "nodes", cfg.Nodes)
	err = srv.ListenAndServeTLS(cfg.Cert, cfg.Key)
	pods.stopAll()
	if err == http.ErrServerClosed {
		return nil
	}
	return err
}

type server struct {
	pods *podRunner
}

func (a *server) exec(w http.ResponseWriter, r *http.Request) {
	ns, pod, container := r.PathValue("ns"), r.PathValue("pod"), r.PathValue("container")
	opts, err := remotecommand.NewOptions(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	cmd := r.URL.Query()["command"]
	if len(cmd) == 0 {
		http.Error(w, "missing command", http.StatusBadRequest)
		return
	}
	ex := &executor{pods: a.pods, namespace: ns}
	remotecommand.ServeExec(w, r, ex, pod, r.PathValue("uid"), container, cmd, opts,
		4*time.Hour, remotecommand.DefaultStreamCreationTimeout, remotecommand.SupportedStreamingProtocols)
}

func (a *server) portForward(w http.ResponseWriter, r *http.Request) {
	opts, err := portforward.NewV4Options(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	portforward.ServePortForward(w, r, forwarder{}, r.PathValue("pod"), r.PathValue("uid"), opts,
		4*time.Hour, remotecommand.DefaultStreamCreationTimeout, portforward.SupportedProtocols)
}
