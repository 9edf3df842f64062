package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/jsonpath"
	"github.com/spf13/cobra"
)

// describeOptions are the flags of describe; run describes the objects.
type describeOptions struct {
	*app
	sel selectionFlags
}

func (a *app) describeCmd() *cobra.Command {
	o := &describeOptions{app: a}
	cmd := &cobra.Command{
		Use:   "describe (TYPE [NAME...] | TYPE/NAME...) [-l SELECTOR]",
		Short: "Show details of resources, with their events",
		Long: `Show the essentials of resources and the events about them. Pods, deployments,
services and nodes get a detailed view; other kinds show their metadata and events.`,
		Example: `  kubectl-ng describe pod web-7d4b9c
  kubectl-ng describe deploy/web svc/web
  kubectl-ng describe nodes
  kubectl-ng describe pods -l app=web`,
		Args: cobra.MinimumNArgs(1),
		RunE: runWith(o.run),
	}
	o.sel.addTo(cmd, "describe", bySelector|byFieldSelector|allNamespaces)
	return cmd
}

// run is describe: each object, a blank line pair between them.
func (o *describeOptions) run(ctx context.Context, args []string) error {
	ts, err := o.targets(ctx, args)
	if err != nil {
		return err
	}
	objs, err := o.selected(ctx, ts, &o.sel, true)
	if err != nil {
		return err
	}
	c, err := o.client()
	if err != nil {
		return err
	}
	if len(objs) == 0 {
		o.noResources(scope(&ts[0].kind.Kind, o.sel.namespace(c)))
		return nil
	}
	for i, obj := range objs {
		if i > 0 {
			fmt.Fprintln(o.stdout)
			fmt.Fprintln(o.stdout)
		}
		if err := o.describe(ctx, c, obj); err != nil {
			return err
		}
	}
	return nil
}

// describer writes kubectl describe's layout: "Key:\tvalue" lines aligned
// by a tabwriter, nested sections indented by two spaces.
type describer struct {
	tw  *tabwriter.Writer
	now time.Time
}

func (d *describer) line(indent int, format string, args ...any) {
	fmt.Fprintf(d.tw, strings.Repeat("  ", indent)+format+"\n", args...)
}

// kv writes "Key:\tvalue", or <none> for an empty value.
func (d *describer) kv(indent int, key string, v any) {
	s := fmt.Sprint(v)
	if v == nil || s == "" {
		s = "<none>"
	}
	d.line(indent, "%s:\t%s", key, s)
}

// stringMap writes labels or annotations, one per line, sorted by key.
func (d *describer) stringMap(indent int, key string, m map[string]string, sep string) {
	var items []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		items = append(items, k+sep+m[k])
	}
	d.list(indent, key, items)
}

// metadata writes an object's labels and annotations.
func (d *describer) metadata(indent int, obj map[string]any) {
	d.stringMap(indent, "Labels", stringMap(field(obj, "metadata", "labels")), "=")
	d.stringMap(indent, "Annotations", stringMap(field(obj, "metadata", "annotations")), ": ")
}

// values writes a list, such as a container's command, one item a line
// under its title; an empty list writes nothing.
func (d *describer) values(indent int, title string, vs []any) {
	if len(vs) == 0 {
		return
	}
	d.line(indent, "%s:", title)
	for _, v := range vs {
		d.line(indent+1, "%s", jsonpath.FormatValue(v))
	}
}

// list writes items one per line, the first after key, or <none>.
func (d *describer) list(indent int, key string, items []string) {
	if len(items) == 0 {
		d.kv(indent, key, "<none>")
		return
	}
	for i, it := range items {
		label := key + ":"
		if i > 0 {
			label = ""
		}
		d.line(indent, "%s\t%s", label, it)
	}
}

// field reads a value from a decoded object by path.
func field(m any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			mm, ok := m.(map[string]any)
			if !ok {
				return nil
			}
			m = mm[k]
		case int:
			s, ok := m.([]any)
			if !ok || k >= len(s) {
				return nil
			}
			m = s[k]
		}
	}
	return m
}

func str(m any, path ...any) string {
	v := field(m, path...)
	if v == nil {
		return ""
	}
	return jsonpath.FormatValue(v)
}

func list(m any, path ...any) []any {
	s, _ := field(m, path...).([]any)
	return s
}

