package kubeconfig

import "errors"

// ErrNoContext is returned (wrapped) by [Config.Resolve] when no context is
// given and the config has no current-context, e.g. when no kubeconfig file
// exists.
var ErrNoContext = errors.New("no context is set")

// ErrNotInCluster is returned (wrapped) by [InCluster] when
// KUBERNETES_SERVICE_HOST or KUBERNETES_SERVICE_PORT is not set, i.e. the
// program is not running in a pod.
var ErrNotInCluster = errors.New("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set")

// ErrNotFound is matched (errors.Is) by the errors for a JSON pointer or a
// name that selects nothing: a missing key, a list index past the end, or a
// context, cluster or user that no file defines.
var ErrNotFound = errors.New("not found")
