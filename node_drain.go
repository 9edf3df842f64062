package kr8s

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DrainOptions are the options of Drain. The zero value evicts every
// evictable pod, fails on pods without a controller or with emptyDir data,
// and waits without a limit of its own (bound it with ctx or Timeout).
type DrainOptions struct {
	// Force also deletes pods that no controller manages; they are not
	// recreated.
	Force bool
	// DeleteEmptyDirData allows evicting pods with emptyDir volumes,
	// whose data is lost.
	DeleteEmptyDirData bool
	// GracePeriodSeconds overrides each pod's grace period when set.
	GracePeriodSeconds *int64
	// PodSelector limits the drain to pods with these labels (kubectl's
	// --pod-selector).
	PodSelector string
	// Timeout bounds the whole drain; 0 means only ctx does.
	Timeout time.Duration
	// OnProgress receives each step, for progress lines.
	OnProgress func(DrainEvent)
}

// DrainEvent is a step of a drain.
type DrainEvent struct {
	Pod    string // namespace/name
	Action string // "skip-daemonset", "evict", "blocked" (a PDB said 429), "evicted", "gone"
	Detail string
}

// Drain cordons the node and evicts its pods through the Eviction API, as
// kubectl drain does: it honours PodDisruptionBudgets by retrying an
// eviction the server refuses with 429, leaves DaemonSet and mirror pods,
// refuses pods without a controller unless Force, and waits until the
// evicted pods are gone.
func (n *Node) Drain(ctx context.Context, o *DrainOptions) error {
	if o == nil {
		o = &DrainOptions{}
	}
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	progress := func(p *Pod, action, detail string) {
		if o.OnProgress != nil {
			o.OnProgress(DrainEvent{Pod: p.Namespace() + "/" + p.Name(), Action: action, Detail: detail})
		}
	}
	c, err := n.API()
	if err != nil {
		return err
	}
	if err := n.Cordon(ctx); err != nil {
		return fmt.Errorf("drain %s: cordon: %w", n.Name(), err)
	}
	pods, err := Pods.ListAll(ctx, &ListOptions{API: c, Namespace: AllNamespaces,
		FieldSelector: "spec.nodeName=" + n.Name(), LabelSelector: o.PodSelector})
	if err != nil {
		return fmt.Errorf("drain %s: %w", n.Name(), err)
	}
	var evict []*Pod
	var problems []string
	for _, p := range pods {
		switch kind := p.controllerKind(); {
		case p.Annotations()["kubernetes.io/config.mirror"] != "":
			progress(p, "skip-mirror", "")
		case kind == "DaemonSet":
			progress(p, "skip-daemonset", "")
		case p.finished():
			evict = append(evict, p)
		case kind == "" && !o.Force:
			problems = append(problems, fmt.Sprintf("%s/%s has no controller (use Force)", p.Namespace(), p.Name()))
		case p.hasEmptyDir() && !o.DeleteEmptyDirData:
			problems = append(problems, fmt.Sprintf("%s/%s has emptyDir data (use DeleteEmptyDirData)", p.Namespace(), p.Name()))
		default:
			evict = append(evict, p)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("drain %s: cannot evict: %s", n.Name(), strings.Join(problems, "; "))
	}
	var wg sync.WaitGroup
	errs := make([]error, len(evict))
	for i, p := range evict {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = p.evict(ctx, o.GracePeriodSeconds, progress)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("drain %s: %w", n.Name(), err)
	}
	return nil
}

// evict asks the Eviction API to evict the pod, retrying while a
// PodDisruptionBudget refuses (429), then waits until the pod is gone.
func (p *Pod) evict(ctx context.Context, grace *int64, progress func(*Pod, string, string)) error {
	c, err := p.API()
	if err != nil {
		return err
	}
	ev := map[string]any{
		"apiVersion": "policy/v1", "kind": "Eviction",
		"metadata": map[string]any{"name": p.Name(), "namespace": p.Namespace()},
	}
	if grace != nil {
		ev["deleteOptions"] = map[string]any{"gracePeriodSeconds": *grace}
	}
	body, _ := json.Marshal(ev)
	for {
		progress(p, "evict", "")
		r := p.kind.request(c, p.Namespace(), p.Name())
		r.URL += "/eviction"
		r.Body = bodyReader(body)
		var st status
		err := c.doJSON(ctx, http.MethodPost, r, &st)
		switch {
		case errors.Is(err, ErrNotFound):
			progress(p, "gone", "")
			return nil
		case errors.Is(err, ErrTooManyRequests):
			progress(p, "blocked", err.Error())
			select {
			case <-ctx.Done():
				return fmt.Errorf("evict %s/%s: %w (last refusal: %v)", p.Namespace(), p.Name(), ctx.Err(), err)
			case <-time.After(2 * time.Second):
			}
			continue
		case err != nil:
			return fmt.Errorf("evict %s/%s: %w", p.Namespace(), p.Name(), err)
		case st.Status == "Failure":
			// A 2xx with a Failure Status: more than one PDB matched.
			return fmt.Errorf("evict %s/%s: %s", p.Namespace(), p.Name(), st.Message)
		}
		break
	}
	progress(p, "evicted", "")
	if err := p.Wait(ctx, "delete"); err != nil {
		return err
	}
	progress(p, "gone", "")
	return nil
}

// controllerKind returns the kind of the pod's controller, or "".
func (p *Pod) controllerKind() string {
	refs, _ := p.Metadata()["ownerReferences"].([]any)
	for _, r := range refs {
		m, _ := r.(map[string]any)
		if ctl, _ := m["controller"].(bool); ctl {
			k, _ := m["kind"].(string)
			return k
		}
	}
	return ""
}

func (p *Pod) finished() bool {
	phase, _ := p.Status()["phase"].(string)
	return phase == "Succeeded" || phase == "Failed"
}

func (p *Pod) hasEmptyDir() bool {
	vols, _ := p.Spec()["volumes"].([]any)
	for _, v := range vols {
		if m, _ := v.(map[string]any); m["emptyDir"] != nil {
			return true
		}
	}
	return false
}