func (a *app) describe(ctx context.Context, c *kr8s.Client, o *kr8s.Object) error {
	d := &describer{tw: tabwriter.NewWriter(a.stdout, 0, 8, 2, ' ', 0), now: time.Now()}
	raw := o.Raw()
	k := o.Kind()
	d.kv(0, "Name", o.Name())
	if k.Namespaced {
		d.kv(0, "Namespace", o.Namespace())
	}
	switch {
	case k.Group == "" && k.Kind == "Pod":
		d.pod(raw)
	case k.Group == "apps" && k.Kind == "Deployment":
		d.deployment(raw)
	case k.Group == "" && k.Kind == "Service":
		eps, err := serviceEndpoints(ctx, c, o)
		if err != nil {
			return err
		}
		d.service(raw, eps)
	case k.Group == "" && k.Kind == "Node":
		d.node(raw)
		if err := d.nodePods(ctx, c, o.Name()); err != nil {
			return err
		}
	default:
		d.kv(0, "CreationTimestamp", str(raw, "metadata", "creationTimestamp"))
		d.metadata(0, raw)
	}
	if err := d.events(ctx, c, o); err != nil {
		return err
	}
	return d.tw.Flush()
}

// pod writes a pod's details, as kubectl describe pod does.
func (d *describer) pod(p map[string]any) {
	d.podStatus(p)
	statuses := map[string]any{}
	for _, s := range list(p, "status", "containerStatuses") {
		statuses[str(s, "name")] = s
	}
	d.line(0, "Containers:")
	for _, ctr := range list(p, "spec", "containers") {
		d.container(ctr, statuses[str(ctr, "name")])
	}
	d.conditions(list(p, "status", "conditions"), false)
	d.stringMap(0, "Node-Selectors", stringMap(field(p, "spec", "nodeSelector")), "=")
	var tols []string
	for _, t := range list(p, "spec", "tolerations") {
		tols = append(tols, toleration(t))
	}
	d.list(0, "Tolerations", tols)
}

// podStatus writes the head of a pod's details: where it runs, its
// metadata, phase, IP and controller.
func (d *describer) podStatus(p map[string]any) {
	d.kv(0, "Priority", orZero(str(p, "spec", "priority")))
	d.kv(0, "Service Account", str(p, "spec", "serviceAccountName"))
	node := str(p, "spec", "nodeName")
	if ip := str(p, "status", "hostIP"); node != "" && ip != "" {
		node += "/" + ip
	}
	d.kv(0, "Node", node)
	if t := str(p, "status", "startTime"); t != "" {
		d.kv(0, "Start Time", t)
	}
	d.metadata(0, p)
	d.kv(0, "Status", str(p, "status", "phase"))
	d.kv(0, "IP", str(p, "status", "podIP"))
	for _, ref := range list(p, "metadata", "ownerReferences") {
		if field(ref, "controller") == true {
			d.kv(0, "Controlled By", str(ref, "kind")+"/"+str(ref, "name"))
		}
	}
}

// container writes one container of a pod, with its status s (nil when
// the pod has none for it).
func (d *describer) container(ctr, s any) {
	d.line(1, "%s:", str(ctr, "name"))
	d.kv(2, "Image", str(ctr, "image"))
	var ports []string
	for _, port := range list(ctr, "ports") {
		ports = append(ports, str(port, "containerPort")+"/"+orDefault(str(port, "protocol"), "TCP"))
	}
	if len(ports) > 0 {
		d.kv(2, "Port", strings.Join(ports, ", "))
	}
	d.values(2, "Command", list(ctr, "command"))
	d.values(2, "Args", list(ctr, "args"))
	state, _ := field(s, "state").(map[string]any)
	for _, st := range []string{"running", "waiting", "terminated"} {
		if v, ok := state[st]; ok {
			d.containerState(st, v)
		}
	}
	if s != nil {
		d.kv(2, "Ready", titleBool(field(s, "ready")))
		d.kv(2, "Restart Count", orZero(str(s, "restartCount")))
	}
	var env []string
	for _, e := range list(ctr, "env") {
		v := str(e, "value")
		if field(e, "valueFrom") != nil {
			v = "<set from a reference>"
		}
		env = append(env, str(e, "name")+":\t"+v)
	}
	if len(env) == 0 {
		d.kv(2, "Environment", "<none>")
		return
	}
	d.line(2, "Environment:")
	for _, e := range env {
		d.line(3, "%s", e)
	}
}

