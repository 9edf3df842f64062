package kr8s

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// maxKindName bounds a name to resolve; longer input is an error.
const maxKindName = 512

// LookupKind resolves a name to the Kind to use, the way kubectl does
// (kr8s's lookup_kind). Matching is case-insensitive and accepts:
//
//	the kind, plural, singular or a short name   Deployment, deployments, deployment, deploy
//	name.group (a group prefix is enough)         deployments.apps, Deployment.apps, deploy.apps
//	name.version.group                            deployments.v1.apps, hpa.v1.autoscaling
//	name/version and name.group/version (kr8s)    pod/v1, deployment.apps/v1
//	name.version (core first)                     pods.v1
//
// Without a group the core group wins, then the groups in the server's
// order; without a version the group's preferred version wins. An exact
// group always beats a group prefix (kubectl may pick a CRD group such as
// apps.example.com over apps when asked for "statefulsets.apps"). A version
// must match exactly (kr8s matches a substring), also after a short name
// (kubectl drops the version of "hpa.v1.autoscaling" and gives v2).
//
// Discovery comes from the client's cache; a name not found there refreshes
// it from the server once, so that new CRDs are found. An unknown name
// gives an *UnknownKindError (errors.Is(err, ErrUnknownKind)) with the
// close matches in its Suggestions. For "pod/web" style TYPE/NAME
// arguments, split them with ParseTypeName first.
//
// The kind it returns has the verbs of a typed kind (Get, List, Watch,
// New, Table), returning *Object, and uses c unless their options name
// another client.
func (c *Client) LookupKind(ctx context.Context, name string) (*KindOf[*Object], error) {
	r, err := c.LookupResource(ctx, name)
	if err != nil {
		return nil, err
	}
	return &KindOf[*Object]{Kind: *r.AsKind(), api: c}, nil
}

// LookupKind resolves a kind name with the default client, API(); see
// Client.LookupKind.
func LookupKind(ctx context.Context, name string) (*KindOf[*Object], error) {
	return withDefault(ctx, func(c *Client, ctx context.Context) (*KindOf[*Object], error) {
		return c.LookupKind(ctx, name)
	})
}

// LookupResource resolves a name like LookupKind and returns everything
// discovery knows about the resource: verbs, short names, categories,
// subresources.
func (c *Client) LookupResource(ctx context.Context, name string) (*APIResource, error) {
	queries, err := parseKindName(name)
	if err != nil {
		return nil, err
	}
	d := discoveryFor(c)
	start := d.now()
	s, fresh, err := d.get(ctx, c)
	if err != nil {
		return nil, err
	}
	// Read from the server during this call (by us or a concurrent
	// caller): a miss is final.
	fresh = fresh || (s.fromServer && !s.fetched.Before(start))
	if r := resolveQueries(s.all, queries); r != nil {
		return r, nil
	}
	if !fresh {
		if s, err = d.refresh(ctx, c, s); err != nil {
			return nil, err
		}
		if r := resolveQueries(s.all, queries); r != nil {
			return r, nil
		}
	}
	return nil, unknownKindError(name, s)
}

// ParseTypeName splits a TYPE/NAME argument, such as "pod/web" or
// "deployment.apps/web", into the kind name (for LookupKind) and the object
// name. It splits at the last "/", so "deployment.apps/v1/web" gives the
// kind "deployment.apps/v1". It checks only the shape, not that the kind
// exists.
func ParseTypeName(s string) (kind, name string, err error) {
	i := strings.LastIndexByte(s, '/')
	if i <= 0 || i == len(s)-1 {
		return "", "", fmt.Errorf("invalid TYPE/NAME %q: want a kind and a name such as \"pod/web\" or \"deployment.apps/web\"", s)
	}
	kind, name = s[:i], s[i+1:]
	if strings.Count(kind, "/") > 1 {
		return "", "", fmt.Errorf("invalid TYPE/NAME %q: too many \"/\"; want KIND[.GROUP][/VERSION]/NAME", s)
	}
	if k, v, ok := strings.Cut(kind, "/"); ok && (k == "" || v == "") {
		return "", "", fmt.Errorf("invalid TYPE/NAME %q: empty kind or version", s)
	}
	if badChars(kind) || badChars(name) {
		return "", "", fmt.Errorf("invalid TYPE/NAME %q: spaces and control characters are not allowed", s)
	}
	if name == "." || name == ".." {
		return "", "", fmt.Errorf("invalid TYPE/NAME %q: %q is not a valid object name", s, name)
	}
	return kind, name, nil
}

