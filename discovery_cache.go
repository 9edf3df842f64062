package kr8s

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// This file holds discovery's two caches: per client in memory, and per
// server on disk.

// EnvCacheDir names the environment variable that moves kr8s's disk cache.
// Discovery is cached under $KR8S_CACHE_DIR/discovery/<host_port>/, by
// default under os.UserCacheDir()/kr8s (~/.cache/kr8s on Linux; kubectl
// uses ~/.kube/cache). The value "off" turns the disk cache off. The
// variable is read when a client first uses discovery.
//
// Cache files hold only discovery documents (resource names, kinds,
// verbs), never credentials. They are written with mode 0600, atomically,
// and kept for 6 hours, as kubectl does.
const EnvCacheDir = "KR8S_CACHE_DIR"

// cacheFormat is bumped whenever discoveryDoc changes incompatibly; files
// of another format are ignored and rewritten.
const cacheFormat = 1

// maxCacheFile bounds what is read back from the cache.
const maxCacheFile = 2 * maxDiscoveryBody

// discoverer holds one client's discovery. It holds no reference to the
// client, so that the registry below does not keep clients alive.
type discoverer struct {
	lock   chan struct{} // one slot: serialises loads; waiting honours ctx
	cur    atomic.Pointer[discoverySnapshot]
	server string // the server URL without credentials
	dir    string // disk cache directory; "" means no disk cache
	file   string // cache file inside dir
	ttl    time.Duration
	now    func() time.Time
}

// discoverySnapshot is one immutable view of the server's resources.
type discoverySnapshot struct {
	doc        *discoveryDoc
	all        []APIResource // doc.Core.Resources then doc.Groups.Resources
	fetched    time.Time     // when read from the server, or the cache file's mtime
	fromServer bool          // read from the server by this process
}

func newSnapshot(doc *discoveryDoc, fetched time.Time, fromServer bool) *discoverySnapshot {
	all := make([]APIResource, 0, len(doc.Core.Resources)+len(doc.Groups.Resources))
	all = append(all, doc.Core.Resources...)
	all = append(all, doc.Groups.Resources...)
	return &discoverySnapshot{doc: doc, all: all, fetched: fetched, fromServer: fromServer}
}

// unavailable lists the group versions discovery could not read.
func (s *discoverySnapshot) unavailable() []string {
	return append(cloneStrings(s.doc.Core.Unavailable), s.doc.Groups.Unavailable...)
}

// discoveryFor returns the client's discovery state.
func discoveryFor(c *Client) *discoverer { return c.disc }

func newDiscoverer(base *url.URL) *discoverer {
	d := &discoverer{
		lock:   make(chan struct{}, 1),
		server: serverKey(base),
		ttl:    discoveryTTL,
		now:    time.Now,
	}
	d.setCacheRoot(cacheRoot())
	return d
}

// serverKey is the server URL without credentials, query or fragment.
func serverKey(base *url.URL) string {
	u := *base
	u.User = nil
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u.String()
}

func (d *discoverer) acquire(ctx context.Context) error {
	select {
	case d.lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("discovery: %w", ctx.Err())
	}
}

func (d *discoverer) release() { <-d.lock }

func (d *discoverer) valid(s *discoverySnapshot) bool {
	return s != nil && d.now().Sub(s.fetched) < d.ttl
}

// get returns the current discovery: from memory, else from the disk cache,
// else from the server.
func (d *discoverer) get(ctx context.Context, c *Client) (*discoverySnapshot, bool, error) {
	if s := d.cur.Load(); d.valid(s) {
		return s, false, nil
	}
	if err := d.acquire(ctx); err != nil {
		return nil, false, err
	}
	defer d.release()
	if s := d.cur.Load(); d.valid(s) {
		return s, false, nil
	}
	var prev *discoveryDoc
	if doc, mtime, ok := d.readDisk(); ok {
		if d.now().Sub(mtime) < d.ttl {
			s := newSnapshot(doc, mtime, false)
			d.cur.Store(s)
			return s, false, nil
		}
		prev = doc // expired, but its ETags let the server answer 304
	} else if s := d.cur.Load(); s != nil {
		prev = s.doc
	}
	s, err := d.fetch(ctx, c, prev)
	if err != nil {
		return nil, false, err
	}
	return s, true, nil
}