// containerState writes a container's state st ("running", "waiting" or
// "terminated") and its details v.
func (d *describer) containerState(st string, v any) {
	d.kv(2, "State", strings.ToUpper(st[:1])+st[1:])
	if r := str(v, "reason"); r != "" {
		d.kv(3, "Reason", r)
	}
	if t := str(v, "startedAt"); t != "" {
		d.kv(3, "Started", t)
	}
	if st == "terminated" {
		d.kv(3, "Exit Code", str(v, "exitCode"))
	}
}

// toleration is one of a pod's tolerations as kubectl describe words it:
// "key=value:effect op=Exists for 300s".
func toleration(t any) string {
	s := keyValue(t)
	if e := str(t, "effect"); e != "" {
		s += ":" + e
	}
	if op := str(t, "operator"); op == "Exists" && s == "" {
		s = "op=Exists"
	} else if op == "Exists" {
		s += " op=Exists"
	}
	if sec := str(t, "tolerationSeconds"); sec != "" {
		s += " for " + sec + "s"
	}
	return s
}

// keyValue is the key of a toleration or taint, with "=value" when it has
// a value.
func keyValue(t any) string {
	s := str(t, "key")
	if v := str(t, "value"); v != "" {
		s += "=" + v
	}
	return s
}

func (d *describer) deployment(dep map[string]any) {
	d.kv(0, "CreationTimestamp", str(dep, "metadata", "creationTimestamp"))
	d.metadata(0, dep)
	d.kv(0, "Selector", formatLabels(stringMap(field(dep, "spec", "selector", "matchLabels"))))
	d.kv(0, "Replicas", fmt.Sprintf("%s desired | %s updated | %s total | %s available | %s unavailable",
		orZero(str(dep, "spec", "replicas")), orZero(str(dep, "status", "updatedReplicas")),
		orZero(str(dep, "status", "replicas")), orZero(str(dep, "status", "availableReplicas")),
		orZero(str(dep, "status", "unavailableReplicas"))))
	strategy := str(dep, "spec", "strategy", "type")
	d.kv(0, "StrategyType", strategy)
	d.kv(0, "MinReadySeconds", orZero(str(dep, "spec", "minReadySeconds")))
	if strategy == "RollingUpdate" {
		d.kv(0, "RollingUpdateStrategy", fmt.Sprintf("%s max unavailable, %s max surge",
			str(dep, "spec", "strategy", "rollingUpdate", "maxUnavailable"), str(dep, "spec", "strategy", "rollingUpdate", "maxSurge")))
	}
	d.line(0, "Pod Template:")
	d.stringMap(1, "Labels", stringMap(field(dep, "spec", "template", "metadata", "labels")), "=")
	d.line(1, "Containers:")
	for _, ctr := range list(dep, "spec", "template", "spec", "containers") {
		d.line(2, "%s:", str(ctr, "name"))
		d.kv(3, "Image", str(ctr, "image"))
		d.values(3, "Command", list(ctr, "command"))
	}
	d.conditions(list(dep, "status", "conditions"), true)
}

func (d *describer) service(svc map[string]any, endpoints map[string][]string) {
	d.metadata(0, svc)
	d.kv(0, "Selector", formatLabels(stringMap(field(svc, "spec", "selector"))))
	d.kv(0, "Type", str(svc, "spec", "type"))
	d.kv(0, "IP Family Policy", str(svc, "spec", "ipFamilyPolicy"))
	var fams, ips []string
	for _, f := range list(svc, "spec", "ipFamilies") {
		fams = append(fams, jsonpath.FormatValue(f))
	}
	for _, ip := range list(svc, "spec", "clusterIPs") {
		ips = append(ips, jsonpath.FormatValue(ip))
	}
	d.kv(0, "IP Families", strings.Join(fams, ","))
	d.kv(0, "IP", str(svc, "spec", "clusterIP"))
	d.kv(0, "IPs", strings.Join(ips, ","))
	for _, p := range list(svc, "spec", "ports") {
		name := orDefault(str(p, "name"), "<unset>")
		proto := orDefault(str(p, "protocol"), "TCP")
		d.kv(0, "Port", fmt.Sprintf("%s  %s/%s", name, str(p, "port"), proto))
		if tp := str(p, "targetPort"); tp != "" {
			d.kv(0, "TargetPort", tp+"/"+proto)
		}
		if np := str(p, "nodePort"); np != "" {
			d.kv(0, "NodePort", fmt.Sprintf("%s  %s/%s", name, np, proto))
		}
		d.kv(0, "Endpoints", formatEndpoints(endpoints[str(p, "name")]))
	}
	d.kv(0, "Session Affinity", str(svc, "spec", "sessionAffinity"))
}

