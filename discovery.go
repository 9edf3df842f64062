package kr8s

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"
)

// acceptDiscovery asks for aggregated discovery, v2 (1.30+) or v2beta1
// (1.26-1.29), and falls back to the legacy documents. It is client-go's
// acceptDiscoveryFormats; keep the parameters in the order g, v, as
// (k8s.io/client-go/discovery/discovery_client.go).
const acceptDiscovery = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," +
	"application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList," +
	"application/json"

const (
	// discoveryTTL is kubectl's: NewCachedDiscoveryClientForConfig(..., 6*time.Hour).
	discoveryTTL = 6 * time.Hour
	// maxDiscoveryBody bounds one discovery document; a large cluster's
	// /apis is a few MiB.
	maxDiscoveryBody = 64 << 20
	// legacyParallel bounds the concurrent per-group requests of legacy
	// discovery.
	legacyParallel = 8
)

// APIResource describes one resource type the server serves, in one
// version. Subresources (pods/log, deployments/scale) are listed on their
// parent, not as resources of their own.
type APIResource struct {
	Group        string   `json:"group"`   // "" for the core group
	Version      string   `json:"version"` // such as "v1"
	Kind         string   `json:"kind"`    // such as "Deployment"
	Name         string   `json:"name"`    // the plural resource name, such as "deployments"
	SingularName string   `json:"singularName"`
	Namespaced   bool     `json:"namespaced"`
	ShortNames   []string `json:"shortNames,omitempty"`
	Verbs        []string `json:"verbs,omitempty"`
	Categories   []string `json:"categories,omitempty"`
	// Subresources names the resource's subresources, such as "status"
	// and "scale".
	Subresources []string `json:"subresources,omitempty"`
	// Preferred reports that Version is the group's preferred version.
	Preferred bool `json:"preferred,omitempty"`
}

// GroupVersion returns "v1" for the core group, else "group/version".
func (r *APIResource) GroupVersion() string {
	if r.Group == "" {
		return r.Version
	}
	return r.Group + "/" + r.Version
}

// AsKind returns the Kind that addresses this resource.
func (r *APIResource) AsKind() *Kind {
	k := &Kind{Group: r.Group, Version: r.Version, Kind: r.Kind, Plural: r.Name, Namespaced: r.Namespaced}
	if b := builtinKind(k.GroupVersion(), k.Kind); b != nil {
		k.ScalePath = b.ScalePath
	}
	return k
}

func (r *APIResource) clone() APIResource {
	c := *r
	c.ShortNames = cloneStrings(r.ShortNames)
	c.Verbs = cloneStrings(r.Verbs)
	c.Categories = cloneStrings(r.Categories)
	c.Subresources = cloneStrings(r.Subresources)
	return c
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}

// APIResources lists every resource of every version the server serves,
// without subresources. The order is kubectl's priority order: the core
// group first, then the groups in the server's order, each group's
// preferred version first. The first entry for each group and name is the
// one `kubectl api-resources` shows.
//
// Discovery takes two requests (aggregated discovery, Kubernetes 1.26+) or
// one per group version on older servers. It is cached in memory for the
// client and on disk, each for 6 hours, like kubectl; see EnvCacheDir. An
// expired cache is revalidated with its ETag, so an unchanged server
// answers 304 without a body. Group
// versions whose aggregated API server is unavailable are left out.
func (c *Client) APIResources(ctx context.Context) ([]APIResource, error) {
	s, _, err := discoveryFor(c).get(ctx, c)
	if err != nil {
		return nil, err
	}
	out := make([]APIResource, len(s.all))
	for i := range s.all {
		out[i] = s.all[i].clone()
	}
	return out, nil
}

// APIResources lists the server's resources with the default client,
// API(); see Client.APIResources.
func APIResources(ctx context.Context) ([]APIResource, error) {
	return withDefault(ctx, (*Client).APIResources)
}

// RefreshDiscovery drops this client's discovery cache, in memory and on
// disk, and reads discovery again from the server. Use it after installing
// a CRD when the resource must be seen at once; a lookup of an unknown name
// refreshes on its own.
func (c *Client) RefreshDiscovery(ctx context.Context) error {
	d := discoveryFor(c)
	if err := d.acquire(ctx); err != nil {
		return err
	}
	defer d.release()
	d.cur.Store(nil)
	d.removeDisk()
	_, err := d.fetch(ctx, c, nil)
	return err
}