func badChars(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar
	}) >= 0
}

// kindQuery is one reading of a name: name, group and version, each
// lower-cased; an empty group or version matches any.
type kindQuery struct {
	name, group, version string
}

// parseKindName lists the readings of a name in kubectl's order: a
// fully specified name.version.group first, then name.group.
func parseKindName(s string) ([]kindQuery, error) {
	orig := s
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return nil, &UnknownKindError{Name: orig, Reason: `empty name; want a kind such as "pod" or "deployment.apps"`}
	}
	if len(s) > maxKindName || badChars(s) {
		return nil, &UnknownKindError{Name: truncate(orig, 64), Reason: "not a kind name"}
	}
	version := ""
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s, version = s[:i], s[i+1:]
		if version == "" || strings.Contains(version, "/") {
			return nil, &UnknownKindError{Name: orig, Reason: "want KIND[.GROUP][/VERSION]; for TYPE/NAME use ParseTypeName"}
		}
	}
	parts := strings.SplitN(s, ".", 3)
	if parts[0] == "" {
		return nil, &UnknownKindError{Name: orig, Reason: "empty kind"}
	}
	var qs []kindQuery
	switch len(parts) {
	case 1:
		qs = append(qs, kindQuery{name: parts[0], version: version})
	case 2:
		qs = append(qs, kindQuery{name: parts[0], group: parts[1], version: version})
		if version == "" && looksLikeVersion(parts[1]) {
			qs = append(qs, kindQuery{name: parts[0], version: parts[1]})
		}
	case 3:
		if v := parts[1]; v != "" && (version == "" || version == v) {
			qs = append(qs, kindQuery{name: parts[0], group: parts[2], version: v})
		}
		qs = append(qs, kindQuery{name: parts[0], group: parts[1] + "." + parts[2], version: version})
	}
	return qs, nil
}