func (d *describer) node(n map[string]any) {
	labels := stringMap(field(n, "metadata", "labels"))
	var roles []string
	for k := range labels {
		if r, ok := strings.CutPrefix(k, "node-role.kubernetes.io/"); ok {
			roles = append(roles, r)
		}
	}
	slices.Sort(roles)
	d.kv(0, "Roles", strings.Join(roles, ","))
	d.metadata(0, n)
	d.kv(0, "CreationTimestamp", str(n, "metadata", "creationTimestamp"))
	var taints []string
	for _, t := range list(n, "spec", "taints") {
		taints = append(taints, keyValue(t)+":"+str(t, "effect"))
	}
	d.list(0, "Taints", taints)
	d.kv(0, "Unschedulable", field(n, "spec", "unschedulable") == true)
	d.conditions(list(n, "status", "conditions"), true)
	d.line(0, "Addresses:")
	for _, a := range list(n, "status", "addresses") {
		d.kv(1, str(a, "type"), str(a, "address"))
	}
	for _, sec := range []struct{ title, key string }{{"Capacity", "capacity"}, {"Allocatable", "allocatable"}} {
		m := stringMap(field(n, "status", sec.key))
		d.line(0, "%s:", sec.title)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			d.kv(1, k, m[k])
		}
	}
	d.line(0, "System Info:")
	info, _ := field(n, "status", "nodeInfo").(map[string]any)
	for _, f := range []struct{ title, key string }{
		{"Machine ID", "machineID"}, {"System UUID", "systemUUID"}, {"Boot ID", "bootID"},
		{"Kernel Version", "kernelVersion"}, {"OS Image", "osImage"}, {"Operating System", "operatingSystem"},
		{"Architecture", "architecture"}, {"Container Runtime Version", "containerRuntimeVersion"},
		{"Kubelet Version", "kubeletVersion"}, {"Kube-Proxy Version", "kubeProxyVersion"},
	} {
		d.line(1, "%s:\t%s", f.title, str(info, f.key))
	}
	if cidr := str(n, "spec", "podCIDR"); cidr != "" {
		d.kv(0, "PodCIDR", cidr)
	}
}

// serviceEndpoints reads the ready endpoints of a service from its
// EndpointSlices, as "IP:PORT" by port name.
func serviceEndpoints(ctx context.Context, c *kr8s.Client, svc *kr8s.Object) (map[string][]string, error) {
	k, err := c.LookupKind(ctx, "endpointslices.discovery.k8s.io")
	if errors.Is(err, kr8s.ErrUnknownKind) {
		return nil, nil // a server without EndpointSlices
	}
	if err != nil {
		return nil, err
	}
	epSlices, err := k.ListAll(ctx, &kr8s.ListOptions{
		Namespace: svc.Namespace(), LabelSelector: "kubernetes.io/service-name=" + svc.Name(),
	})
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, s := range epSlices {
		raw := s.Raw()
		for _, p := range list(raw, "ports") {
			for _, e := range list(raw, "endpoints") {
				if field(e, "conditions", "ready") == false {
					continue
				}
				for _, addr := range list(e, "addresses") {
					out[str(p, "name")] = append(out[str(p, "name")], fmt.Sprintf("%s:%s", jsonpath.FormatValue(addr), str(p, "port")))
				}
			}
		}
	}
	return out, nil
}

// formatEndpoints is kubectl's Endpoints value: up to three, then a count.
func formatEndpoints(eps []string) string {
	slices.Sort(eps)
	if len(eps) == 0 {
		return "<none>"
	}
	if len(eps) > 3 {
		return strings.Join(eps[:3], ",") + fmt.Sprintf(" + %d more...", len(eps)-3)
	}
	return strings.Join(eps, ",")
}

// nodePods lists the pods that run on the node and have not ended.
func (d *describer) nodePods(ctx context.Context, c *kr8s.Client, node string) error {
	pods, err := kr8s.Pods.ListAll(ctx, &kr8s.ListOptions{
		API: c, Namespace: kr8s.AllNamespaces,
		FieldSelector: "spec.nodeName=" + node + ",status.phase!=Succeeded,status.phase!=Failed",
	})
	if err != nil {
		return err
	}
	d.line(0, "Non-terminated Pods:\t(%d in total)", len(pods))
	if len(pods) == 0 {
		return nil
	}
	d.line(1, "Namespace\tName\tAge")
	d.line(1, "---------\t----\t---")
	for _, p := range pods {
		d.line(1, "%s\t%s\t%s", p.Namespace(), p.Name(), d.age(str(p.Raw(), "metadata", "creationTimestamp")))
	}
	return nil
}

