package kr8s

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Service is a Service object (core v1).
type Service struct{ *Object }

// Services is the Service kind.
var Services = &KindOf[*Service]{
	Kind: Kind{Version: "v1", Kind: "Service", Plural: "services", Namespaced: true},
	wrap: func(o *Object) *Service { return &Service{o} },
}

// NewService builds a Service from a map, a struct or JSON; see NewPod.
func NewService(src any, opts ...ObjectOption) (*Service, error) { return Services.New(src, opts...) }

// ReadyPods returns the pods that the Service's .spec.selector picks and
// that are Ready. A Service without a selector has no pods of its own,
// so it returns none. Like kr8s, it counts pods by label only, not by
// their endpoints.
func (s *Service) ReadyPods(ctx context.Context) ([]*Pod, error) {
	sel := stringMap(s.Spec()["selector"])
	if len(sel) == 0 {
		return nil, nil
	}
	return readyPods(ctx, s.Object, &ListOptions{Labels: sel})
}

// Ready reads the Service again and reports whether it can serve, as
// kr8s's ready() does: a LoadBalancer Service needs an ingress address in
// .status.loadBalancer, and every Service needs a ready pod among those
// its selector picks. (A Service without a selector is never ready here,
// as in kr8s.)
func (s *Service) Ready(ctx context.Context) (bool, error) {
	if err := s.Refresh(ctx); err != nil {
		return false, err
	}
	if s.Spec()["type"] == "LoadBalancer" {
		lb, _ := s.Status()["loadBalancer"].(map[string]any)
		if ing, _ := lb["ingress"].([]any); len(ing) == 0 {
			return false, nil
		}
	}
	pods, err := s.ReadyPods(ctx)
	return len(pods) > 0, err
}

// ProxyOptions are the options of Service.Proxy.
type ProxyOptions struct {
	// Port is the service port's name or number; empty means the
	// service's only (or first) port.
	Port string
	// Scheme is "http" (default) or "https".
	Scheme string
	// Query and Header are added to the proxied request.
	Query  url.Values
	Header http.Header
}

// Proxy makes an HTTP request to the service through the API server's
// service proxy (kr8s's proxy_http_request), for example
// svc.Proxy(ctx, "GET", "/healthz", nil, nil). A non-2xx answer from the
// service is returned as a response, not an error; close its body.
func (s *Service) Proxy(ctx context.Context, method, path string, body io.Reader, o *ProxyOptions) (*http.Response, error) {
	if o == nil {
		o = &ProxyOptions{}
	}
	c, err := s.API()
	if err != nil {
		return nil, err
	}
	name := s.Name()
	if o.Scheme != "" && o.Scheme != "http" {
		name = o.Scheme + ":" + name
	}
	if o.Port != "" {
		name += ":" + o.Port
	}
	r := s.kind.request(c, s.Namespace(), "")
	r.URL += "/" + url.PathEscape(name) + "/proxy/" + strings.TrimPrefix(path, "/")
	r.Query, r.Header, r.Body = o.Query, o.Header, body
	r.AllowErrorStatus = true
	if r.Header.Get("Accept") == "" {
		r.Header = r.Header.Clone()
		if r.Header == nil {
			r.Header = http.Header{}
		}
		r.Header.Set("Accept", "*/*")
	}
	return c.Call(ctx, method, r)
}

// targetPort maps a service port to the port on pod, following the
// service's targetPort (a number, or a container port's name).
func (s *Service) targetPort(port int, pod *Pod) (int, error) {
	ports, _ := s.Spec()["ports"].([]any)
	for _, p := range ports {
		m, _ := p.(map[string]any)
		if n, _ := toInt(m["port"]); n != port {
			continue
		}
		switch t := m["targetPort"].(type) {
		case nil:
			return port, nil
		case string:
			if n, err := strconv.Atoi(t); err == nil {
				return n, nil
			}
			if n := pod.containerPort(t); n > 0 {
				return n, nil
			}
			return 0, fmt.Errorf("pod %s has no container port named %q", pod.Name(), t)
		default:
			n, _ := toInt(t)
			return n, nil
		}
	}
	return 0, fmt.Errorf("service %s has no port %d", s.Name(), port)
}

// PortForward forwards local connections to the service's port. Each new
// connection goes to a ready pod chosen at that moment, on the pod port
// the service's targetPort names, so a replaced pod is no obstacle.
func (s *Service) PortForward(ctx context.Context, port int, o *PortForwardOptions) (*PortForward, error) {
	return forwardToReady(ctx, s.Object, s.ReadyPods, func(pod *Pod) (int, error) { return s.targetPort(port, pod) }, o)
}

// Exec runs command in one of the service's ready pods; see Pod.Exec.
func (s *Service) Exec(ctx context.Context, command []string, o *ExecOptions) (*ExecResult, error) {
	pod, err := pickReady(ctx, s.Object, s.ReadyPods)
	if err != nil {
		return nil, err
	}
	return pod.Exec(ctx, command, o)
}
