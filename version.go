package kr8s

import (
	"context"
	"net/http"
)

// VersionInfo is the server's /version answer.
type VersionInfo struct {
	Major        string `json:"major"`
	Minor        string `json:"minor"`
	GitVersion   string `json:"gitVersion"`
	GitCommit    string `json:"gitCommit"`
	GitTreeState string `json:"gitTreeState"`
	BuildDate    string `json:"buildDate"`
	GoVersion    string `json:"goVersion"`
	Compiler     string `json:"compiler"`
	Platform     string `json:"platform"`
	// EmulationMajor and EmulationMinor are set by servers (1.31+) that
	// emulate an older version.
	EmulationMajor string `json:"emulationMajor,omitempty"`
	EmulationMinor string `json:"emulationMinor,omitempty"`
}

// String returns the git version, such as "v1.36.3".
func (v *VersionInfo) String() string { return v.GitVersion }

// Version returns the server's version (kr8s's api.version()).
func (c *Client) Version(ctx context.Context) (*VersionInfo, error) {
	var v VersionInfo
	if err := c.getJSON(ctx, Request{Base: "/version"}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Version returns the server's version using the default client, API().
func Version(ctx context.Context) (*VersionInfo, error) {
	return withDefault(ctx, (*Client).Version)
}

// UserInfo is who the server thinks the client is.
type UserInfo struct {
	Username string              `json:"username"`
	UID      string              `json:"uid,omitempty"`
	Groups   []string            `json:"groups,omitempty"`
	Extra    map[string][]string `json:"extra,omitempty"`
}

// Whoami asks the server who the client is, with the SelfSubjectReview
// API, so it works for every kind of credential.
func (c *Client) Whoami(ctx context.Context) (*UserInfo, error) {
	body := []byte(`{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}`)
	var review struct {
		Status struct {
			UserInfo UserInfo `json:"userInfo"`
		} `json:"status"`
	}
	err := c.doJSON(ctx, http.MethodPost, Request{Version: "authentication.k8s.io/v1", URL: "selfsubjectreviews", Body: bodyReader(body)}, &review)
	if err != nil {
		return nil, err
	}
	return &review.Status.UserInfo, nil
}

// Whoami returns the default client's identity; see Client.Whoami.
func Whoami(ctx context.Context) (*UserInfo, error) {
	return withDefault(ctx, (*Client).Whoami)
}

// APIVersions lists every group version the server serves, core "v1"
// first, then "group/version" in the server's order.
func (c *Client) APIVersions(ctx context.Context) ([]string, error) {
	var core struct {
		Versions []string `json:"versions"`
	}
	if err := c.getJSON(ctx, Request{Base: "/api"}, &core); err != nil {
		return nil, err
	}
	var groups struct {
		Groups []struct {
			Versions []struct {
				GroupVersion string `json:"groupVersion"`
			} `json:"versions"`
		} `json:"groups"`
	}
	if err := c.getJSON(ctx, Request{Base: "/apis"}, &groups); err != nil {
		return nil, err
	}
	out := core.Versions
	for _, g := range groups.Groups {
		for _, v := range g.Versions {
			out = append(out, v.GroupVersion)
		}
	}
	return out, nil
}

// APIVersions lists the server's group versions with the default client.
func APIVersions(ctx context.Context) ([]string, error) {
	return withDefault(ctx, (*Client).APIVersions)
}
