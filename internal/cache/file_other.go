//go:build !unix

package cache

import "os"

// readFile is os.ReadFile.
func readFile(path string) ([]byte, error) { return os.ReadFile(path) }

// createTemp writes b to a new file in dir named as tempPattern says, not
// synced, and returns its name. On error no file is left.
func createTemp(dir string, b []byte) (string, error) { return writeTemp(dir, b, false) }

// rename is os.Rename.
func rename(from, to string) error { return os.Rename(from, to) }
