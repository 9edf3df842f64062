package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s"
)

func TestCustomColumns(t *testing.T) {
	t.Parallel()
	obj, err := kr8s.LoadObjects([]byte(`apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: a, image: nginx}, {name: b, image: busybox}]
`))
	if err != nil {
		t.Fatal(err)
	}
	f, err := parseOutput("custom-columns=NAME:.metadata.name,IMAGES:.spec.containers[*].image,APP:{.metadata.labels.app},NODE:spec.nodeName")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := printCustomColumns(&b, f.columns, obj, false); err != nil {
		t.Fatal(err)
	}
	want := "NAME   IMAGES          APP   NODE\nweb    nginx,busybox   web   <none>\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	for _, bad := range []string{"custom-columns=", "custom-columns=NAME", "custom-columns=:.a", "custom-columns=A:{.a"} {
		if _, err := parseOutput(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestShortDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		0:                             "0s",
		-5 * time.Second:              "<invalid>",
		90 * time.Second:              "90s",
		3*time.Minute + 5*time.Second: "3m5s",
		4 * time.Minute:               "4m",
		30 * time.Minute:              "30m",
		5*time.Hour + 10*time.Minute:  "5h10m",
		20 * time.Hour:                "20h",
		72 * time.Hour:                "3d",
	} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
