package kr8s_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// issueClientCert has the test cluster sign a client certificate for user
// cn: it creates a CertificateSigningRequest for the
// kubernetes.io/kube-apiserver-client signer, approves it as the admin, and
// waits for the controller-manager to sign it with the cluster CA, the one
// the API server trusts for client certificates. The key never leaves the
// test. It returns the certificate and key, PEM encoded.
func issueClientCert(t *testing.T, cn string) (certPEM, keyPEM []byte) {
	t.Helper()
	a := testcluster.Admin(t)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn}}, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})

	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	name := "kr8s-certrotate-" + hex.EncodeToString(suffix)
	path := "/apis/certificates.k8s.io/v1/certificatesigningrequests/" + name
	csr, _ := json.Marshal(map[string]any{
		"apiVersion": "certificates.k8s.io/v1",
		"kind":       "CertificateSigningRequest",
		"metadata":   map[string]any{"name": name},
		"spec": map[string]any{
			"request":           pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDER}),
			"signerName":        "kubernetes.io/kube-apiserver-client",
			"usages":            []string{"digital signature", "client auth"},
			"expirationSeconds": 600, // the shortest allowed
		},
	})
	ctx := context.Background()
	if err := a.Do(ctx, http.MethodPost, "/apis/certificates.k8s.io/v1/certificatesigningrequests", csr, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := a.Do(context.Background(), http.MethodDelete, path, nil, nil); err != nil {
			t.Logf("delete CSR %s: %v", name, err)
		}
	})

	var raw []byte
	if err := a.Do(ctx, http.MethodGet, path, nil, &raw); err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil {
		t.Fatal(err)
	}
	obj["status"] = map[string]any{"conditions": []map[string]any{{
		"type": "Approved", "status": "True", "reason": "Kr8sTest", "message": "approved by " + t.Name(),
	}}}
	approval, _ := json.Marshal(obj)
	if err := a.Do(ctx, http.MethodPut, path+"/approval", approval, nil); err != nil {
		t.Fatal(err)
	}

	testcluster.Eventually(t, 60*time.Second, "the CSR for "+cn+" to be signed", func(ctx context.Context) (bool, error) {
		var raw []byte
		if err := a.Do(ctx, http.MethodGet, path, nil, &raw); err != nil {
			return false, err
		}
		var got struct {
			Status struct {
				Certificate []byte `json:"certificate"`
				Conditions  []struct {
					Type, Message string
				} `json:"conditions"`
			} `json:"status"`
		}
		if err := json.Unmarshal(raw, &got); err != nil {
			return false, err
		}
		for _, c := range got.Status.Conditions {
			if c.Type == "Failed" || c.Type == "Denied" {
				return false, fmt.Errorf("CSR %s: %s", c.Type, c.Message)
			}
		}
		certPEM = got.Status.Certificate
		return len(certPEM) > 0, nil
	})
	return certPEM, keyPEM
}

// TestCertRotationFromFiles: a client whose kubeconfig names its client
// certificate and key as files authenticates as the certificate's user;
// when the files are rotated to a certificate for another user while the
// client runs, its later requests authenticate as the new user. A
// rotation caught half-way (new certificate, old key) keeps the old pair
// working meanwhile.
func TestCertRotationFromFiles(t *testing.T) {
	suffix := make([]byte, 3)
	_, _ = rand.Read(suffix)
	userA, userB := "kr8s-rotate-a-"+hex.EncodeToString(suffix), "kr8s-rotate-b-"+hex.EncodeToString(suffix)
	certA, keyA := issueClientCert(t, userA)
	certB, keyB := issueClientCert(t, userB)

	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key")
	write := func(path string, data []byte) {
		t.Helper()
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(certFile, certA)
	write(keyFile, keyA)
	c, err := kr8s.NewClient(kr8s.WithKubeconfig(writeKubeconfig(t,
		"    client-certificate: "+certFile+"\n    client-key: "+keyFile)))
	if err != nil {
		t.Fatal(err)
	}
	if got := whoami(t, c); got != userA {
		t.Fatalf("whoami = %q, want %q", got, userA)
	}

	// Half-way through a rotation: the new certificate, the old key. The
	// client keeps the old pair, which still works. The files are looked
	// at, at most, every 5 seconds; wait past that.
	write(certFile, certB)
	time.Sleep(6 * time.Second)
	if got := whoami(t, c); got != userA {
		t.Fatalf("whoami = %q half-way through the rotation, want %q (the last good pair)", got, userA)
	}

	// The rotation completes: later requests are userB's.
	write(keyFile, keyB)
	start := time.Now()
	testcluster.Eventually(t, 20*time.Second, "requests to authenticate as "+userB, func(ctx context.Context) (bool, error) {
		u, err := c.Whoami(ctx)
		if err != nil {
			return false, err
		}
		return u.Username == userB, nil
	})
	t.Logf("requests authenticated as the new user %v after the rotation completed", time.Since(start).Round(time.Millisecond))
	if got := whoami(t, c); got != userB {
		t.Fatalf("whoami = %q after the rotation, want %q", got, userB)
	}
}
