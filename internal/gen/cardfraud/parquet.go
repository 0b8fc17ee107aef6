package cardfraud

import (
	"fmt"
	"os"

	"github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/writer"
)

// WriteParquet writes txns to path as a SNAPPY-compressed Parquet file with
// one row group, replacing any file there. The writer runs single-threaded so
// that the same transactions always give the same bytes.
func WriteParquet(path string, txns []Transaction) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create parquet file: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close %q: %w", path, cerr)
		}
	}()
	pw, err := writer.NewParquetWriterFromWriter(f, new(Transaction), 1)
	if err != nil {
		return fmt.Errorf("parquet writer for %q: %w", path, err)
	}
	pw.CompressionType = parquet.CompressionCodec_SNAPPY
	pw.RowGroupSize = 128 << 20
	pw.PageSize = 64 << 10
	for i := range txns {
		if err := pw.Write(txns[i]); err != nil {
			return fmt.Errorf("write %q row %d: %w", path, i+1, err)
		}
	}
	if err := pw.WriteStop(); err != nil {
		return fmt.Errorf("finish %q: %w", path, err)
	}
	return nil
}
