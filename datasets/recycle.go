package datasets

import "sync"

// Recycler is implemented by readers that can reuse the field maps of
// records their caller is done with: a replay of millions of records then
// makes a few thousand maps instead of one per record. Open's Stream is
// one when the format's reader is.
type Recycler interface {
	// Recycle hands back the Fields of records the reader returned. The
	// caller must not read, change or keep any of them after the call, nor
	// any map it got from them; the values in them stay valid. Safe to call
	// while another goroutine calls Next.
	Recycle(fields []map[string]any)
}

// Recycle hands fields back to r when r is a Recycler, and does nothing
// otherwise.
func Recycle(r Reader, fields []map[string]any) {
	if rc, ok := r.(Recycler); ok && len(fields) > 0 {
		rc.Recycle(fields)
	}
}

// maxPooled bounds the maps a reader keeps for reuse: enough for the
// records of the batches a replay holds at once.
const maxPooled = 1 << 15

// fieldPool holds the maps handed back to a reader. It is safe for
// concurrent use.
type fieldPool struct {
	mu   sync.Mutex
	free []map[string]any
}

// get returns an empty map, reused when one was handed back, with room for
// n keys when it is new.
func (p *fieldPool) get(n int) map[string]any {
	p.mu.Lock()
	var m map[string]any
	if k := len(p.free); k > 0 {
		m, p.free[k-1] = p.free[k-1], nil
		p.free = p.free[:k-1]
	}
	p.mu.Unlock()
	if m == nil {
		return make(map[string]any, n)
	}
	clear(m)
	return m
}

// Recycle keeps the maps for reuse, up to maxPooled.
func (p *fieldPool) Recycle(fields []map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range fields {
		if len(p.free) == maxPooled {
			return
		}
		if m != nil {
			p.free = append(p.free, m)
		}
	}
}
