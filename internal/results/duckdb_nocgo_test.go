//go:build !cgo

package results

import "testing"

// TestPredictionsParquetReadByDuckDB needs DuckDB, which needs cgo.
func TestPredictionsParquetReadByDuckDB(t *testing.T) {
	t.Skip("DuckDB (the independent reader of predictions.parquet) needs cgo and a C compiler: CGO_ENABLED=0 skips its test")
}
