package agent

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
)

// podRunner watches the pods bound to the agent's nodes. For each container
// with a command it runs that command as a local process, restarting it as
// the pod's restartPolicy says, and keeps its output as the container log.
type podRunner struct {
	client kubernetes.Interface
	dir    string
	nodes  []string

	mu      sync.Mutex
	pods    map[types.UID]*podState
	byName  map[string]*corev1.Pod // namespace/name -> newest pod
	stopped bool
}

type podState struct {
	pod    *corev1.Pod
	dir    string
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newPodRunner(client kubernetes.Interface, dir string, nodes []string) *podRunner {
	return &podRunner{client: client, dir: dir, nodes: nodes, pods: map[types.UID]*podState{}, byName: map[string]*corev1.Pod{}}
}

func (r *podRunner) run(ctx context.Context) {
	factory := informers.NewSharedInformerFactory(r.client, 0)
	inf := factory.Core().V1().Pods().Informer()
	_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { r.update(obj.(*corev1.Pod)) },
		UpdateFunc: func(_, obj any) { r.update(obj.(*corev1.Pod)) },
		DeleteFunc: func(obj any) {
			if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = d.Obj
			}
			if p, ok := obj.(*corev1.Pod); ok {
				r.remove(p)
			}
		},
	})
	factory.Start(ctx.Done())
	<-ctx.Done()
	factory.Shutdown()
}

func podKey(ns, name string) string { return ns + "/" + name }

func (r *podRunner) update(p *corev1.Pod) {
	if !slices.Contains(r.nodes, p.Spec.NodeName) {
		return
	}
	if p.DeletionTimestamp != nil {
		r.remove(p)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return
	}
	r.byName[podKey(p.Namespace, p.Name)] = p
	if st, ok := r.pods[p.UID]; ok {
		st.pod = p
		return
	}
	st := &podState{pod: p, dir: filepath.Join(r.dir, p.Namespace+"_"+p.Name+"_"+string(p.UID))}
	if err := os.MkdirAll(filepath.Join(st.dir, "logs"), 0o700); err != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	st.cancel = cancel
	r.pods[p.UID] = st
	for _, c := range p.Spec.Containers {
		if len(c.Command) == 0 {
			continue
		}
		st.wg.Add(1)
		go func() {
			defer st.wg.Done()
			runContainer(ctx, st, c, p.Spec.RestartPolicy)
		}()
	}
}

func (r *podRunner) remove(p *corev1.Pod) {
	r.mu.Lock()
	st, ok := r.pods[p.UID]
	delete(r.pods, p.UID)
	if cur := r.byName[podKey(p.Namespace, p.Name)]; cur != nil && cur.UID == p.UID {
		delete(r.byName, podKey(p.Namespace, p.Name))
	}
	r.mu.Unlock()
	if ok {
		st.cancel()
		go func() {
			st.wg.Wait()
			_ = os.RemoveAll(st.dir)
		}()
	}
}

// lookup returns the newest pod of that name on our nodes and its state.
func (r *podRunner) lookup(ns, name string) (*corev1.Pod, *podState) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.byName[podKey(ns, name)]
	if p == nil {
		return nil, nil
	}
	return p, r.pods[p.UID]
}

// alive reports whether the pod with that UID still runs here.
func (r *podRunner) alive(uid types.UID) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.pods[uid]
	return ok
}

func (r *podRunner) stopAll() {
	r.mu.Lock()
	r.stopped = true
	states := make([]*podState, 0, len(r.pods))
	for _, st := range r.pods {
		states = append(states, st)
	}
	r.pods = map[types.UID]*podState{}
	r.mu.Unlock()
	for _, st := range states {
		st.cancel()
		st.wg.Wait()
	}
}

func logPath(st *podState, container string, previous bool) string {
	if previous {
		return filepath.Join(st.dir, "logs", container+".previous.log")
	}
	return filepath.Join(st.dir, "logs", container+".log")
}

// containerEnv is the host's environment plus the container's literal
// env values; valueFrom references have no meaning on a fake node.
func containerEnv(p *corev1.Pod, container string) []string {
	env := append(os.Environ(), "HOSTNAME="+p.Name)
	for _, c := range p.Spec.Containers {
		if c.Name != container {
			continue
		}
		for _, e := range c.Env {
			if e.ValueFrom == nil {
				env = append(env, e.Name+"="+e.Value)
			}
		}
	}
	return env
}

// runContainer runs the container's command until ctx ends, restarting it
// per policy with the kubelet's doubling back-off (capped here at 10s).
// Before each restart the log moves to the previous-log slot.
func runContainer(ctx context.Context, st *podState, c corev1.Container, policy corev1.RestartPolicy) {
	backoff := time.Second
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			_ = os.Rename(logPath(st, c.Name, false), logPath(st, c.Name, true))
		}
		code := runOnce(ctx, st, c)
		if ctx.Err() != nil {
			return
		}
		if policy == corev1.RestartPolicyNever || (policy == corev1.RestartPolicyOnFailure && code == 0) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

func runOnce(ctx context.Context, st *podState, c corev1.Container) int {
	f, err := os.OpenFile(logPath(st, c.Name, false), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return 1
	}
	defer f.Close()
	lw := newCRIWriter(f)
	args := append(slices.Clone(c.Command), c.Args...)
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = st.dir
	cmd.Env = containerEnv(st.pod, c.Name)
	cmd.Stdout = lw.stream("stdout")
	cmd.Stderr = lw.stream("stderr")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Run(); err != nil {
		lw.flush()
		if ee, ok := err.(*exec.ExitError); ok {
			return exitCode(ee)
		}
		lw.stream("stderr").Write([]byte(err.Error() + "\n"))
		lw.flush()
		return 128
	}
	lw.flush()
	return 0
}

// exitCode follows the container runtimes: a signal gives 128+signal.
func exitCode(ee *exec.ExitError) int {
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}
