//go:build unix

package cache

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// The files of the cache are opened with the system calls themselves: an
// os.File of a regular file costs four fcntl calls, an epoll_ctl and an
// fstat more than its open, and os.Rename an lstat more than its rename —
// twice the system calls of a Get or a Put, on every request of a replay.

// readFile is os.ReadFile.
func readFile(path string) ([]byte, error) {
	fd, err := sysOpen(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	b := make([]byte, 0, 1024)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := syscall.Read(fd, b[len(b):cap(b)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return b, nil
		}
		b = b[:len(b)+n]
	}
}

// createTemp writes b to a new file in dir named as tempPattern says, not
// synced, and returns its name. On error no file is left.
func createTemp(dir string, b []byte) (string, error) {
	name, fd, err := createTempOpen(dir, b)
	if err != nil {
		return "", err
	}
	if err := syscall.Close(fd); err != nil {
		_ = syscall.Unlink(name)
		return "", &os.PathError{Op: "close", Path: name, Err: err}
	}
	return name, nil
}

// createTempOpen is createTemp, the file left open: the caller closes fd.
func createTempOpen(dir string, b []byte) (name string, fd int, err error) {
	for try := 0; ; try++ {
		name := filepath.Join(dir, ".put-"+strconv.FormatUint(rand.Uint64(), 36)+".tmp")
		fd, err := sysOpen(name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o600)
		if err == syscall.EEXIST && try < 100 {
			continue
		}
		if err != nil {
			return "", -1, &os.PathError{Op: "open", Path: name, Err: err}
		}
		if werr := writeAll(fd, b); werr != nil {
			_ = syscall.Close(fd)
			_ = syscall.Unlink(name)
			werr.(*os.PathError).Path = name
			return "", -1, werr
		}
		return name, fd, nil
	}
}

func writeAll(fd int, b []byte) error {
	for len(b) > 0 {
		n, err := syscall.Write(fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return &os.PathError{Op: "write", Err: err}
		}
		b = b[n:]
	}
	return nil
}

// rename is os.Rename for a file.
func rename(from, to string) error {
	if err := syscall.Rename(from, to); err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	return nil
}

// sysOpen is syscall.Open, tried again when a signal interrupts it.
func sysOpen(path string, mode int, perm uint32) (int, error) {
	for {
		fd, err := syscall.Open(path, mode, perm)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}
