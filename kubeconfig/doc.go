// Package kubeconfig loads, merges and resolves kubeconfig files the way
// kubectl does (client-go's clientcmd rules), and builds the equivalent
// configuration for a pod from its service account (in-cluster config).
//
// The package never touches the network. Loading and resolving never write
// files: certificate and token files named by a kubeconfig are read into
// memory by [Config.Resolve], which returns everything a client needs to
// connect. Only the edit functions write, and only the files they are
// given: [SetCurrentContext], [RenameContext], [SetContextNamespace] and
// [WriteFile] change one kubeconfig in place, keeping its comments and
// layout, and replace it atomically (a new file is made 0600).
//
// [Files], a list of kubeconfig files such as $KUBECONFIG names, is kr8s's
// KubeConfigSet: it reads a value of the merged files by JSON pointer
// ([Files.Get], e.g. "/clusters/0/cluster/server"), sets and unsets values
// by pointer ([Files.Set], [Files.Unset]), switches the context or its
// namespace ([Files.UseContext], [Files.UseNamespace]), renames a context
// ([Files.RenameContext]) and says which file defines an entry
// ([Files.Locate]), each edit made in the file that kubectl would change.
//
// The usual way in is:
//
//	cfg, err := kubeconfig.LoadDefault() // $KUBECONFIG, else ~/.kube/config
//	if err != nil { ... }
//	r, err := cfg.Resolve("") // the current context
//
// Secrets (tokens, passwords, private keys, exec environment values and
// auth-provider settings) are printed as "REDACTED" by every fmt verb, and
// never appear in error messages.
package kubeconfig
