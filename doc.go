// Package kr8s is a batteries-included Kubernetes client: the common
// things take one line, with no client-go and no generated code.
package kr8s
