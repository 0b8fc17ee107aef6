package remote

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestFlightSharesIdenticalCallsInFlight(t *testing.T) {
	var f Flight[string]
	var calls atomic.Int32
	var leaders atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			v, err, leader := f.Do("same", func() (string, error) {
				calls.Add(1)
				time.Sleep(20 * time.Millisecond)
				return "billing", nil
			})
			if err != nil || v != "billing" {
				t.Errorf("got %q, %v", v, err)
			}
			if leader {
				leaders.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	if calls.Load() != 1 || leaders.Load() != 1 {
		t.Errorf("%d calls and %d leaders for 8 identical requests in flight, want 1 and 1", calls.Load(), leaders.Load())
	}
	// Once the call is over, the next identical request calls again (the
	// cache, not the flight, serves later ones).
	_, _, leader := f.Do("same", func() (string, error) { return "", nil })
	if !leader {
		t.Error("a request after the flight ended did not call")
	}
}
