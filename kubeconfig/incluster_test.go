package kubeconfig

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// InCluster reads the environment, so these tests are not parallel.
func TestInCluster(t *testing.T) {
	sa := func(t *testing.T, files map[string]string) string {
		return writeFiles(t, t.TempDir(), files)
	}
	full := map[string]string{"token": secretToken + "\n", "ca.crt": "CA", "namespace": "team\n"}
	tests := []struct {
		name, host, port, podNS string
		files                   map[string]string
		wantServer, wantNS      string
		wantErr                 string
		wantIs                  error
	}{
		{name: "ipv4", host: "10.96.0.1", port: "443", files: full, wantServer: "https://10.96.0.1:443", wantNS: "team"},
		{name: "ipv6 bracketed", host: "fd00::1", port: "443", files: full, wantServer: "https://[fd00::1]:443", wantNS: "team"},
		{name: "ipv6 already bracketed", host: "[fd00::1]", port: "6443", files: full, wantServer: "https://[fd00::1]:6443", wantNS: "team"},
		{name: "POD_NAMESPACE wins", host: "h", port: "1", podNS: "pod-ns", files: full, wantServer: "https://h:1", wantNS: "pod-ns"},
		{name: "no namespace file", host: "h", port: "1", files: map[string]string{"token": "t", "ca.crt": "CA"}, wantServer: "https://h:1", wantNS: "default"},
		{name: "no host", port: "443", files: full, wantErr: "KUBERNETES_SERVICE_HOST", wantIs: ErrNotInCluster},
		{name: "no port", host: "h", files: full, wantErr: "KUBERNETES_SERVICE_PORT", wantIs: ErrNotInCluster},
		{name: "no token", host: "h", port: "1", files: map[string]string{"ca.crt": "CA"}, wantErr: "reading service account token", wantIs: fs.ErrNotExist},
		{name: "no CA", host: "h", port: "1", files: map[string]string{"token": "t"}, wantErr: "reading service account CA", wantIs: fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("KUBERNETES_SERVICE_HOST", tt.host)
			t.Setenv("KUBERNETES_SERVICE_PORT", tt.port)
			t.Setenv("POD_NAMESPACE", tt.podNS)
			dir := sa(t, tt.files)
			r, err := InCluster(dir)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, tt.wantIs) {
					t.Fatalf("InCluster = %v, want error %q (%v)", err, tt.wantErr, tt.wantIs)
				}
				assertNoSecret(t, "error", err.Error())
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Server != tt.wantServer || r.Namespace != tt.wantNS || r.Token != strings.TrimSpace(tt.files["token"]) ||
				string(r.CAData) != "CA" || r.TokenFile != filepath.Join(dir, "token") || r.ClusterInfo.Server != tt.wantServer {
				t.Errorf("InCluster = %+v", r)
			}
		})
	}
}
