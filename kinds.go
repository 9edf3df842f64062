package kr8s

// This file lists the built-in kinds, kr8s's object classes. Each one,
// with its type, constructor and helpers, is in the file named after it
// (pod.go, deployment.go, ...); kr8s's Table class is not a resource: it
// is in table.go.

// builtinKinds are the typed kinds, used to type objects read from
// manifests without asking the server.
var builtinKinds = []*Kind{
	&Bindings.Kind, &ComponentStatuses.Kind, &ConfigMaps.Kind, &EndpointsKind.Kind,
	&Events.Kind, &LimitRanges.Kind, &Namespaces.Kind, &Nodes.Kind,
	&PersistentVolumes.Kind, &PersistentVolumeClaims.Kind, &Pods.Kind,
	&PodTemplates.Kind, &ReplicationControllers.Kind, &ResourceQuotas.Kind,
	&Secrets.Kind, &ServiceAccounts.Kind, &Services.Kind,
	&ControllerRevisions.Kind, &DaemonSets.Kind, &Deployments.Kind,
	&ReplicaSets.Kind, &StatefulSets.Kind,
	&HorizontalPodAutoscalers.Kind,
	&CronJobs.Kind, &Jobs.Kind,
	&IngressClasses.Kind, &Ingresses.Kind, &NetworkPolicies.Kind,
	&IPAddresses.Kind, &ServiceCIDRs.Kind,
	&PodDisruptionBudgets.Kind,
	&ClusterRoleBindings.Kind, &ClusterRoles.Kind, &RoleBindings.Kind, &Roles.Kind,
	&CustomResourceDefinitions.Kind,
}

// builtinKind returns the typed kind for an apiVersion and kind, or nil.
// The version must match: autoscaling/v1 HorizontalPodAutoscalers are not
// the typed (v2) kind.
func builtinKind(apiVersion, kind string) *Kind {
	for _, k := range builtinKinds {
		if k.Kind == kind && k.GroupVersion() == apiVersion {
			return k
		}
	}
	return nil
}