// fetch reads /api and /apis concurrently, stores the result and writes
// the disk cache. d.lock must be held. prev, when set, supplies ETags.
func (d *discoverer) fetch(ctx context.Context, c *Client, prev *discoveryDoc) (*discoverySnapshot, error) {
	var prevCore, prevGroups discoveryPart
	if prev != nil {
		prevCore, prevGroups = prev.Core, prev.Groups
	}
	var (
		wg                sync.WaitGroup
		core, groups      discoveryPart
		coreErr, groupErr error
	)
	wg.Add(2)
	go func() { defer wg.Done(); core, coreErr = fetchPart(ctx, c, "/api", prevCore) }()
	go func() { defer wg.Done(); groups, groupErr = fetchPart(ctx, c, "/apis", prevGroups) }()
	wg.Wait()
	if err := errors.Join(coreErr, groupErr); err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	doc := &discoveryDoc{Format: cacheFormat, Server: d.server, Core: core, Groups: groups}
	s := newSnapshot(doc, d.now(), true)
	d.cur.Store(s)
	d.writeDisk(doc)
	return s, nil
}

// discoveryDoc is what discovery learnt about one server, as cached.
type discoveryDoc struct {
	Format int           `json:"format"`
	Server string        `json:"server"`
	Core   discoveryPart `json:"core"`   // from /api
	Groups discoveryPart `json:"groups"` // from /apis
}

// discoveryPart is the result of one of the two discovery roots.
type discoveryPart struct {
	// Aggregated reports an APIGroupDiscoveryList answer; ETag is its
	// entity tag, sent back as If-None-Match.
	Aggregated bool   `json:"aggregated,omitempty"`
	ETag       string `json:"etag,omitempty"`
	// Resources are in priority order.
	Resources []APIResource `json:"resources"`
	// Unavailable lists group versions that could not be read: stale
	// aggregated APIs, or failed legacy requests.
	Unavailable []string `json:"unavailable,omitempty"`
}

// fetchPart reads one discovery root, /api or /apis.
func fetchPart(ctx context.Context, c *Client, root string, prev discoveryPart) (discoveryPart, error) {
	h := http.Header{}
	h.Set("Accept", acceptDiscovery)
	if prev.Aggregated && prev.ETag != "" {
		h.Set("If-None-Match", prev.ETag)
	}
	resp, err := c.Call(ctx, http.MethodGet, Request{Base: root, Header: h, AllowErrorStatus: true})
	if err != nil {
		return discoveryPart{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified && prev.Aggregated && prev.ETag != "" {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return prev, nil
	}
	body, err := readDiscoveryBody(resp, root)
	if err != nil {
		return discoveryPart{}, err
	}
	if aggregatedType(resp.Header.Get("Content-Type")) || docKind(body) == "APIGroupDiscoveryList" {
		part, err := parseAggregated(body, root == "/api")
		if err != nil {
			return discoveryPart{}, fmt.Errorf("GET %s: %w", root, err)
		}
		part.ETag = resp.Header.Get("ETag")
		return part, nil
	}
	if root == "/api" {
		return legacyCore(ctx, c, body)
	}
	return legacyGroups(ctx, c, body)
}

// readDiscoveryBody reads a bounded body and turns a non-2xx status into a
// *StatusError.
func readDiscoveryBody(resp *http.Response, path string) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDiscoveryBody+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, newStatusError(http.MethodGet, path, resp.StatusCode, body)
	}
	if len(body) > maxDiscoveryBody {
		return nil, fmt.Errorf("GET %s: discovery document larger than %d bytes", path, maxDiscoveryBody)
	}
	return body, nil
}

// aggregatedType reports whether a Content-Type is an aggregated discovery
// document (k8s.io/apiserver/pkg/endpoints/handlers/responsewriters).
func aggregatedType(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return false
	}
	return params["g"] == "apidiscovery.k8s.io" && params["as"] == "APIGroupDiscoveryList" &&
		(params["v"] == "v2" || params["v"] == "v2beta1")
}

func docKind(body []byte) string {
	var k struct {
		Kind string `json:"kind"`
	}
	_ = json.Unmarshal(body, &k)
	return k.Kind
}

