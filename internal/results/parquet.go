package results

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

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
// roles giving each pipeline's role; see WritePredictionsParquetFrom.
func WritePredictionsParquet(ctx context.Context, dir string, roles map[string]string) error {
	p, err := ReadPredictions(ctx, dir, ReadOptions{Each: func(*Entry) {}}) // the journal, not an older parquet file
	if err != nil {
		return fmt.Errorf("write predictions: %w", err)
	}
	return WritePredictionsParquetFrom(ctx, dir, p, roles)
}

// WritePredictionsParquetFrom writes the columns p (a journal's, as
// ReadPredictions or a Collector gives them) as dir's predictions.parquet,
// one row per pipeline's line of each record in record order, as the
// journal holds them. The file is written under a temporary name and
// renamed, so that a reader never sees half of it; when ctx ends first
// (checked every few thousand rows) the temporary file is removed and the
// error wraps ctx's.
func WritePredictionsParquetFrom(ctx context.Context, dir string, p *Predictions, roles map[string]string) (err error) {
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
	err = p.eachRow(ctx, roles, func(row *PredictionRow) error { return pw.Write(*row) })
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

// eachRow calls fn with the parquet row of every pipeline's prediction of
// every record, in record order and then pipeline order. The row is reused.
func (p *Predictions) eachRow(ctx context.Context, roles map[string]string, fn func(*PredictionRow) error) error {
	segJSON := map[string]*string{} // by the record's segment values
	var key []byte
	var row PredictionRow
	rows := 0
	for seq := range p.Records {
		var seg *string
		if m := p.Segments[seq]; len(m) > 0 {
			key = key[:0]
			for _, k := range slices.Sorted(maps.Keys(m)) {
				key = append(append(append(append(key, k...), 0), m[k]...), 0)
			}
			if seg = segJSON[string(key)]; seg == nil {
				b, err := json.Marshal(m)
				if err != nil {
					return fmt.Errorf("record %d: segments: %w", seq, err)
				}
				js := string(b)
				seg = &js
				segJSON[string(key)] = seg
			}
		}
		var stamp *string
		if p.Times[seq] != "" {
			stamp = &p.Times[seq]
		}
		for _, pp := range p.Pipelines {
			if !pp.Has[seq] {
				continue
			}
			if rows++; rows%checkEvery == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			row = PredictionRow{Seq: int64(seq), RecordID: p.IDs[seq], Pipeline: pp.Name, Role: roles[pp.Name], Truth: p.Truths[seq],
				Label: pp.Labels[seq], LatencyMS: pp.LatencyMS[seq], Cost: pp.Costs[seq], Unparseable: pp.Unparseable[seq],
				Cached: pp.Cached[seq], Time: stamp, Segments: seg}
			if pp.HasScore[seq] {
				row.Score = &pp.Scores[seq] // the writer keeps the row until it flushes
			}
			if pp.Errors[seq] != "" {
				row.Error = &pp.Errors[seq]
			}
			if err := fn(&row); err != nil {
				return err
			}
		}
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
