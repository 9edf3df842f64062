module github.com/kr8s-go/kr8s

go 1.26

require github.com/goccy/go-yaml v1.19.2

require github.com/coder/websocket v1.8.14
