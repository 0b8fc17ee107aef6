package results

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"
)

// PredictionRow is one row of predictions.parquet, the audit trail of every
// automated decision: one pipeline's prediction for one record, with the
// columns an auditor's tools (pandas, DuckDB, Spark) and the analysis read.
// Score, error, time and segments are null where the journal has none;
// segments are a JSON object of the record's segment values. The file is
// written and read with github.com/parquet-go/parquet-go (several times
// faster than xitongsys/parquet-go's reflection for millions of rows);
// pipeline, role, truth and label are dictionary-encoded.
type PredictionRow struct {
	Seq         int64    `parquet:"seq"`
	RecordID    string   `parquet:"id"`
	Pipeline    string   `parquet:"pipeline,dict"`
	Role        string   `parquet:"role,dict"`
	Truth       string   `parquet:"truth,dict"`
	Label       string   `parquet:"label,dict"`
	Score       *float64 `parquet:"score,optional"`
	LatencyMS   float64  `parquet:"latency_ms"`
	Cost        float64  `parquet:"cost"`
	Error       *string  `parquet:"error,optional"`
	Unparseable bool     `parquet:"unparseable"`
	Cached      bool     `parquet:"cached"`
	Time        *string  `parquet:"time,optional"`
	Segments    *string  `parquet:"segments,optional"`
}

// legacyPredictionRow is a row of the predictions.parquet files written
// before the id column was named as the journal names it ("id", then
// "record_id"): a run folder of then still reads. Its fields are
// PredictionRow's, so that one converts to the other.
type legacyPredictionRow struct {
	Seq         int64    `parquet:"seq"`
	RecordID    string   `parquet:"record_id"`
	Pipeline    string   `parquet:"pipeline,dict"`
	Role        string   `parquet:"role,dict"`
	Truth       string   `parquet:"truth,dict"`
	Label       string   `parquet:"label,dict"`
	Score       *float64 `parquet:"score,optional"`
	LatencyMS   float64  `parquet:"latency_ms"`
	Cost        float64  `parquet:"cost"`
	Error       *string  `parquet:"error,optional"`
	Unparseable bool     `parquet:"unparseable"`
	Cached      bool     `parquet:"cached"`
	Time        *string  `parquet:"time,optional"`
	Segments    *string  `parquet:"segments,optional"`
}

// predictionSchema is the file's schema, its root named for what a row is.
var predictionSchema = parquet.NewSchema("prediction", parquet.SchemaOf(PredictionRow{}))

// rowGroupRows bounds a row group, and so the memory the writer buffers.
const rowGroupRows = 256 * 1024

// entry is the journal entry a parquet row records (without the raw answer,
// the texts and fields and the token counts, which stay in the journal).
// segs holds the segment maps decoded so far, by their JSON: a few sets of
// segment values repeat over millions of rows, and the entries share them
// (read them, never change them).
func (r *PredictionRow) entry(segs map[string]map[string]string) (Entry, error) {
	e := Entry{Seq: int(r.Seq), ID: r.RecordID, Pipeline: r.Pipeline, Truth: r.Truth, Label: r.Label, Score: r.Score,
		LatencyMS: r.LatencyMS, Cost: r.Cost, Unparseable: r.Unparseable, Cached: r.Cached}
	if r.Error != nil {
		e.Error = *r.Error
	}
	if r.Time != nil {
		e.Time = *r.Time
	}
	if r.Segments != nil {
		m, ok := segs[*r.Segments]
		if !ok {
			if err := json.Unmarshal([]byte(*r.Segments), &m); err != nil {
				return e, fmt.Errorf("record %d: segments: %w", r.Seq, err)
			}
			segs[*r.Segments] = m
		}
		e.Segments = m
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
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write predictions: %w", err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	pw := parquet.NewGenericWriter[PredictionRow](bw, predictionSchema, parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(rowGroupRows))
	batch := make([]PredictionRow, 0, 4096)
	flush := func() error {
		_, err := pw.Write(batch)
		batch = batch[:0]
		return err
	}
	err = p.eachRow(ctx, roles, func(row *PredictionRow) error {
		batch = append(batch, *row)
		if len(batch) == cap(batch) {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if cerr := pw.Close(); err == nil {
		err = cerr
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
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
	segJSON := make([]*string, len(p.combos)) // the JSON of each set of segment values, made once
	var row PredictionRow
	rows := 0
	for seq := range p.Records {
		var seg *string
		if k := p.segs[seq]; k > 0 {
			if seg = segJSON[k-1]; seg == nil {
				b, err := json.Marshal(p.combos[k-1])
				if err != nil {
					return fmt.Errorf("record %d: segments: %w", seq, err)
				}
				js := string(b)
				seg = &js
				segJSON[k-1] = seg
			}
		}
		var stamp *string
		if t := p.Time(seq); t != "" {
			stamp = &t
		}
		for _, pp := range p.Pipelines {
			if !pp.Has(seq) {
				continue
			}
			if rows++; rows%checkEvery == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			row = PredictionRow{Seq: int64(seq), RecordID: p.ID(seq), Pipeline: pp.Name, Role: roles[pp.Name], Truth: p.Truth(seq),
				Label: pp.Label(seq), LatencyMS: pp.LatencyMS(seq), Cost: pp.Cost(seq), Unparseable: pp.Unparseable(seq),
				Cached: pp.Cached(seq), Time: stamp, Segments: seg}
			if pp.HasScore(seq) {
				row.Score = pp.scoreAt(seq) // the writer keeps the row until it flushes
			}
			if msg := pp.Err(seq); msg != "" {
				row.Error = &msg
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
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return nil, err
	}
	p := &Predictions{byName: map[string]*PipelinePredictions{}}
	if _, legacy := pf.Schema().Lookup("record_id"); legacy {
		err = readRows(ctx, parquet.NewGenericReader[legacyPredictionRow](pf), p, func(r *legacyPredictionRow) *PredictionRow {
			row := PredictionRow(*r)
			return &row
		})
	} else {
		err = readRows(ctx, parquet.NewGenericReader[PredictionRow](pf), p, func(r *PredictionRow) *PredictionRow { return r })
	}
	if err != nil {
		return nil, err
	}
	for _, pp := range p.Pipelines {
		pp.grow(p.Records)
	}
	return p, nil
}

// readRows adds every row pr reads to p, each made a PredictionRow by row.
func readRows[T any](ctx context.Context, pr *parquet.GenericReader[T], p *Predictions, row func(*T) *PredictionRow) error {
	defer pr.Close()
	rows := make([]T, 4096)
	segs := map[string]map[string]string{}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := pr.Read(rows)
		for i := range rows[:n] {
			e, err := row(&rows[i]).entry(segs)
			if err != nil {
				return err
			}
			if e.Seq < 0 || e.Pipeline == "" {
				return errors.New("a row without a record or a pipeline")
			}
			p.add(&e)
		}
		if errors.Is(rerr, io.EOF) {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}
