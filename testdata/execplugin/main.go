// Command execplugin is a test exec credential plugin. Each run appends a
// line to $PLUGIN_COUNTER. With PLUGIN_FIRST_BAD=1 its first run issues an
// invalid token; every other run issues $PLUGIN_TOKEN, expiring after
// $PLUGIN_EXPIRY_SECONDS (never, if unset; with PLUGIN_EXPIRING_RUNS=N
// only the first N runs' credentials expire).
package main

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	counter := os.Getenv("PLUGIN_COUNTER")
	prev, _ := os.ReadFile(counter)
	runs := strings.Count(string(prev), "\n") + 1
	f, err := os.OpenFile(counter, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		os.Exit(2)
	}
	f.WriteString("run\n")
	f.Close()
	token := os.Getenv("PLUGIN_TOKEN")
	if runs == 1 && os.Getenv("PLUGIN_FIRST_BAD") == "1" {
		token = "not-a-valid-token"
	}
	status := map[string]any{"token": token}
	expiring, err := strconv.Atoi(os.Getenv("PLUGIN_EXPIRING_RUNS"))
	if err != nil {
		expiring = runs
	}
	if s, err := strconv.Atoi(os.Getenv("PLUGIN_EXPIRY_SECONDS")); err == nil && runs <= expiring {
		status["expirationTimestamp"] = time.Now().Add(time.Duration(s) * time.Second).UTC().Format(time.RFC3339)
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"apiVersion": "client.authentication.k8s.io/v1",
		"kind":       "ExecCredential",
		"status":     status,
	})
}