// refresh reads discovery from the server again after a lookup missed in
// seen, unless another caller did so meanwhile.
func (d *discoverer) refresh(ctx context.Context, c *Client, seen *discoverySnapshot) (*discoverySnapshot, error) {
	if err := d.acquire(ctx); err != nil {
		return nil, err
	}
	defer d.release()
	if s := d.cur.Load(); s != nil && s != seen && s.fromServer && d.valid(s) {
		return s, nil
	}
	return d.fetch(ctx, c, seen.doc)
}

// cacheRoot is the kr8s cache directory, or "" for none.
func cacheRoot() string {
	if v := os.Getenv(EnvCacheDir); v != "" {
		if v == "off" {
			return ""
		}
		return v
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "kr8s")
}

// setCacheRoot points the disk cache at root/discovery/<host_port>/. The
// file name carries a hash of the whole server URL, so servers that share
// a host and port (http and https, or paths behind one proxy) never mix.
func (d *discoverer) setCacheRoot(root string) {
	if root == "" {
		d.dir, d.file = "", ""
		return
	}
	sum := sha256.Sum256([]byte(d.server))
	d.dir = filepath.Join(root, "discovery", safeHost(d.server))
	d.file = filepath.Join(d.dir, "servergroups-"+hex.EncodeToString(sum[:8])+".json")
}

// safeHost turns "https://127.0.0.1:6443" into "127.0.0.1_6443", like
// kubectl's computeDiscoverCacheDir, but with the path flattened so one
// server is one directory.
func safeHost(server string) string {
	s := server
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-':
		default:
			b[i] = '_'
		}
	}
	s = string(b)
	if len(s) > 128 {
		s = s[:128]
	}
	if s == "" || strings.Trim(s, ".") == "" {
		s = "_"
	}
	return s
}

// readDisk returns the cached document and its modification time. A
// missing, unreadable, corrupt or foreign file is a miss; the next fetch
// overwrites it.
func (d *discoverer) readDisk() (*discoveryDoc, time.Time, bool) {
	if d.file == "" {
		return nil, time.Time{}, false
	}
	f, err := os.Open(d.file)
	if err != nil {
		return nil, time.Time{}, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxCacheFile {
		return nil, time.Time{}, false
	}
	var doc discoveryDoc
	if err := json.NewDecoder(f).Decode(&doc); err != nil {
		return nil, time.Time{}, false
	}
	if doc.Format != cacheFormat || doc.Server != d.server || !doc.sane() {
		return nil, time.Time{}, false
	}
	return &doc, fi.ModTime(), true
}

// sane rejects cache files that decode but were not written by us, such as
// a truncated or hand-edited file with no resources.
func (doc *discoveryDoc) sane() bool {
	if len(doc.Core.Resources) == 0 {
		return false
	}
	for _, part := range []discoveryPart{doc.Core, doc.Groups} {
		for _, r := range part.Resources {
			if !validName(r.Name) || !validName(r.Version) || (r.Group != "" && !validName(r.Group)) {
				return false
			}
		}
	}
	return true
}

// writeDisk writes the document atomically: a temporary file in the same
// directory, then a rename. Errors are ignored: the cache is an
// optimisation, and a read-only home must not break a client.
func (d *discoverer) writeDisk(doc *discoveryDoc) {
	if d.file == "" {
		return
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return
	}
	if err := os.MkdirAll(d.dir, 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(d.dir, ".servergroups-*.tmp") // mode 0600
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Chmod(tmp.Name(), 0o600) != nil {
		os.Remove(tmp.Name())
		return
	}
	if err := os.Rename(tmp.Name(), d.file); err != nil {
		os.Remove(tmp.Name())
	}
}

// removeDisk deletes this server's cache file.
func (d *discoverer) removeDisk() {
	if d.file != "" {
		_ = os.Remove(d.file)
	}
}
