package kubeconfig

// RedactURL returns s with the password of its user info (a server or
// proxy-url may carry user:password@) replaced by "REDACTED". A string
// that does not parse as a URL and holds an '@' becomes "REDACTED".
func RedactURL(s string) string { return redactURL(s) }