// aggregatedList is apidiscovery.k8s.io/v2 APIGroupDiscoveryList
// (k8s.io/api/apidiscovery/v2/types.go); v2beta1 has the same shape.
type aggregatedList struct {
	Items []struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Versions []struct {
			Version   string `json:"version"`
			Freshness string `json:"freshness"`
			Resources []struct {
				Resource     string `json:"resource"`
				ResponseKind *struct {
					Kind string `json:"kind"`
				} `json:"responseKind"`
				Scope            string   `json:"scope"`
				SingularResource string   `json:"singularResource"`
				Verbs            []string `json:"verbs"`
				ShortNames       []string `json:"shortNames"`
				Categories       []string `json:"categories"`
				Subresources     []struct {
					Subresource string `json:"subresource"`
				} `json:"subresources"`
			} `json:"resources"`
		} `json:"versions"`
	} `json:"items"`
}

func parseAggregated(body []byte, core bool) (discoveryPart, error) {
	var list aggregatedList
	if err := json.Unmarshal(body, &list); err != nil {
		return discoveryPart{}, fmt.Errorf("decode aggregated discovery: %w", err)
	}
	part := discoveryPart{Aggregated: true, Resources: []APIResource{}}
	seen := map[[3]string]bool{}
	for _, g := range list.Items {
		group := g.Metadata.Name
		if core {
			group = "" // /api serves only the core group
		}
		if group != "" && !validName(group) {
			continue
		}
		preferred := true
		for _, v := range g.Versions {
			if !validName(v.Version) {
				continue
			}
			// A Stale version's aggregated API server is unreachable; the
			// preferred version is the first one that is not stale
			// (k8s.io/client-go/discovery/aggregated_discovery.go).
			if v.Freshness == "Stale" {
				part.Unavailable = append(part.Unavailable, groupVersion(group, v.Version))
				continue
			}
			for _, r := range v.Resources {
				if !validName(r.Resource) || seen[[3]string{group, v.Version, r.Resource}] {
					continue
				}
				seen[[3]string{group, v.Version, r.Resource}] = true
				res := APIResource{
					Group:        group,
					Version:      v.Version,
					Name:         r.Resource,
					SingularName: r.SingularResource,
					Namespaced:   r.Scope == "Namespaced",
					ShortNames:   validNames(r.ShortNames),
					Verbs:        cloneStrings(r.Verbs),
					Categories:   validNames(r.Categories),
					Preferred:    preferred,
				}
				if r.ResponseKind != nil {
					res.Kind = r.ResponseKind.Kind
				}
				for _, sr := range r.Subresources {
					if validName(sr.Subresource) {
						res.Subresources = append(res.Subresources, sr.Subresource)
					}
				}
				fillSingular(&res)
				part.Resources = append(part.Resources, res)
			}
			preferred = false
		}
	}
	return part, nil
}

// legacyCore reads the core group the pre-1.26 way: /api lists versions,
// then /api/<version> lists each one's resources.
func legacyCore(ctx context.Context, c *Client, body []byte) (discoveryPart, error) {
	var doc struct {
		Versions []string `json:"versions"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return discoveryPart{}, fmt.Errorf("GET /api: decode APIVersions: %w", err)
	}
	var gvs []legacyGV
	for i, v := range doc.Versions {
		if validName(v) {
			gvs = append(gvs, legacyGV{version: v, preferred: i == 0})
		}
	}
	part, failed := legacyResources(ctx, c, gvs)
	if len(failed) > 0 {
		// Without the core group most names resolve wrongly; fail rather
		// than guess.
		return discoveryPart{}, failed[0]
	}
	return part, nil
}

// legacyGroups reads /apis as an APIGroupList, then /apis/<group>/<version>
// for every version.
func legacyGroups(ctx context.Context, c *Client, body []byte) (discoveryPart, error) {
	var doc struct {
		Groups []struct {
			Name     string `json:"name"`
			Versions []struct {
				Version string `json:"version"`
			} `json:"versions"`
			PreferredVersion struct {
				Version string `json:"version"`
			} `json:"preferredVersion"`
		} `json:"groups"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return discoveryPart{}, fmt.Errorf("GET /apis: decode APIGroupList: %w", err)
	}
	var gvs []legacyGV
	for _, g := range doc.Groups {
		if !validName(g.Name) {
			continue
		}
		pref := g.PreferredVersion.Version
		if pref == "" && len(g.Versions) > 0 {
			pref = g.Versions[0].Version
		}
		// kubectl's priority: the preferred version first, then the others
		// as listed (k8s.io/client-go/restmapper/discovery.go).
		for _, v := range g.Versions {
			if v.Version == pref && validName(v.Version) {
				gvs = append(gvs, legacyGV{group: g.Name, version: v.Version, preferred: true})
				break
			}
		}
		for _, v := range g.Versions {
			if v.Version != pref && validName(v.Version) {
				gvs = append(gvs, legacyGV{group: g.Name, version: v.Version})
			}
		}
	}
	part, failed := legacyResources(ctx, c, gvs)
	if len(failed) > 0 && len(failed) == len(gvs) {
		return discoveryPart{}, errors.Join(failed...)
	}
	return part, nil
}

