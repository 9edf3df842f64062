package kr8s

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/kr8s-go/kr8s/internal/jsonany"
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

func (c *Client) getJSON(ctx context.Context, r Request, into any) error {
	return c.doJSON(ctx, http.MethodGet, r, into)
}

// doJSON makes a call and decodes a JSON body into into.
func (c *Client) doJSON(ctx context.Context, method string, r Request, into any) error {
	resp, err := c.Call(ctx, method, r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var derr error
	if m, ok := into.(*map[string]any); ok {
		// The common case, decoded in one pass.
		var text string
		if text, derr = readBody(resp); derr == nil {
			*m, derr = jsonany.DecodeObject(text)
		}
	} else {
		derr = json.NewDecoder(newLimitedBody(resp.Body)).Decode(into)
	}
	if derr != nil {
		return decodeFailed(method, r, resp, derr)
	}
	// Drain a little so the connection can be reused, but never wait on
	// a server that keeps sending after the value.
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	return nil
}

// doObject makes a call that answers with one object of kind k, and
// returns it undecoded (see source).
func (c *Client) doObject(ctx context.Context, method string, r Request, k *Kind) (*Object, error) {
	resp, err := c.Call(ctx, method, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	text, err := readBody(resp)
	var src *source
	if err == nil {
		src, err = newSource(text)
	}
	if err != nil {
		return nil, decodeFailed(method, r, resp, err)
	}
	return &Object{api: c, kind: k, src: src}, nil
}

// readBody reads a whole response body, within the size limit.
func readBody(resp *http.Response) (string, error) {
	var b strings.Builder
	if resp.ContentLength > 0 && resp.ContentLength <= maxResponseBytes {
		b.Grow(int(resp.ContentLength) + 1)
	}
	body := newLimitedBody(resp.Body)
	chunk := make([]byte, 32<<10)
	for {
		if b.Cap()-b.Len() < len(chunk) {
			b.Grow(max(b.Cap(), 64<<10)) // double: append alone grows by 1.25 for large buffers
		}
		n, err := body.Read(chunk)
		b.Write(chunk[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	if b.Len() == 0 {
		return "", io.ErrUnexpectedEOF
	}
	return b.String(), nil
}

func decodeFailed(method string, r Request, resp *http.Response, err error) error {
	path, _ := r.Path()
	return fmt.Errorf("%s %s: decode response: %w", strings.ToUpper(method), path, decodeError(resp, err))
}

// Version returns the server's version using the default client, API().
func Version(ctx context.Context) (*VersionInfo, error) {
	c, err := API()
	if err != nil {
		return nil, err
	}
	return c.Version(ctx)
}

// Whoami returns the default client's identity; see Client.Whoami.
func Whoami(ctx context.Context) (*UserInfo, error) {
	c, err := API()
	if err != nil {
		return nil, err
	}
	return c.Whoami(ctx)
}

// APIVersions lists the server's group versions with the default client.
func APIVersions(ctx context.Context) ([]string, error) {
	c, err := API()
	if err != nil {
		return nil, err
	}
	return c.APIVersions(ctx)
}
