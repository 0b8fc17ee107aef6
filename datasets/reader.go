package datasets

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
