module github.com/kr8s-go/kr8s

go 1.26

toolchain go1.26.10

require github.com/goccy/go-yaml v1.19.2

require (
	github.com/coder/websocket v1.8.14
	github.com/spf13/cobra v1.10.2
	golang.org/x/term v0.44.0
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	golang.org/x/sys v0.46.0 // indirect
)
