package supervisor

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	nodefast "sigs.k8s.io/kwok/kustomize/stage/node/fast"
	nodeheartbeat "sigs.k8s.io/kwok/kustomize/stage/node/heartbeat-with-lease"
	podfast "sigs.k8s.io/kwok/kustomize/stage/pod/fast"

	"github.com/kr8s-go/kr8s/devcluster/internal/pki"
)

// Identities in the kubeconfig. Each is a context of the same name.
const (
	ContextAdmin  = "devcluster"        // client certificate, system:masters
	ContextToken  = "devcluster-token"  // bearer token, system:masters
	ContextReader = "devcluster-reader" // bearer token, may only read pods in "default"
	ReaderUser    = "reader"
)

type files struct {
	ca                 *pki.Pair
	admin              *pki.Pair
	adminKubeconfig    string
	adminKubeconfigRaw []byte
	tokenAdmin         string
	tokenReader        string
}

func (s *Supervisor) pkiPath(name string) string { return filepath.Join(s.dir, "pki", name) }

func (s *Supervisor) writeFiles() error {
	var err error
	f := &s.files
	if f.ca, err = pki.NewCA("devcluster-ca"); err != nil {
		return err
	}
	if err := f.ca.WriteFiles(s.pkiPath(""), "ca"); err != nil {
		return err
	}
	ips := []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.0.0.1")}
	hosts := []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"}
	serving, err := f.ca.Serving("kube-apiserver", hosts, ips)
	if err != nil {
		return err
	}
	if err := serving.WriteFiles(s.pkiPath(""), "apiserver"); err != nil {
		return err
	}
	agent, err := f.ca.Serving("devcluster-agent", []string{"localhost"}, ips[:1])
	if err != nil {
		return err
	}
	if err := agent.WriteFiles(s.pkiPath(""), "agent"); err != nil {
		return err
	}
	kubeletClient, err := f.ca.Client("kube-apiserver-kubelet-client", "system:masters")
	if err != nil {
		return err
	}
	if err := kubeletClient.WriteFiles(s.pkiPath(""), "kubelet-client"); err != nil {
		return err
	}
	if f.admin, err = f.ca.Client("devcluster-admin", "system:masters"); err != nil {
		return err
	}
	priv, pub, err := pki.NewSigningKey()
	if err != nil {
		return err
	}
	if err := os.WriteFile(s.pkiPath("sa.key"), priv, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(s.pkiPath("sa.pub"), pub, 0o644); err != nil {
		return err
	}
	f.tokenAdmin, f.tokenReader = randomToken(), randomToken()
	tokens := fmt.Sprintf("%s,token-admin,token-admin,\"system:masters\"\n%s,%s,%s,\n",
		f.tokenAdmin, f.tokenReader, ReaderUser, ReaderUser)
	if err := os.WriteFile(s.pkiPath("tokens.csv"), []byte(tokens), 0o600); err != nil {
		return err
	}
	f.adminKubeconfigRaw = s.kubeconfig()
	f.adminKubeconfig = filepath.Join(s.dir, "kubeconfig")
	if err := os.WriteFile(f.adminKubeconfig, f.adminKubeconfigRaw, 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.dir, "kwok.yaml"), kwokConfig(), 0o600)
}

// kubeconfig renders the kubeconfig with the three identities, the admin
// context current. Credentials are inline so the file stands alone.
func (s *Supervisor) kubeconfig() []byte {
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	f := &s.files
	var sb strings.Builder
	fmt.Fprintf(&sb, `apiVersion: v1
kind: Config
clusters:
- name: devcluster
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: devcluster-admin
  user:
    client-certificate-data: %s
    client-key-data: %s
- name: token-admin
  user:
    token: %s
- name: %s
  user:
    token: %s
contexts:
- name: %s
  context: {cluster: devcluster, user: devcluster-admin, namespace: default}
- name: %s
  context: {cluster: devcluster, user: token-admin, namespace: default}
- name: %s
  context: {cluster: devcluster, user: %s, namespace: default}
current-context: %s
`, s.server(), b64(f.ca.Cert), b64(f.admin.Cert), b64(f.admin.Key), f.tokenAdmin,
		ReaderUser, f.tokenReader, ContextAdmin, ContextToken, ContextReader, ReaderUser, ContextAdmin)
	return []byte(sb.String())
}

// kwokConfig holds only stages, so kwok's option defaults apply. It uses
// kwok's own published stages: nodes become Ready and keep
// their address (the heartbeat keeps .status.addresses), pods become
// Running and Ready, and deleted pods go away.
func kwokConfig() []byte {
	docs := []string{
		nodefast.DefaultNodeInit,
		nodeheartbeat.DefaultNodeHeartbeatWithLease,
		podfast.DefaultPodReady,
		podfast.DefaultPodComplete,
		podfast.DefaultPodDelete,
	}
	return []byte(strings.Join(docs, "\n---\n"))
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
