// Command kr8s is the hello-world of scenario 6: load the kubeconfig and
// list pods with kr8s-go. Only its binary size is measured.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/kr8s-go/kr8s"
)

func main() {
	ctx := context.Background()
	api, err := kr8s.NewClient()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for pod, err := range kr8s.Pods.List(ctx, &kr8s.ListOptions{API: api}) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(pod.Name(), pod.Status()["phase"])
	}
}
