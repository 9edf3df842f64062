package kubeconfig

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Secrets planted in test kubeconfigs; no error or printed value may contain
// them.
const (
	secretToken    = "tok-S3CRET-planted-1"
	secretPassword = "pw-S3CRET-planted-2"
	secretEnv      = "env-S3CRET-planted-3"
	secretIDToken  = "idt-S3CRET-planted-4"
	secretKeyPEM   = "-----BEGIN PRIVATE KEY-----\nkey-S3CRET-planted-5\n-----END PRIVATE KEY-----\n"
	// base64 of secretKeyPEM
	secretKeyB64 = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCmtleS1TM0NSRVQtcGxhbnRlZC01Ci0tLS0tRU5EIFBSSVZBVEUgS0VZLS0tLS0K"
)

var allSecrets = []string{secretToken, secretPassword, secretEnv, secretIDToken, "key-S3CRET-planted-5", secretKeyB64, "S3CRET"}

// assertNoSecret fails if s contains a planted secret.
func assertNoSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, sec := range allSecrets {
		if strings.Contains(s, sec) || strings.Contains(s, hex.EncodeToString([]byte(sec))) {
			t.Errorf("%s contains secret %q: %s", what, sec, s)
		}
	}
}

// writeFiles writes name→content under dir, creating directories, and
// returns dir.
func writeFiles(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
