//go:build unix

package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/poc-harness/poc/internal/results"
)

// holder describes the process that holds a run folder, as the lock file
// names it.
type holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
}

// ErrLocked is wrapped by the error of a run or resume refused because
// another process writes the run folder.
var ErrLocked = errors.New("the run folder is in use")

// lockDir takes the run folder's lock (run.lock, an exclusive flock held
// until unlock or the process ends, so a crash never leaves it taken), and
// writes this process into it. A folder another process holds is refused
// with an error naming that process.
func lockDir(dir string, now time.Time) (unlock func(), err error) {
	path := filepath.Join(dir, results.LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock run folder: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s", ErrLocked, describeHolder(f, dir))
		}
		return nil, fmt.Errorf("lock run folder %s: %w", dir, err)
	}
	host, _ := os.Hostname()
	h := holder{PID: os.Getpid(), Host: host, Command: strings.Join(os.Args, " "), Since: now.UTC()}
	b, _ := json.Marshal(h)
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt(append(b, '\n'), 0)
	}
	return func() {
		_ = f.Truncate(0)
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}

// describeHolder names the process holding the lock from what it wrote.
func describeHolder(f *os.File, dir string) string {
	var h holder
	b := make([]byte, 4096)
	n, _ := f.ReadAt(b, 0)
	if json.Unmarshal(b[:n], &h) != nil || h.PID == 0 {
		return fmt.Sprintf("another poc process is writing %s; wait for it to finish or stop it", dir)
	}
	return fmt.Sprintf("poc (pid %d on %s, since %s: %s) is writing %s; wait for it to finish or stop it (kill %d), then resume",
		h.PID, h.Host, h.Since.Local().Format("2006-01-02 15:04:05"), h.Command, dir, h.PID)
}
