package kr8s

import "testing"

func TestRequestPath(t *testing.T) {
	tests := []struct {
		name string
		req  Request
		want string
		err  bool
	}{
		{"zero value is core v1", Request{}, "/api/v1", false},
		{"core list all namespaces", Request{Version: "v1", URL: "pods"}, "/api/v1/pods", false},
		{"core namespaced", Request{Version: "v1", Namespace: "default", URL: "pods"}, "/api/v1/namespaces/default/pods", false},
		{"core namespaced name", Request{Version: "v1", Namespace: "ns", URL: "pods/web/log"}, "/api/v1/namespaces/ns/pods/web/log", false},
		{"group version", Request{Version: "apps/v1", Namespace: "ns", URL: "deployments"}, "/apis/apps/v1/namespaces/ns/deployments", false},
		{"group version cluster scoped", Request{Version: "rbac.authorization.k8s.io/v1", URL: "clusterroles"}, "/apis/rbac.authorization.k8s.io/v1/clusterroles", false},
		{"raw path", Request{Base: "/version"}, "/version", false},
		{"raw path with version empty and url", Request{Base: "/apis", URL: "apps"}, "/apis/apps", false},
		{"base with version", Request{Base: "/api", Version: "v1", URL: "namespaces"}, "/api/v1/namespaces", false},
		{"base trailing slash", Request{Base: "/apis/", Version: "apps/v1"}, "/apis/apps/v1", false},
		{"url leading slash", Request{Version: "v1", URL: "/nodes"}, "/api/v1/nodes", false},
		{"url with query", Request{Version: "v1", URL: "pods?limit=1"}, "/api/v1/pods?limit=1", false},
		{"unknown core version", Request{Version: "v2"}, "", true},
		{"bad group version", Request{Version: "apps/v1/x"}, "", true},
		{"group without version", Request{Version: "apps/"}, "", true},
		{"namespace with slash", Request{Version: "v1", Namespace: "a/b", URL: "pods"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.req.Path()
			if (err != nil) != tt.err {
				t.Fatalf("Path() error = %v, want error %v", err, tt.err)
			}
			if got != tt.want {
				t.Fatalf("Path() = %q, want %q", got, tt.want)
			}
		})
	}
}
