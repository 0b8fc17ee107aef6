package datasets

import (
	"context"
	"errors"
	"io"
)

// Reader streams records in file order. Next returns io.EOF after the last
// record. A Reader is used by one goroutine at a time.
type Reader interface {
	// Columns lists the column names in file order.
	Columns() []string
	// Next returns the next record. Seq is left at zero by format readers;
	// Open numbers the records it yields.
	Next() (Record, error)
	// Close releases the file.
	Close() error
}

// Each calls fn for every record of r, in order, until io.EOF (which ends
// it without error), an error from r or fn, or ctx ending (checked every
// few thousand records, so a long read stops promptly).
func Each(ctx context.Context, r Reader, fn func(Record) error) error {
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}