type legacyGV struct {
	group, version string
	preferred      bool
}

// legacyResources reads the APIResourceList of each group version,
// concurrently, keeping the given order. A group version that fails (an
// unavailable aggregated API, say) is listed as unavailable, as kubectl
// does.
func legacyResources(ctx context.Context, c *Client, gvs []legacyGV) (discoveryPart, []error) {
	results := make([][]APIResource, len(gvs))
	errs := make([]error, len(gvs))
	sem := make(chan struct{}, legacyParallel)
	var wg sync.WaitGroup
	for i, gv := range gvs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i], errs[i] = legacyGroupVersion(ctx, c, gv)
		}()
	}
	wg.Wait()
	part := discoveryPart{Resources: []APIResource{}}
	var failed []error
	for i, gv := range gvs {
		if errs[i] != nil {
			part.Unavailable = append(part.Unavailable, groupVersion(gv.group, gv.version))
			failed = append(failed, errs[i])
			continue
		}
		part.Resources = append(part.Resources, results[i]...)
	}
	return part, failed
}

func legacyGroupVersion(ctx context.Context, c *Client, gv legacyGV) ([]APIResource, error) {
	r := Request{Base: "/apis", Version: gv.group + "/" + gv.version, AllowErrorStatus: true}
	if gv.group == "" {
		r = Request{Base: "/api", Version: gv.version, AllowErrorStatus: true}
	}
	path, _ := r.Path()
	resp, err := c.Call(ctx, http.MethodGet, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := readDiscoveryBody(resp, path)
	if err != nil {
		return nil, err
	}
	var list struct {
		Resources []struct {
			Name         string   `json:"name"`
			SingularName string   `json:"singularName"`
			Namespaced   bool     `json:"namespaced"`
			Kind         string   `json:"kind"`
			Verbs        []string `json:"verbs"`
			ShortNames   []string `json:"shortNames"`
			Categories   []string `json:"categories"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("GET %s: decode APIResourceList: %w", path, err)
	}
	var out []APIResource
	index := map[string]int{}
	var subs [][2]string
	for _, r := range list.Resources {
		// Subresources are listed as "parent/sub".
		if parent, sub, ok := strings.Cut(r.Name, "/"); ok {
			subs = append(subs, [2]string{parent, sub})
			continue
		}
		if !validName(r.Name) {
			continue
		}
		if _, dup := index[r.Name]; dup {
			continue
		}
		res := APIResource{
			Group:        gv.group,
			Version:      gv.version,
			Kind:         r.Kind,
			Name:         r.Name,
			SingularName: r.SingularName,
			Namespaced:   r.Namespaced,
			ShortNames:   validNames(r.ShortNames),
			Verbs:        cloneStrings(r.Verbs),
			Categories:   validNames(r.Categories),
			Preferred:    gv.preferred,
		}
		fillSingular(&res)
		index[r.Name] = len(out)
		out = append(out, res)
	}
	for _, s := range subs {
		if i, ok := index[s[0]]; ok && validName(s[1]) {
			out[i].Subresources = append(out[i].Subresources, s[1])
		}
	}
	return out, nil
}

// fillSingular guesses a missing singular name the way kubectl does for
// old servers: the lower-cased kind.
func fillSingular(r *APIResource) {
	if r.SingularName == "" {
		r.SingularName = strings.ToLower(r.Kind)
	}
}

func groupVersion(group, version string) string {
	if group == "" {
		return version
	}
	return group + "/" + version
}

// validName accepts the characters of resource, group and version names.
// Discovery documents are input: anything else is dropped rather than
// put into a URL or the cache.
func validName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', b == '-', b == '.', b == '_':
		default:
			return false
		}
	}
	return s != "." && s != ".."
}

func validNames(in []string) []string {
	var out []string
	for _, s := range in {
		if validName(s) {
			out = append(out, s)
		}
	}
	return out
}
