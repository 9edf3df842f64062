package kr8s_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/kr8s-go/kr8s"
)

// The seed's first snippet: no client needed.
func ExampleVersion() {
	ctx := context.Background()
	version, err := kr8s.Version(ctx) // Look ma no client needed!
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(version.Major)
	// Output: 1
}

// An explicit client: kr8s.api() then api.version().
func ExampleAPI() {
	ctx := context.Background()
	api, err := kr8s.API()
	if err != nil {
		log.Fatal(err)
	}
	version, err := api.Version(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(version.Major)
	// Output: 1
}

// Low-level calls: kr8s's call_api("GET", url="pods", namespace="").
func ExampleClient_Call() {
	ctx := context.Background()
	api, err := kr8s.API()
	if err != nil {
		log.Fatal(err)
	}
	resp, err := api.Call(ctx, "GET", kr8s.Request{URL: "pods", Namespace: ""})
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var pods struct {
		Kind  string
		Items []struct{ Metadata struct{ Name string } }
	}
	if err := json.NewDecoder(resp.Body).Decode(&pods); err != nil {
		log.Fatal(err)
	}
	for _, pod := range pods.Items {
		_ = pod.Metadata.Name // print them in real code
	}
	fmt.Println(pods.Kind)
	// Output: PodList
}

// A raw path: call_api("GET", base="/version", version="").
func ExampleClient_Call_rawPath() {
	ctx := context.Background()
	api, err := kr8s.API()
	if err != nil {
		log.Fatal(err)
	}
	resp, err := api.Call(ctx, "GET", kr8s.Request{Base: "/version", Version: ""})
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var version map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&version); err != nil {
		log.Fatal(err)
	}
	fmt.Println(version["major"])
	// Output: 1
}

// Timeouts: api.timeout = 10.
func ExampleClient_SetTimeout() {
	api, err := kr8s.API()
	if err != nil {
		log.Fatal(err)
	}
	api.SetTimeout(10 * time.Second) // the default timeout for all later calls
	fmt.Println(api.Timeout())
	// Output: 10s
}

// Objects take the client explicitly, or else use the cached default, and
// reading an object by name gives it the cached client.
func ExampleNewPod() {
	ctx := context.Background()
	api, err := kr8s.API()
	if err != nil {
		log.Fatal(err)
	}
	pod, err := kr8s.NewPod(map[string]any{
		"metadata": map[string]any{"name": "some-pod"},
		"spec": map[string]any{"containers": []any{
			map[string]any{"name": "main", "image": "busybox"},
		}},
	}, kr8s.WithAPI(api))
	if err != nil {
		log.Fatal(err)
	}
	if err := pod.Create(ctx, nil); err != nil {
		log.Fatal(err)
	}
	// Wait, so that the next example finds no pod of this name.
	defer pod.Delete(ctx, &kr8s.DeleteOptions{Wait: true})

	api2, _ := kr8s.API() // no arguments: the first cached client
	got, err := kr8s.Pods.Get(ctx, "some-pod", nil)
	if err != nil {
		log.Fatal(err)
	}
	gotAPI, _ := got.API()
	fmt.Println(api2 == api, gotAPI == api)
	// Output: true true
}

// Client caching: the same arguments give the same client, different ones
// a new client.
func ExampleAPI_caching() {
	foo := os.Getenv("KUBECONFIG") // "/foo/bar" in the seed
	bar := copyFile(foo)           // "/fizz/buzz"
	defer os.Remove(bar)

	api, err := kr8s.API(kr8s.WithKubeconfig(foo))
	if err != nil {
		log.Fatal(err)
	}
	api2, _ := kr8s.API(kr8s.WithKubeconfig(foo))
	// api2 is api due to caching

	api3, _ := kr8s.API(kr8s.WithKubeconfig(bar))
	// api3 is a new client as it was created with different arguments

	fmt.Println(api2 == api, api3 == api)
	// Output: true false
}

// Bypassing the factory: kr8s.Api(bypass_factory=True). Such clients are
// never cached, so pass them around explicitly.
func ExampleNewClient() {
	ctx := context.Background()
	api, err := kr8s.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	api2, _ := kr8s.NewClient()
	// api and api2 are different clients

	_, err = kr8s.Pods.Get(ctx, "some-pod", &kr8s.GetOptions{API: api2})
	// be sure to pass a reference around as caching will no longer work
	fmt.Println(api == api2, errors.Is(err, kr8s.ErrNotFound))
	// Output: false true
}

func copyFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.CreateTemp("", "kubeconfig-")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(b); err != nil {
		log.Fatal(err)
	}
	return f.Name()
}
