package supervisor

import (
	"path/filepath"
	"strconv"
	"strings"
)

// NodeNames returns the names of the fake nodes.
func NodeNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = "kwok-node-" + strconv.Itoa(i)
	}
	return names
}

func (s *Supervisor) apiserverArgs() []string {
	p := s.pkiPath
	return []string{
		"--etcd-servers=http://127.0.0.1:" + strconv.Itoa(s.ports.etcd),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(s.ports.api),
		"--tls-cert-file=" + p("apiserver.crt"),
		"--tls-private-key-file=" + p("apiserver.key"),
		"--client-ca-file=" + p("ca.crt"),
		"--token-auth-file=" + p("tokens.csv"),
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + p("sa.pub"),
		"--service-account-signing-key-file=" + p("sa.key"),
		"--service-cluster-ip-range=10.0.0.0/24",
		"--kubelet-client-certificate=" + p("kubelet-client.crt"),
		"--kubelet-client-key=" + p("kubelet-client.key"),
		"--kubelet-certificate-authority=" + p("ca.crt"),
		"--kubelet-preferred-address-types=InternalIP",
		"--allow-privileged=true",
		"--profiling=false",
		// Restarts and stops must be quick: the fault tests restart the
		// API server while clients are connected.
		"--shutdown-delay-duration=0s",
		"--shutdown-watch-termination-grace-period=0s",
		"--v=1",
	}
}

func (s *Supervisor) controllerManagerArgs() []string {
	p := s.pkiPath
	return []string{
		"--kubeconfig=" + s.files.adminKubeconfig,
		"--secure-port=0",
		"--leader-elect=false",
		"--service-account-private-key-file=" + p("sa.key"),
		"--root-ca-file=" + p("ca.crt"),
		"--cluster-signing-cert-file=" + p("ca.crt"),
		"--cluster-signing-key-file=" + p("ca.key"),
		"--use-service-account-credentials=false",
		"--profiling=false",
		"--v=1",
	}
}

func (s *Supervisor) schedulerArgs() []string {
	return []string{
		"--kubeconfig=" + s.files.adminKubeconfig,
		"--secure-port=0",
		"--leader-elect=false",
		"--profiling=false",
		"--v=1",
	}
}

func (s *Supervisor) kwokArgs() []string {
	return []string{
		"--kubeconfig=" + s.files.adminKubeconfig,
		"--config=" + filepath.Join(s.dir, "kwok.yaml"),
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector=" + nodeAnnotation + "=fake",
		"--node-ip=127.0.0.1",
		"--node-port=" + strconv.Itoa(s.ports.agent),
		"--node-lease-duration-seconds=40",
		"--cidr=10.244.0.0/16",
		// kwok serves its own kubelet endpoints on the node port unless
		// given another address; the node agent owns the node port.
		"--server-address=127.0.0.1:" + strconv.Itoa(s.ports.kwok),
	}
}

func (s *Supervisor) agentArgs() []string {
	p := s.pkiPath
	return []string{
		"--listen=127.0.0.1:" + strconv.Itoa(s.ports.agent),
		"--cert=" + p("agent.crt"),
		"--key=" + p("agent.key"),
		"--client-ca=" + p("ca.crt"),
		"--kubeconfig=" + s.files.adminKubeconfig,
		"--dir=" + filepath.Join(s.dir, "pods"),
		"--nodes=" + strings.Join(NodeNames(s.cfg.Nodes), ","),
	}
}
