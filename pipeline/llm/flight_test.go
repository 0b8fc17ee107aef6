package llm

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestFlightSharesIdenticalCallsInFlight(t *testing.T) {
	var f flight
	var calls atomic.Int32
	var leaders atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			e, err, leader := f.do("same", func() (cacheEntry, error) {
				calls.Add(1)
				time.Sleep(20 * time.Millisecond)
				return cacheEntry{Answer: "billing"}, nil
			})
			if err != nil || e.Answer != "billing" {
				t.Errorf("got %+v, %v", e, err)
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
	_, _, leader := f.do("same", func() (cacheEntry, error) { return cacheEntry{}, nil })
	if !leader {
		t.Error("a request after the flight ended did not call")
	}
}
