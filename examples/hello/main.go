// Command hello is the README's first program: it connects with the
// default kubeconfig, prints the server version and who we are, creates a
// pod and reads it back, lists pods in all namespaces, then cleans up.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/kr8s-go/kr8s"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	version, err := kr8s.Version(ctx) // no client needed
	if err != nil {
		log.Fatal(err)
	}
	me, err := kr8s.Whoami(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("connected to Kubernetes %s as %s\n", version, me.Username)

	pod, err := kr8s.NewPod(map[string]any{
		"metadata": map[string]any{"name": "hello"},
		"spec": map[string]any{"containers": []any{map[string]any{
			"name": "main", "image": "busybox", "command": []any{"sh", "-c", "echo hello from the pod; sleep 3600"},
		}}},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := pod.Create(ctx, nil); err != nil {
		log.Fatal(err)
	}
	defer pod.Delete(context.Background(), nil)
	fmt.Printf("created pod %s/%s\n", pod.Namespace(), pod.Name())

	got, err := kr8s.Pods.Get(ctx, "hello", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("read it back: uid %v\n", got.Metadata()["uid"])

	api, err := kr8s.API()
	if err != nil {
		log.Fatal(err)
	}
	resp, err := api.Call(ctx, "GET", kr8s.Request{URL: "pods"})
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var pods struct {
		Items []struct {
			Metadata struct{ Namespace, Name string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&pods); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d pods in all namespaces:\n", len(pods.Items))
	for _, p := range pods.Items {
		fmt.Printf("  %s/%s\n", p.Metadata.Namespace, p.Metadata.Name)
	}
}
