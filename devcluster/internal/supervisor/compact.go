package supervisor

import (
	"context"
	"errors"
	"fmt"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/server/v3/storage/mvcc"
)

// compactEtcd compacts etcd's history up to its current revision, as the
// API server's own compactor does every few minutes, and returns that
// revision. A watch or a continue token older than it then answers 410
// Gone (when it is served by etcd rather than the API server's cache).
func (s *Supervisor) compactEtcd(ctx context.Context) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	rev := s.etcd.Server.KV().Rev()
	_, err := s.etcd.Server.Compact(ctx, &pb.CompactionRequest{Revision: rev, Physical: true})
	if err != nil && !errors.Is(err, mvcc.ErrCompacted) { // already compacted there: nothing was written since
		return 0, fmt.Errorf("compact etcd at revision %d: %w", rev, err)
	}
	return rev, nil
}
