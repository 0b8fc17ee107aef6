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

// TypedReader is a Reader that reads declared column types from its own
// text, such as CSVReader: "007" in a column declared string stays "007",
// where converting the value a reader had already typed could not tell it
// from "7". Open calls DeclareTypes before the first Next with the
// Options.Types of the file's columns; for a reader that is not a
// TypedReader, Open converts the values it returns (Type.Convert).
type TypedReader interface {
	Reader
	// DeclareTypes sets the types of the named columns (a name that is not
	// a column is an error). It is called before the first Next.
	DeclareTypes(types map[string]Type) error
}

// Each calls fn for every record of r, in order, until io.EOF (which ends
// it without error), an error from r or fn, or ctx ending (checked every
// few thousand records, so a long read stops promptly).
func Each(ctx context.Context, r Reader, fn func(Record) error) error {
	return each(ctx, r, fn, false)
}

// EachOnce is Each for a fn that keeps nothing of a record's Fields map
// once it returns (it may keep the values): the map is then handed back to
// r (Recycler) for a later record, and a pass over a million records makes
// a few maps instead of a million.
func EachOnce(ctx context.Context, r Reader, fn func(Record) error) error {
	return each(ctx, r, fn, true)
}

func each(ctx context.Context, r Reader, fn func(Record) error, recycle bool) error {
	var done [1]map[string]any
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
		if recycle {
			done[0] = rec.Fields
			Recycle(r, done[:])
			done[0] = nil
		}
	}
}
