package auth

import (
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// certFileCheckInterval is how often client certificate files are looked
// at for changes. Certificates are rotated well before they expire, so a
// few seconds' delay costs nothing, and two stats every 5 seconds are
// nothing either.
const certFileCheckInterval = 5 * time.Second

// certFiles is a client certificate and key read from files that may be
// rewritten, as when a certificate is rotated.
type certFiles struct {
	now      func() time.Time
	interval time.Duration // certFileCheckInterval; shorter in tests

	mu        sync.Mutex
	cert, key polledFile
	pair      *tls.Certificate // last good pair; nil before the first
	checked   time.Time        // when the files were last looked at
	inUse     *tls.Certificate // the pair connections were last closed for
}

// newCertFiles returns the pair in certPath and keyPath. When certPEM and
// keyPEM are set they are the files' content now, and must be a valid
// pair; else the files are read at first use.
func newCertFiles(certPath, keyPath string, certPEM, keyPEM []byte, now func() time.Time) (*certFiles, error) {
	c := &certFiles{
		now:      now,
		interval: certFileCheckInterval,
		cert:     polledFile{path: certPath},
		key:      polledFile{path: keyPath},
	}
	if len(certPEM) > 0 && len(keyPEM) > 0 {
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("auth: invalid client certificate or key: %w", err)
		}
		c.pair, c.inUse = &pair, &pair
	}
	return c, nil
}

// get returns the current pair, looking at the files first if they are
// due (see load).
func (c *certFiles) get() (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.load(); err != nil {
		return nil, err
	}
	if c.inUse == nil {
		c.inUse = c.pair
	}
	return c.pair, nil
}

// rotated looks at the files if they are due (see load) and reports
// whether the pair is now another certificate than the one connections
// were opened with, or last closed for; the current pair becomes that
// one. A read error is left for the next handshake to report.
func (c *certFiles) rotated() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.load()
	if c.pair == nil || c.inUse == nil {
		c.inUse = c.pair
		return false
	}
	if !certChanged(c.inUse, c.pair) {
		return false
	}
	c.inUse = c.pair
	return true
}

// load looks at the files when there is no pair yet, or when interval has
// passed since it last did, and reads both again when the size or
// modification time of either changed. If they cannot be read, or do not
// hold a valid pair (such as a rotation caught half-written), the last
// good pair stays in use, the change is not recorded, and the next look
// reads them again. It returns an error only when there is no pair at all.
// c.mu must be held.
func (c *certFiles) load() error {
	now := c.now()
	if c.pair != nil && !pollDue(now, c.checked, c.interval) {
		return nil
	}
	c.checked = now
	cfi, certNew, err := c.cert.stat()
	if err != nil {
		return c.keep(err)
	}
	kfi, keyNew, err := c.key.stat()
	if err != nil {
		return c.keep(err)
	}
	if c.pair != nil && !certNew && !keyNew {
		return nil
	}
	certPEM, err := os.ReadFile(c.cert.path)
	if err != nil {
		return c.keep(err)
	}
	keyPEM, err := os.ReadFile(c.key.path)
	if err != nil {
		return c.keep(err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return c.keep(err)
	}
	c.cert.commit(cfi)
	c.key.commit(kfi)
	c.pair = &pair
	return nil
}

// keep keeps the last good pair after a failed read, or returns err when
// there is none. The error names the files, never their content
// (tls.X509KeyPair's errors do not quote their input).
func (c *certFiles) keep(err error) error {
	if c.pair != nil {
		return nil
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return fmt.Errorf("auth: reading client certificate %s and key %s: %w", c.cert.path, c.key.path, err)
}
