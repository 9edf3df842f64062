package auth

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// tokenFileCheckInterval is how often a token file is checked for changes.
const tokenFileCheckInterval = time.Second

// polledFile is a file that may be rewritten at any time, such as a
// projected service-account token or a rotated client certificate. It
// remembers the size and modification time of the content last read, so
// that looking at an unchanged file costs one stat.
type polledFile struct {
	path    string
	size    int64
	modTime time.Time
}

// stat returns the file's information and whether its size or
// modification time differ from the ones recorded by commit.
func (pf *polledFile) stat() (os.FileInfo, bool, error) {
	fi, err := os.Stat(pf.path)
	if err != nil {
		return nil, false, err
	}
	return fi, fi.Size() != pf.size || !fi.ModTime().Equal(pf.modTime), nil
}

// commit records fi, from a stat made before the content now in use was
// read.
func (pf *polledFile) commit(fi os.FileInfo) {
	pf.size, pf.modTime = fi.Size(), fi.ModTime()
}

// pollDue reports whether a file last looked at at checked is to be looked
// at again at now: once interval has passed, or at once if the clock went
// back.
func pollDue(now, checked time.Time, interval time.Duration) bool {
	age := now.Sub(checked)
	return age < 0 || age >= interval
}

// fileToken is a bearer token read from a file that may be rewritten, such
// as a projected service-account token.
type fileToken struct {
	now func() time.Time

	mu      sync.Mutex
	file    polledFile
	loaded  bool
	token   string
	gen     uint64    // grows each time the token changes
	checked time.Time // when the file was last looked at
	stale   bool      // the token was rejected: re-read on next use
}

// get returns the token and its generation. The file is looked at when it
// was never read, at most once per tokenFileCheckInterval, and re-read
// whenever its size or modification time changed. When the current
// generation is stale (it was rejected with a 401) the file is re-read at
// once. If the file cannot be read, the last good token is kept.
func (f *fileToken) get(stale uint64) (string, uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()

	now := f.now()
	force := !f.loaded || f.stale || (stale != 0 && stale == f.gen)
	if !force && !pollDue(now, f.checked, tokenFileCheckInterval) {
		return f.token, f.gen, nil
	}
	f.checked = now

	fi, changed, err := f.file.stat()
	if err != nil {
		return f.keep(err)
	}
	if !force && !changed {
		return f.token, f.gen, nil
	}
	b, err := os.ReadFile(f.file.path)
	if err != nil {
		return f.keep(err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return f.keep(errors.New("file is empty"))
	}
	f.file.commit(fi)
	f.stale = false
	if !f.loaded || tok != f.token {
		f.token = tok
		f.gen++
		f.loaded = true
	}
	return f.token, f.gen, nil
}

// keep returns the last good token after a failed read, or err when there
// is none. The error names the file, never its content.
func (f *fileToken) keep(err error) (string, uint64, error) {
	if f.loaded {
		return f.token, f.gen, nil
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return "", 0, fmt.Errorf("auth: reading token file %s: %w", f.file.path, err)
}

// invalidate marks generation stale as rejected, so the next get re-reads.
func (f *fileToken) invalidate(stale uint64) {
	f.mu.Lock()
	if f.loaded && f.gen == stale {
		f.stale = true
	}
	f.mu.Unlock()
}
