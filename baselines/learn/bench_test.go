package learn

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/pipeline"
)

// synthetic returns n records of d numeric features with a logistic label.
func synthetic(n, d int, seed uint64) ([]string, []datasets.Record) {
	rng := rand.New(rand.NewPCG(seed, 1))
	cols := make([]string, d+1)
	for j := 0; j < d; j++ {
		cols[j] = fmt.Sprintf("f%02d", j)
	}
	cols[d] = "y"
	beta := make([]float64, d)
	for j := range beta {
		beta[j] = rng.NormFloat64() / math.Sqrt(float64(d))
	}
	recs := make([]datasets.Record, n)
	for i := range recs {
		f := make(map[string]any, d+1)
		z := -1.0
		for j := 0; j < d; j++ {
			x := rng.NormFloat64()*float64(j+1) + float64(j)
			f[cols[j]] = x
			z += beta[j] * (x - float64(j)) / float64(j+1)
		}
		y := 0.0
		if rng.Float64() < 1/(1+math.Exp(-z)) {
			y = 1
		}
		f["y"] = y
		recs[i] = datasets.Record{Seq: i, Fields: f}
	}
	return cols, recs
}

func BenchmarkTrainLogistic100kx50(b *testing.B) {
	cols, recs := synthetic(100_000, 50, 1)
	env := pipeline.Env{Name: "lr", Columns: cols, Label: "y"}
	spec := &Spec{Features: cols[:50], Train: &TrainSpec{File: "train.csv"}}
	data := memData(cols, recs, "y", "1")
	b.ResetTimer()
	for range b.N {
		p, err := spec.Build(env)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.(*Learner).Train(context.Background(), data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTrainTextBanking77(b *testing.B) {
	dir := sharedData(b, "banking77")
	env := pipeline.Env{Name: "tfidf", Columns: []string{"text", "category"}, Label: "category"}
	spec := &Spec{Model: "text", Text: []string{"text"}, Train: &TrainSpec{File: "train.csv"}}
	data := fileData(filepath.Join(dir, "test.csv"), "category", "")
	b.ResetTimer()
	for range b.N {
		p, err := spec.Build(env)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.(*Learner).Train(context.Background(), data); err != nil {
			b.Fatal(err)
		}
	}
}
