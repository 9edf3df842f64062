package kr8s_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"

	"github.com/kr8s-go/kr8s"
)

// List pages on its own; Field reads one value of each pod without
// decoding the rest.
func ExampleKindOf_List() {
	ctx := context.Background()
	for pod, err := range kr8s.Pods.List(ctx, &kr8s.ListOptions{LabelSelector: "app=web"}) {
		if err != nil {
			log.Fatal(err)
		}
		phase, _ := pod.Field("status", "phase").(string)
		fmt.Println(pod.Name(), phase)
	}
}

// Watch resumes after disconnects and tells you when it had to list again.
func ExampleKindOf_Watch() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for ev, err := range kr8s.Pods.Watch(ctx, &kr8s.WatchOptions{}) {
		if err != nil {
			log.Fatal(err)
		}
		if ev.Type == kr8s.Relisted {
			continue // the server's history ran out; what follows brings you up to date
		}
		fmt.Println(ev.Type, ev.Object.Name())
	}
}

// Exec captures output; a non-zero exit is an *ExitError with the code.
func ExamplePod_Exec() {
	ctx := context.Background()
	pod, err := kr8s.Pods.Get(ctx, "web", nil)
	if err != nil {
		log.Fatal(err)
	}
	res, err := pod.Exec(ctx, []string{"sh", "-c", "cat"}, &kr8s.ExecOptions{Stdin: strings.NewReader("hello\n")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s", res.Stdout)
}

// Logs yields lines; with Follow it goes on until ctx ends.
func ExamplePod_Logs() {
	ctx := context.Background()
	pod, err := kr8s.Pods.Get(ctx, "web", nil)
	if err != nil {
		log.Fatal(err)
	}
	for line, err := range pod.Logs(ctx, &kr8s.LogOptions{TailLines: 10}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(line)
	}
}

// PortForward listens locally and forwards each connection to the pod.
func ExamplePod_PortForward() {
	ctx := context.Background()
	pod, err := kr8s.Pods.Get(ctx, "web", nil)
	if err != nil {
		log.Fatal(err)
	}
	pf, err := pod.PortForward(ctx, 80, nil) // a free local port
	if err != nil {
		log.Fatal(err)
	}
	defer pf.Close()
	resp, err := http.Get("http://" + pf.Addr() + "/")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(os.Stdout, resp.Body)
}