// conditions writes a Conditions table; reasons adds the Reason column.
func (d *describer) conditions(conds []any, reasons bool) {
	if len(conds) == 0 {
		return
	}
	d.line(0, "Conditions:")
	if reasons {
		d.line(1, "Type\tStatus\tReason")
		d.line(1, "----\t------\t------")
	} else {
		d.line(1, "Type\tStatus")
	}
	for _, c := range conds {
		if reasons {
			d.line(1, "%s\t%s\t%s", str(c, "type"), str(c, "status"), str(c, "reason"))
		} else {
			d.line(1, "%s\t%s", str(c, "type"), str(c, "status"))
		}
	}
}

// events lists the events about o, oldest first, as kubectl describe's
// Events section.
func (d *describer) events(ctx context.Context, c *kr8s.Client, o *kr8s.Object) error {
	ns := o.Namespace()
	fs := []string{"involvedObject.name=" + o.Name(), "involvedObject.kind=" + o.Kind().Kind}
	if ns != "" {
		fs = append(fs, "involvedObject.namespace="+ns)
	}
	if uid := metaString(o, "uid"); uid != "" {
		fs = append(fs, "involvedObject.uid="+uid)
	}
	evns := ns
	if evns == "" {
		evns = kr8s.AllNamespaces
	}
	evs, err := kr8s.Events.ListAll(ctx, &kr8s.ListOptions{API: c, Namespace: evns, FieldSelector: strings.Join(fs, ",")})
	if err != nil {
		return err
	}
	if len(evs) == 0 {
		d.kv(0, "Events", "<none>")
		return nil
	}
	last := func(e *kr8s.CoreEvent) string {
		r := e.Raw()
		for _, f := range []string{"lastTimestamp", "eventTime"} {
			if s := str(r, f); s != "" {
				return s
			}
		}
		return str(r, "metadata", "creationTimestamp")
	}
	slices.SortStableFunc(evs, func(x, y *kr8s.CoreEvent) int { return strings.Compare(last(x), last(y)) })
	d.line(0, "Events:")
	d.line(1, "Type\tReason\tAge\tFrom\tMessage")
	d.line(1, "----\t------\t----\t----\t-------")
	for _, e := range evs {
		r := e.Raw()
		age := d.age(last(e))
		if n := str(r, "count"); n != "" && n != "1" {
			first := orDefault(str(r, "firstTimestamp"), str(r, "metadata", "creationTimestamp"))
			age = fmt.Sprintf("%s (x%s over %s)", age, n, d.age(first))
		}
		from := orDefault(str(r, "source", "component"), str(r, "reportingComponent"))
		if h := str(r, "source", "host"); h != "" {
			from += ", " + h
		}
		d.line(1, "%s\t%s\t%s\t%s\t%s", str(r, "type"), str(r, "reason"), age, from, strings.TrimSpace(str(r, "message")))
	}
	return nil
}

// age is kubectl's short duration since an RFC 3339 time: 5s, 3m2s, 4h, 2d.
func (d *describer) age(ts string) string {
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return "<unknown>"
	}
	return shortDuration(d.now.Sub(t))
}

// shortDuration formats like k8s.io/apimachinery's HumanDuration.
func shortDuration(d time.Duration) string {
	if d < -time.Second {
		return "<invalid>"
	}
	if d < 0 {
		d = 0
	}
	s := int(d.Seconds())
	switch {
	case s < 60*2:
		return fmt.Sprintf("%ds", s)
	case d < 10*time.Minute:
		if s%60 == 0 {
			return fmt.Sprintf("%dm", s/60)
		}
		return fmt.Sprintf("%dm%ds", s/60, s%60)
	case d < 3*time.Hour:
		return fmt.Sprintf("%dm", s/60)
	case d < 8*time.Hour:
		if m := s / 60 % 60; m != 0 {
			return fmt.Sprintf("%dh%dm", s/3600, m)
		}
		return fmt.Sprintf("%dh", s/3600)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", s/3600)
	default:
		return fmt.Sprintf("%dd", s/86400)
	}
}

func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = jsonpath.FormatValue(v)
	}
	return out
}

func orZero(s string) string { return orDefault(s, "0") }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func titleBool(v any) string {
	if v == true {
		return "True"
	}
	return "False"
}
