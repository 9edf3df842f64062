package kubeconfig

// Config is the content of one or more kubeconfig files (apiVersion v1, kind
// Config). Paths in it are kept exactly as written in the files; each named
// entry records the file that defined it in Source, and [Config.Resolve] makes
// relative paths absolute against that file's directory.
//
// A Config from [Load] or [LoadDefault] is the merge of several files; see
// [Load] for the rules.
type Config struct {
	// CurrentContext is the name of the context used when none is given.
	CurrentContext string
	// Clusters are the named clusters ("clusters"), in file order.
	Clusters []NamedCluster
	// Users are the named credentials ("users"), in file order.
	Users []NamedAuthInfo
	// Contexts are the named contexts ("contexts"), in file order.
	Contexts []NamedContext
	// Preferences is the deprecated "preferences" section, kept as decoded.
	Preferences map[string]any
	// Extensions are the top-level "extensions".
	Extensions []NamedExtension
	// Sources are the files that were read, in load order. Parse records its
	// source argument here.
	Sources []string
}

// NamedCluster is a cluster entry of a kubeconfig ({name, cluster}).
type NamedCluster struct {
	// Name is the cluster's nickname, referenced by contexts.
	Name string
	// Cluster is the connection information.
	Cluster Cluster
	// Source is the file that defined this entry.
	Source string
}

// Cluster says how to reach a Kubernetes API server.
type Cluster struct {
	// Server is the API server's URL ("server").
	Server string
	// TLSServerName overrides the name used to verify the server's
	// certificate ("tls-server-name").
	TLSServerName string
	// InsecureSkipTLSVerify disables server certificate verification
	// ("insecure-skip-tls-verify").
	InsecureSkipTLSVerify bool
	// CertificateAuthority is the path of a PEM CA bundle
	// ("certificate-authority").
	CertificateAuthority string
	// CertificateAuthorityData is a PEM CA bundle
	// ("certificate-authority-data", base64 in YAML).
	CertificateAuthorityData []byte
	// ProxyURL is the proxy to use for this cluster ("proxy-url"): http,
	// https or socks5.
	ProxyURL string
	// DisableCompression turns off response compression
	// ("disable-compression").
	DisableCompression bool
	// Extensions are the cluster's "extensions"; the one named
	// "client.authentication.k8s.io/exec" is passed to exec plugins.
	Extensions []NamedExtension
}

// NamedAuthInfo is a user entry of a kubeconfig ({name, user}).
type NamedAuthInfo struct {
	// Name is the user's nickname, referenced by contexts.
	Name string
	// AuthInfo holds the credentials.
	AuthInfo AuthInfo
	// Source is the file that defined this entry.
	Source string
}

// AuthInfo holds the credentials of a kubeconfig user. Its secret fields are
// printed as "REDACTED" by fmt.
type AuthInfo struct {
	// ClientCertificate is the path of a PEM client certificate
	// ("client-certificate").
	ClientCertificate string
	// ClientKey is the path of a PEM client key ("client-key").
	ClientKey string
	// ClientCertificateData is a PEM client certificate
	// ("client-certificate-data", base64 in YAML).
	ClientCertificateData []byte
	// ClientKeyData is a PEM client key ("client-key-data", base64 in YAML).
	// Secret.
	ClientKeyData []byte
	// Token is a bearer token ("token"). Secret.
	Token string
	// TokenFile is the path of a file holding a bearer token ("tokenFile").
	TokenFile string
	// Impersonate is the user to act as ("as").
	Impersonate string
	// ImpersonateUID is the UID to act as ("as-uid").
	ImpersonateUID string
	// ImpersonateGroups are the groups to act as ("as-groups").
	ImpersonateGroups []string
	// ImpersonateUserExtra are extra fields of the impersonated user
	// ("as-user-extra").
	ImpersonateUserExtra map[string][]string
	// Username is the basic-auth user name ("username").
	Username string
	// Password is the basic-auth password ("password"). Secret.
	Password string
	// AuthProvider is a legacy auth provider ("auth-provider"), e.g. oidc.
	AuthProvider *AuthProviderConfig
	// Exec is a credential plugin ("exec").
	Exec *ExecConfig
	// Extensions are the user's "extensions". They are not printed by fmt,
	// because plugins may keep credentials there.
	Extensions []NamedExtension
}

