// Package kr8s is a batteries-included Kubernetes client: the common
// things take one line, with no client-go and no generated code. It is the
// Go twin of the Python library kr8s, and its names follow kr8s's where Go
// allows.
//
//	pods, err := kr8s.Pods.ListAll(ctx, &kr8s.ListOptions{Namespace: "kube-system"})
//
// # Clients and their cache
//
// A [Client] holds a resolved kubeconfig context (or a pod's service
// account), the HTTP/2 transport with its credentials, retries, optional
// rate limit and logging, and a discovery cache. [API] returns a cached
// client: the same options give the same client, and API() with no options
// returns the first one made, so a program can set up its client once and
// let everything else use it. [NewClient] makes one that is never cached.
// Every function and method that talks to the server takes the client
// from its options (an API field) or from the object it is called on, and
// else uses API().
//
// # Kinds
//
// Each built-in kind is a variable of type [KindOf], such as [Pods],
// [Deployments] or [Secrets], with the verbs Get, List, ListAll, Watch,
// Table and New; its objects have a type of their own ([Pod], [Deployment],
// ...) that embeds [*Object] and adds the kind's helpers (Pod.Exec,
// Deployment.Ready, Node.Drain, Secret.Data). Each kind lives in the file
// named after it.
//
// Any other kind, a custom resource included, is found by name the way
// kubectl finds it: [Client.LookupKind] ("deploy", "widgets.example.com")
// returns a *KindOf[*Object] with the same verbs, and [Get] and [Watch]
// take the name directly. [NewKind] declares a kind without asking the
// server, and a KindOf of a type of your own that embeds *Object works
// too. A zero or partly filled kind returns an error, never panics.
//
// # Objects
//
// An [Object] keeps the JSON text the server sent and decodes it only when
// asked, so reading a name and a phase from 5,000 pods costs a scan.
// Accessors ([Object.Name], [Object.Labels], [Object.Field]) read it;
// [Object.Raw] gives the maps to change; [Object.Decode] fills any Go
// type, including k8s.io/api types, without this module importing them:
//
//	var p corev1.Pod
//	err := pod.Decode(&p)
//
// Verbs on an object (Create, Refresh, Patch, Apply, Replace, Delete,
// Label, Scale, Wait, ...) send it to the server and take the server's
// answer into the object.
//
// # Options
//
// Every verb takes a pointer to its options struct last, and nil always
// means the defaults. The zero value of each field is its default. Options
// that pick objects (namespace, label and field selectors) use the same
// field names everywhere: [ListOptions], [WatchOptions], [DeleteOptions].
// Namespace "" means the client's namespace; [AllNamespaces] means all.
//
// # Errors
//
// A non-2xx answer is a [*StatusError] carrying the server's Status; it
// matches sentinels such as [ErrNotFound], [ErrAlreadyExists] and
// [ErrConflict] with errors.Is. A kind name that resolves to nothing is an
// [*UnknownKindError] (errors.Is(err, [ErrUnknownKind])) with suggestions.
// A command that exits non-zero is an [*ExitError]. A credential that
// cannot be obtained matches [ErrCredential]. All are in errors.go.
// Errors never contain tokens, passwords or keys.
//
// # Iterators
//
// Lists, watches and log lines are iter.Seq2 sequences: range over them,
// and break to stop; the request ends with the loop. An error ends the
// sequence as its last pair. List pages on its own; Watch resumes after
// disconnects and relists after 410 Gone, so no change is lost:
//
//	for ev, err := range kr8s.Pods.Watch(ctx, nil) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(ev.Type, ev.Object.Name())
//	}
//
// # Timeouts and cancellation
//
// Every call takes a context.Context first; its deadline and cancellation
// bound the call, streams included. A client may also set a timeout for
// each non-streaming call ([WithTimeout], [Client.SetTimeout]); there is
// none by default. Safe requests are retried on 429, 5xx and network
// errors by the client's [RetryPolicy].
//
// # kr8s names in Go
//
//	kr8s (Python)                          kr8s for Go
//	kr8s.api(kubeconfig=..., context=...)  kr8s.API(kr8s.WithKubeconfig(...), kr8s.WithContext(...))
//	kr8s.version()                         kr8s.Version(ctx)
//	api.whoami()                           api.Whoami(ctx)
//	api.lookup_kind("deploy")              api.LookupKind(ctx, "deploy")
//	api.api_resources()                    api.APIResources(ctx)
//	api.call_api("GET", ...)               api.Call(ctx, "GET", kr8s.Request{...})
//	kr8s.get("pods", namespace=...)        kr8s.Get(ctx, "pods", nil, &kr8s.ListOptions{Namespace: ...})
//	kr8s.watch("pods")                     kr8s.Watch(ctx, "pods", nil)
//	Pod.get("web")                         kr8s.Pods.Get(ctx, "web", nil)
//	Pod.list(label_selector=...)           kr8s.Pods.List(ctx, &kr8s.ListOptions{LabelSelector: ...})
//	Pod({...})                             kr8s.NewPod(map[string]any{...})
//	Pod.gen(name=, image=)                 kr8s.GenPod(name, image, nil)
//	new_class("Widget", ...)               kr8s.NewKind(kr8s.Kind{...})
//	objects_from_files(path)               kr8s.LoadFiles([]string{path}, false)
//	pod.create() / .delete() / .refresh()  pod.Create(ctx, nil) / .Delete(ctx, nil) / .Refresh(ctx)
//	pod.exists()                           pod.Exists(ctx)
//	pod.patch({...})                       pod.Patch(ctx, map[string]any{...}, nil)
//	pod.label({...}) / .annotate({...})    pod.Label(ctx, map[string]string{...}) / .Annotate(...)
//	pod.set_owner(owner) / owner.adopt(o)  pod.SetOwner(ctx, owner, nil) / owner.Adopt(ctx, o)
//	pod.wait("condition=Ready")            pod.Wait(ctx, "condition=Ready")
//	pod.exec(["ls"])                       pod.Exec(ctx, []string{"ls"}, nil)
//	pod.logs()                             pod.Logs(ctx, nil)
//	pod.portforward(8080)                  pod.PortForward(ctx, 8080, nil)
//	pod.ready()                            pod.Ready(ctx)
//	deploy.scale(3)                        deploy.Scale(ctx, 3, nil)
//	node.cordon() / .uncordon()            node.Cordon(ctx) / .Uncordon(ctx)
//	pod.raw / pod.to_dict()                pod.Raw()
//	pod.to_yaml()                          pod.YAML()
//	Table                                  kr8s.Pods.Table(ctx, nil, nil)
//	create(resources)                      kr8s.CreateAll(ctx, objs, nil)
package kr8s