// looksLikeVersion matches kr8s's v\d[a-z0-9]*: v1, v2beta1.
func looksLikeVersion(s string) bool {
	if len(s) < 2 || s[0] != 'v' || s[1] < '0' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if !(s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return true
}

// resolveQueries finds the resource for the first query that matches,
// trying plurals, singulars and short names before kinds, as kubectl's
// builder does (resource first, then kind). all is in priority order.
func resolveQueries(all []APIResource, qs []kindQuery) *APIResource {
	for _, q := range qs {
		if r := q.match(all, false); r != nil {
			return r
		}
	}
	for _, q := range qs {
		if r := q.match(all, true); r != nil {
			return r
		}
	}
	return nil
}

// match returns the first resource (in priority order) that the query
// names: with byKind, by kind; else by plural or singular, then by short
// name (kubectl's shortcut expander only expands a name that is no
// resource's plural or singular). An exact group beats a group prefix.
func (q kindQuery) match(all []APIResource, byKind bool) *APIResource {
	for _, prefix := range []bool{false, true} {
		// Like kubectl, only a name without a version matches a group
		// prefix.
		if prefix && (q.group == "" || q.version != "") {
			break
		}
		var tests []func(*APIResource) bool
		if byKind {
			tests = append(tests, func(r *APIResource) bool { return strings.EqualFold(r.Kind, q.name) })
		} else {
			tests = append(tests,
				func(r *APIResource) bool {
					return strings.EqualFold(r.Name, q.name) || strings.EqualFold(r.SingularName, q.name)
				},
				func(r *APIResource) bool { return containsFold(r.ShortNames, q.name) })
		}
		for _, test := range tests {
			for i := range all {
				r := &all[i]
				if !q.groupMatches(r.Group, prefix) || (q.version != "" && !strings.EqualFold(r.Version, q.version)) {
					continue
				}
				if test(r) {
					c := r.clone()
					return &c
				}
			}
		}
	}
	return nil
}

func (q kindQuery) groupMatches(group string, prefix bool) bool {
	switch {
	case q.group == "":
		return true
	case prefix:
		// kubectl matches a group prefix: "deployments.app",
		// "storageclass.storage" (kubernetes/kubernetes#32140).
		return strings.HasPrefix(strings.ToLower(group), q.group)
	default:
		return strings.EqualFold(group, q.group)
	}
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// unknownKindError explains a name that matched nothing: `unknown kind
// "deploymnet": did you mean "deployment"?`.
func unknownKindError(name string, s *discoverySnapshot) error {
	in := strings.ToLower(strings.TrimSpace(name))
	e := &UnknownKindError{Name: name, Suggestions: suggestKinds(in, s.all)}
	if _, v, ok := strings.Cut(in, "/"); ok && !looksLikeVersion(v) {
		e.Reason = fmt.Sprintf("%q is not an API version; for TYPE/NAME use ParseTypeName", v)
	} else {
		e.Reason = "the server has no such resource type; APIResources lists them"
	}
	e.Unavailable = s.unavailable()
	return e
}

// suggestKinds returns up to three of the names nearest to in, written in
// the same shape as in (name, name.group, name/version, ...).
func suggestKinds(in string, all []APIResource) []string {
	if in == "" || len(in) > 128 {
		return nil
	}
	limit := 1
	switch n := len(in); {
	case n > 12:
		limit = 3
	case n > 4:
		limit = 2
	}
	type cand struct {
		s    string
		dist int
		rank int
	}
	best := map[string]cand{}
	rank := 0
	add := func(s string) {
		rank++
		if s == in {
			return
		}
		dist := editDistance(in, s, limit)
		if dist > limit {
			return
		}
		if old, ok := best[s]; !ok || dist < old.dist {
			best[s] = cand{s, dist, rank}
		}
	}
	hasGroup := strings.Contains(strings.SplitN(in, "/", 2)[0], ".")
	hasVersion := strings.Contains(in, "/")
	for i := range all {
		r := &all[i]
		words := append([]string{strings.ToLower(r.Kind), r.Name, r.SingularName}, r.ShortNames...)
		for _, w := range words {
			if w == "" {
				continue
			}
			w = strings.ToLower(w)
			switch {
			case !hasGroup && !hasVersion:
				add(w)
			case !hasGroup:
				add(w + "/" + r.Version)
			case hasVersion && r.Group != "":
				add(w + "." + r.Group + "/" + r.Version)
			case r.Group != "":
				add(w + "." + r.Group)
				add(w + "." + r.Version + "." + r.Group)
			default:
				add(w + "." + r.Version)
			}
		}
	}
	cands := make([]cand, 0, len(best))
	for _, c := range best {
		cands = append(cands, c)
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].dist != cands[j].dist {
			return cands[i].dist < cands[j].dist
		}
		return cands[i].rank < cands[j].rank
	})
	var out []string
	for _, c := range cands {
		if len(out) == 3 || c.dist > cands[0].dist {
			break
		}
		out = append(out, c.s)
	}
	return out
}

// editDistance is the optimal string alignment distance (Levenshtein plus
// adjacent transpositions, so "deploymnet" is 1 from "deployment"). It
// stops early and returns limit+1 once the distance must exceed limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// resolved reports whether the kind knows its resource name. A kind read
// from a manifest that is not built in does not until ensureKind.
func (k *Kind) resolved() bool { return k.Plural != "" }

// ensureKind completes a kind read from a manifest (a CRD or another kind
// that is not built in) from discovery: its plural name and scope. Verbs
// that address the object call it first; it costs nothing once resolved.
// The apiVersion must be served as written: a kind the server serves only
// in another version is an error.
func (o *Object) ensureKind(ctx context.Context) error {
	if o.kind.resolved() {
		return nil
	}
	c, err := o.API()
	if err != nil {
		return err
	}
	want := o.kind
	name := want.Kind
	if want.Group != "" {
		name += "." + want.Group
	}
	r, err := c.LookupResource(ctx, name+"/"+want.Version)
	var k *Kind
	if err == nil {
		k = r.AsKind()
		if k.Kind != want.Kind || k.Group != want.Group || k.Version != want.Version {
			// The name matched another resource's plural or short name.
			k, err = exactKind(ctx, c, want)
		}
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", want.GroupVersion(), want.Kind, err)
	}
	o.kind = k
	return nil
}

// exactKind finds the resource whose group, version and kind are k's.
func exactKind(ctx context.Context, c *Client, k *Kind) (*Kind, error) {
	all, err := c.APIResources(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		r := &all[i]
		if r.Group == k.Group && r.Version == k.Version && r.Kind == k.Kind {
			return r.AsKind(), nil
		}
	}
	return nil, &UnknownKindError{Name: k.Kind, Reason: "the server does not serve it in " + k.GroupVersion()}
}