// AuthProviderConfig is a legacy auth provider ("auth-provider"). The values
// of Config are secrets (id-token, refresh-token, client-secret...) and are
// printed as "REDACTED" by fmt, except for a few well-known non-secret keys.
type AuthProviderConfig struct {
	// Name is the provider's name, e.g. "oidc".
	Name string
	// Config is the provider's settings.
	Config map[string]string
}

// ExecConfig runs a credential plugin to get credentials
// (client.authentication.k8s.io). The values of Env are printed as
// "REDACTED" by fmt; Args are printed as they are.
type ExecConfig struct {
	// Command is the program to run. After [Config.Resolve], a relative
	// command that contains a path separator is absolute, resolved against
	// the directory of the kubeconfig file that defined it (as kubectl does);
	// other commands are looked up in $PATH by the caller.
	Command string
	// Args are the program's arguments.
	Args []string
	// Env are extra environment variables for the program.
	Env []ExecEnvVar
	// APIVersion is the ExecCredential version to use, e.g.
	// "client.authentication.k8s.io/v1".
	APIVersion string
	// InstallHint is shown to the user when Command is not found.
	InstallHint string
	// ProvideClusterInfo says to pass the cluster's details to the plugin in
	// KUBERNETES_EXEC_INFO.
	ProvideClusterInfo bool
	// InteractiveMode is "Never", "IfAvailable" or "Always". Like kubectl,
	// Parse sets "IfAvailable" when it is empty and APIVersion is v1beta1 or
	// v1alpha1; v1 requires it.
	InteractiveMode string
}

// ExecEnvVar is an environment variable for an exec plugin. Value is printed
// as "REDACTED" by fmt.
type ExecEnvVar struct {
	// Name is the variable's name.
	Name string
	// Value is the variable's value. Secret.
	Value string
}

// Values of ExecConfig.InteractiveMode.
const (
	InteractiveNever       = "Never"
	InteractiveIfAvailable = "IfAvailable"
	InteractiveAlways      = "Always"
)

// NamedContext is a context entry of a kubeconfig ({name, context}).
type NamedContext struct {
	// Name is the context's name.
	Name string
	// Context ties a cluster, a user and a namespace together.
	Context Context
	// Source is the file that defined this entry.
	Source string
}

// Context ties a cluster, a user and a default namespace together.
type Context struct {
	// Cluster is the name of a cluster entry.
	Cluster string
	// AuthInfo is the name of a user entry ("user"); empty means anonymous.
	AuthInfo string
	// Namespace is the default namespace; empty means "default".
	Namespace string
	// Extensions are the context's "extensions".
	Extensions []NamedExtension
}

// NamedExtension is an entry of an "extensions" list: a name and an arbitrary
// value, decoded from YAML into JSON-compatible Go values (map[string]any,
// []any, string, float64, int64, uint64, bool, nil).
type NamedExtension struct {
	// Name is the extension's name.
	Name string
	// Extension is the decoded value.
	Extension any
}

// Context returns the context named name, or nil.
func (c *Config) Context(name string) *NamedContext {
	for i := range c.Contexts {
		if c.Contexts[i].Name == name {
			return &c.Contexts[i]
		}
	}
	return nil
}

// Cluster returns the cluster named name, or nil.
func (c *Config) Cluster(name string) *NamedCluster {
	for i := range c.Clusters {
		if c.Clusters[i].Name == name {
			return &c.Clusters[i]
		}
	}
	return nil
}

// User returns the user named name, or nil.
func (c *Config) User(name string) *NamedAuthInfo {
	for i := range c.Users {
		if c.Users[i].Name == name {
			return &c.Users[i]
		}
	}
	return nil
}
