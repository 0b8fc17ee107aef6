//go:build !linux

package cache

// commits is what a Disk keeps for its Puts here: nothing, each Put syncing
// its own files.
type commits struct{}

// store makes b the value at path, durably, before it returns (see
// writeFileAtomic).
func (d *Disk) store(path string, b []byte) error {
	return writeFileAtomic(path, b)
}
