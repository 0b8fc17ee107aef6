//go:build !unix

package cache

import "context"

// leases is what a Disk keeps for its leases: nothing, there being none.
type leases struct{}

// lease is a no-op where no file lock is available: every caller gets the
// lease at once, as if there were no other process.
func (d *Disk) lease(ctx context.Context, _ string) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return func() {}, nil
}
