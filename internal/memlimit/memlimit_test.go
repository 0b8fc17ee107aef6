package memlimit

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestLimit(t *testing.T) {
	tests := []struct {
		live uint64
		want int64
	}{
		{0, Floor},
		{400 << 20, 450<<20 + Floor},
		{4 << 30, 4<<30 + 512<<20 + Floor},
		{math.MaxUint64, math.MaxInt64},
	}
	for _, tt := range tests {
		if got := Limit(tt.live); got != tt.want {
			t.Errorf("Limit(%d) = %d, want %d", tt.live, got, tt.want)
		}
	}
}

// waitLimit waits for the limit to satisfy ok, for up to two seconds of
// collections.
func waitLimit(ok func(int64) bool) (int64, bool) {
	for range 200 {
		runtime.GC()
		if l := debug.SetMemoryLimit(-1); ok(l) {
			return l, true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return debug.SetMemoryLimit(-1), false
}

func TestTuneFollowsTheLiveHeap(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	before := debug.SetMemoryLimit(-1)
	stop := Tune()
	held := make([]byte, 256<<20)
	for i := range held {
		held[i] = byte(i)
	}
	l, ok := waitLimit(func(l int64) bool { return l >= Limit(256<<20) })
	if !ok {
		t.Fatalf("with 256 MiB live the limit is %d, want at least %d", l, Limit(256<<20))
	}
	if l > Limit(512<<20) {
		t.Errorf("with 256 MiB live the limit is %d, more than %d", l, Limit(512<<20))
	}
	runtime.KeepAlive(held)
	held = nil
	if l, ok := waitLimit(func(l int64) bool { return l < Limit(128<<20) }); !ok {
		t.Errorf("once the 256 MiB are dropped the limit stays at %d", l)
	}
	stop()
	stop() // a second stop does nothing
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("after stop the limit is %d, want the one before, %d", got, before)
	}
	runtime.GC()
	time.Sleep(20 * time.Millisecond)
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("a collection after stop moved the limit to %d", got)
	}
}

func TestTuneLeavesTheUsersSetting(t *testing.T) {
	for _, env := range []string{"GOMEMLIMIT", "GOGC"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv("GOGC", "")
			t.Setenv(env, map[string]string{"GOMEMLIMIT": "1GiB", "GOGC": "50"}[env])
			before := debug.SetMemoryLimit(-1)
			stop := Tune()
			defer stop()
			runtime.GC()
			time.Sleep(20 * time.Millisecond)
			if got := debug.SetMemoryLimit(-1); got != before {
				t.Errorf("with %s set the limit moved from %d to %d", env, before, got)
			}
		})
	}
}
