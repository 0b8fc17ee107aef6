package results

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/reader"
	"github.com/xitongsys/parquet-go/writer"
)

// PredictionRow is one row of predictions.parquet, the audit trail of every
// automated decision: one pipeline's prediction for one record, with the
// columns an auditor's tools (pandas, DuckDB, Spark) and the analysis read.
// Score, error, time and segments are null where the journal has none;
// segments are a JSON object of the record's segment values.
type PredictionRow struct {
	Seq         int64    `parquet:"name=seq, type=INT64"`
	RecordID    string   `parquet:"name=record_id, type=BYTE_ARRAY, convertedtype=UTF8"`
	Pipeline    string   `parquet:"name=pipeline, type=BYTE_ARRAY, convertedtype=UTF8"`
	Role        string   `parquet:"name=role, type=BYTE_ARRAY, convertedtype=UTF8"`
	Truth       string   `parquet:"name=truth, type=BYTE_ARRAY, convertedtype=UTF8"`
	Label       string   `parquet:"name=label, type=BYTE_ARRAY, convertedtype=UTF8"`
	Score       *float64 `parquet:"name=score, type=DOUBLE, repetitiontype=OPTIONAL"`
	LatencyMS   float64  `parquet:"name=latency_ms, type=DOUBLE"`
	Cost        float64  `parquet:"name=cost, type=DOUBLE"`
	Error       *string  `parquet:"name=error, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=OPTIONAL"`
	Unparseable bool     `parquet:"name=unparseable, type=BOOLEAN"`
	Cached      bool     `parquet:"name=cached, type=BOOLEAN"`
	Time        *string  `parquet:"name=time, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=OPTIONAL"`
	Segments    *string  `parquet:"name=segments, type=BYTE_ARRAY, convertedtype=UTF8, repetitiontype=OPTIONAL"`
}

// rowOf is the parquet row of a journal entry.
func rowOf(e *Entry, role string) (PredictionRow, error) {
	r := PredictionRow{Seq: int64(e.Seq), RecordID: e.ID, Pipeline: e.Pipeline, Role: role, Truth: e.Truth, Label: e.Label,
		Score: e.Score, LatencyMS: e.LatencyMS, Cost: e.Cost, Unparseable: e.Unparseable, Cached: e.Cached}
	if e.Error != "" {
		r.Error = &e.Error
	}
	if e.Time != "" {
		r.Time = &e.Time
	}
	if len(e.Segments) > 0 {
		b, err := json.Marshal(e.Segments)
		if err != nil {
			return r, fmt.Errorf("record %d: segments: %w", e.Seq, err)
		}
		s := string(b)
		r.Segments = &s
	}
	return r, nil
}

// entry is the journal entry a parquet row records (without the raw answer,
// the texts and fields and the token counts, which stay in the journal).
func (r *PredictionRow) entry() (Entry, error) {
	e := Entry{Seq: int(r.Seq), ID: r.RecordID, Pipeline: r.Pipeline, Truth: r.Truth, Label: r.Label, Score: r.Score,
		LatencyMS: r.LatencyMS, Cost: r.Cost, Unparseable: r.Unparseable, Cached: r.Cached}
	if r.Error != nil {
		e.Error = *r.Error
	}
	if r.Time != nil {
		e.Time = *r.Time
	}
	if r.Segments != nil {
		if err := json.Unmarshal([]byte(*r.Segments), &e.Segments); err != nil {
			return e, fmt.Errorf("record %d: segments: %w", r.Seq, err)
		}
	}
	return e, nil
}

// WritePredictionsParquet converts dir's journal into predictions.parquet,
// roles giving each pipeline's role. The file is written under a
// temporary name and renamed, so that a reader never sees half of it; when
// ctx ends first (checked every few thousand rows) the temporary file is
// removed and the error wraps ctx's.
func WritePredictionsParquet(ctx context.Context, dir string, roles map[string]string) (err error) {
	j, err := os.Open(filepath.Join(dir, JournalFile))
	if err != nil {
		return fmt.Errorf("write predictions: read journal: %w", err)
	}
	defer j.Close()
	tmp := filepath.Join(dir, "."+PredictionsFile+".tmp")
	fw, err := local.NewLocalFileWriter(tmp)
	if err != nil {
		return fmt.Errorf("write predictions: %w", err)
	}
	pw, err := writer.NewParquetWriter(fw, new(PredictionRow), 1)
	if err != nil {
		fw.Close()
		os.Remove(tmp)
		return fmt.Errorf("write predictions: %w", err)
	}
	pw.CompressionType = parquet.CompressionCodec_SNAPPY
	lines := 0
	err = ReadJournal(j, func(e Entry) error {
		if lines++; lines%checkEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		row, err := rowOf(&e, roles[e.Pipeline])
		if err != nil {
			return err
		}
		return pw.Write(row)
	})
	if serr := pw.WriteStop(); err == nil {
		err = serr
	}
	if cerr := fw.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, PredictionsFile))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write predictions: %w", err)
	}
	return nil
}

// readParquet reads predictions.parquet into columns; the error wraps
// os.ErrNotExist when the run folder has none.
func readParquet(ctx context.Context, dir string) (*Predictions, error) {
	path := filepath.Join(dir, PredictionsFile)
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	fr, err := local.NewLocalFileReader(path)
	if err != nil {
		return nil, err
	}
	defer fr.Close()
	pr, err := reader.NewParquetReader(fr, new(PredictionRow), 1)
	if err != nil {
		return nil, err
	}
	defer pr.ReadStop()
	p := &Predictions{byName: map[string]*PipelinePredictions{}}
	const batch = 4096
	for left := int(pr.GetNumRows()); left > 0; left -= batch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rows := make([]PredictionRow, min(batch, left))
		if err := pr.Read(&rows); err != nil {
			return nil, err
		}
		for i := range rows {
			e, err := rows[i].entry()
			if err != nil {
				return nil, err
			}
			if e.Seq < 0 || e.Pipeline == "" {
				return nil, errors.New("a row without a record or a pipeline")
			}
			p.add(&e)
		}
	}
	for _, pp := range p.Pipelines {
		pp.grow(p.Records)
	}
	return p, nil
}
