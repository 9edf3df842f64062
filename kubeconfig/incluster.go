package kubeconfig

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// ServiceAccountDir is where Kubernetes mounts a pod's service account
// credentials.
const ServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// InCluster builds the configuration of a pod from its service account, like
// client-go's rest.InClusterConfig: the server is https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT
// (IPv6 hosts in brackets), the token and CA are read from dir/token and
// dir/ca.crt, and TokenFile is dir/token so the caller can re-read it when
// the kubelet rotates it. dir "" means [ServiceAccountDir].
//
// The namespace is $POD_NAMESPACE, else the content of dir/namespace, else
// "default", as kubectl does in a pod. Unlike client-go, which logs and goes
// on with the system roots, a missing ca.crt is an error.
func InCluster(dir string) (*Resolved, error) {
	if dir == "" {
		dir = ServiceAccountDir
	}
	host, port := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")
	if host == "" || port == "" {
		return nil, fmt.Errorf("in-cluster config: %w", ErrNotInCluster)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("in-cluster config: %w", err)
	}
	tokenFile := filepath.Join(abs, "token")
	token, err := readLimited(tokenFile)
	if err != nil {
		return nil, fmt.Errorf("in-cluster config: reading service account token: %w", err)
	}
	ca, err := readLimited(filepath.Join(abs, "ca.crt"))
	if err != nil {
		return nil, fmt.Errorf("in-cluster config: reading service account CA: %w", err)
	}
	ns := os.Getenv("POD_NAMESPACE")
	if ns == "" {
		if data, err := readLimited(filepath.Join(abs, "namespace")); err == nil {
			ns = strings.TrimSpace(string(data))
		}
	}
	if ns == "" {
		ns = "default"
	}
	server := "https://" + net.JoinHostPort(strings.Trim(host, "[]"), port)
	return &Resolved{
		Server:      server,
		Namespace:   ns,
		CAData:      ca,
		Token:       strings.TrimSpace(string(token)),
		TokenFile:   tokenFile,
		ClusterInfo: ExecCluster{Server: server, CertificateAuthorityData: ca},
	}, nil
}
