package kubeconfig

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// fuzzMarker is planted in secret fields of the seeds. Parse errors quote
// nothing from the file, so they must never contain it, wherever the fuzzer
// moves it.
const fuzzMarker = "PLANTEDxSECRET"

func FuzzParse(f *testing.F) {
	f.Add([]byte(fullConfig))
	f.Add([]byte("users:\n- name: u\n  user: {token: " + fuzzMarker + ", password: " + fuzzMarker + "}\n"))
	f.Add([]byte("users:\n- name: u\n  user:\n    client-key-data: \"" + fuzzMarker + "\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(data, "fuzz.yaml")
		if err != nil {
			if strings.Contains(err.Error(), fuzzMarker) {
				t.Fatalf("error contains file content: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "kubeconfig fuzz.yaml: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		out := fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg.String())
		// When the marker appears once in the input (and no alias can copy
		// it) and lands in a secret field, it must not be printed.
		if bytes.Count(data, []byte(fuzzMarker)) == 1 && !bytes.ContainsAny(data, "*<") && markerInSecret(cfg) {
			if strings.Contains(out, fuzzMarker) {
				t.Fatalf("secret printed: %s", out)
			}
		}
		_ = Merge(cfg, cfg)
	})
}

func markerInSecret(cfg *Config) bool {
	has := func(s string) bool { return strings.Contains(s, fuzzMarker) }
	for _, u := range cfg.Users {
		a := u.AuthInfo
		if has(a.Token) || has(a.Password) || has(string(a.ClientKeyData)) {
			return true
		}
		if a.Exec != nil {
			for _, e := range a.Exec.Env {
				if has(e.Value) {
					return true
				}
			}
		}
		if a.AuthProvider != nil {
			for k, v := range a.AuthProvider.Config {
				if has(v) && !publicAuthProviderKeys[k] {
					return true
				}
			}
		}
	}
	return false
}

// FuzzPointer runs Get, Set and Unset with any pointer on a file holding a
// secret: none may panic, every edit must leave a file that parses, and no
// error may contain the secret.
func FuzzPointer(f *testing.F) {
	for _, p := range []string{"/users/0/user/token", "/users/0/user/token/x", "/clusters/-", "/a~1b/~0/-", "/contexts/01", ""} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, pointer string) {
		path := writeTemp(t, "users:\n- name: u\n  user: {token: "+fuzzMarker+"}\ncontexts: []\n", 0o600)
		files := Files{path}
		_, err := files.Get(pointer)
		errs := []error{err, files.Set(pointer, "v"), files.Unset(pointer)}
		for _, err := range errs {
			if err != nil && strings.Contains(err.Error(), fuzzMarker) {
				t.Fatalf("error contains the secret: %v", err)
			}
		}
		if _, err := LoadFile(path); err != nil {
			t.Fatalf("the edited file does not load: %v", err)
		}
	})
}
