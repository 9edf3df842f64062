// Command plugin is a test exec credential plugin. It counts its runs by
// appending a byte to $PLUGIN_COUNT_FILE and issues "tok-<run>". With
// $PLUGIN_TTL it sets expirationTimestamp to now+TTL, where now is read from
// $PLUGIN_CLOCK_FILE (the test's fake clock) when set.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

func main() {
	info := os.Getenv("KUBERNETES_EXEC_INFO")
	if p := os.Getenv("PLUGIN_INFO_FILE"); p != "" {
		must(os.WriteFile(p, []byte(info), 0o600))
	}
	var req struct {
		APIVersion string `json:"apiVersion"`
	}
	must(json.Unmarshal([]byte(info), &req))

	n := 0
	if p := os.Getenv("PLUGIN_COUNT_FILE"); p != "" {
		f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		must(err)
		_, err = f.Write([]byte{'x'})
		must(err)
		fi, err := f.Stat()
		must(err)
		must(f.Close())
		n = int(fi.Size())
	}
	if p := os.Getenv("PLUGIN_STDIN_FILE"); p != "" {
		b, err := io.ReadAll(os.Stdin)
		must(err)
		must(os.WriteFile(p, b, 0o600))
	}

	apiVersion := req.APIVersion
	if v := os.Getenv("PLUGIN_API_VERSION"); v != "" {
		apiVersion = v
	}
	status := map[string]any{}
	switch os.Getenv("PLUGIN_MODE") {
	case "badjson":
		fmt.Print("SECRET-STDOUT this is not json {")
		return
	case "fail":
		fmt.Print("SECRET-STDOUT")
		fmt.Fprint(os.Stderr, "plugin-stderr-message")
		os.Exit(3)
	case "cert":
		cert, err := os.ReadFile(os.Getenv("PLUGIN_CERT_FILE"))
		must(err)
		key, err := os.ReadFile(os.Getenv("PLUGIN_KEY_FILE"))
		must(err)
		status["clientCertificateData"] = string(cert)
		status["clientKeyData"] = string(key)
	case "halfcert":
		status["clientCertificateData"] = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"
	default:
		status["token"] = "tok-" + strconv.Itoa(n)
	}
	if ttl := os.Getenv("PLUGIN_TTL"); ttl != "" {
		d, err := time.ParseDuration(ttl)
		must(err)
		now := time.Now()
		if p := os.Getenv("PLUGIN_CLOCK_FILE"); p != "" {
			b, err := os.ReadFile(p)
			must(err)
			now, err = time.Parse(time.RFC3339Nano, string(b))
			must(err)
		}
		status["expirationTimestamp"] = now.Add(d).UTC().Format(time.RFC3339)
	}
	must(json.NewEncoder(os.Stdout).Encode(map[string]any{
		"apiVersion": apiVersion,
		"kind":       "ExecCredential",
		"status":     status,
	}))
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "plugin:", err)
		os.Exit(2)
	}
}
