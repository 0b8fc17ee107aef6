package cardfraud

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/reader"
)

// shippedFile is the committed example, relative to this package's folder.
const shippedFile = "../../../experiments/data/card-transactions.parquet"

const regenerate = "regenerate it from the repository root with: go run ./cmd/gendata -out experiments/data/card-transactions.parquet"

func TestShippedFileIsReproducible(t *testing.T) {
	want, err := os.ReadFile(shippedFile)
	if err != nil {
		t.Fatalf("read shipped example: %v; %s", err, regenerate)
	}
	path := filepath.Join(t.TempDir(), "card-transactions.parquet")
	if err := WriteParquet(path, Generate(DefaultN, DefaultSeed)); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("%s differs from Generate(DefaultN, DefaultSeed) from byte %d (%d bytes generated, %d shipped); "+
			"if the generator changed on purpose, %s", shippedFile, i, len(got), len(want), regenerate)
	}
}

func TestParquetRoundTrip(t *testing.T) {
	want := Generate(500, 7)
	path := filepath.Join(t.TempDir(), "txns.parquet")
	if err := WriteParquet(path, want); err != nil {
		t.Fatal(err)
	}
	got := readParquet(t, path)
	if len(got) != len(want) {
		t.Fatalf("read %d rows, wrote %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("row %d: read %+v, wrote %+v", i+1, got[i], want[i])
		}
	}
}

func TestWriteParquetIsDeterministic(t *testing.T) {
	txns := Generate(1000, 3)
	dir := t.TempDir()
	var files [2][]byte
	for i := range files {
		path := filepath.Join(dir, "run"+string(rune('a'+i))+".parquet")
		if err := WriteParquet(path, txns); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files[i] = b
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Fatal("two writes of the same transactions differ")
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	tests := []struct {
		name       string
		n          int
		seedA      uint64
		seedB      uint64
		wantEqual  bool
		wantLength int
	}{
		{"same seed", 2000, 11, 11, true, 2000},
		{"other seed", 2000, 11, 12, false, 2000},
		{"tiny", 3, 1, 1, true, 3},
		{"empty", 0, 1, 1, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := Generate(tt.n, tt.seedA), Generate(tt.n, tt.seedB)
			if len(a) != tt.wantLength || len(b) != tt.wantLength {
				t.Fatalf("lengths %d and %d, want %d", len(a), len(b), tt.wantLength)
			}
			if eq := reflect.DeepEqual(a, b); eq != tt.wantEqual {
				t.Fatalf("equal = %v, want %v", eq, tt.wantEqual)
			}
		})
	}
}

func TestPlausibility(t *testing.T) {
	all := Generate(DefaultN, DefaultSeed)
	txns := production(all)

	first := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	frauds := 0
	seen := make(map[string]bool, len(all))
	for i, x := range all {
		if ts := x.Time(); ts.Before(first) || !ts.Before(end) {
			t.Errorf("%s: created_at %s outside 2026-01-01..2026-06-30", x.TxnID, ts)
		}
		if i > 0 && x.CreatedAt < all[i-1].CreatedAt {
			t.Errorf("%s: not in time order", x.TxnID)
		}
		if seen[x.TxnID] {
			t.Errorf("%s: duplicate txn_id", x.TxnID)
		}
		seen[x.TxnID] = true
		if x.ModelScore < 0 || x.ModelScore > 1 {
			t.Errorf("%s: model_score %v outside [0, 1]", x.TxnID, x.ModelScore)
		}
		if x.Amount <= 0 || x.AccountAgeDays < 0 || x.TxnLastHour < 0 || x.HourOfDay < 0 || x.HourOfDay > 23 || x.ModelLatencyMS <= 0 {
			t.Errorf("%s: implausible row %+v", x.TxnID, x)
		}
		if x.AnalystDecision == 1 && x.AnalystMinutes == 0 {
			t.Errorf("%s: analysts blocked without reviewing", x.TxnID)
		}
		if x.IsForeign != (x.Country != x.MerchantCountry) {
			t.Errorf("%s: is_foreign %v for card %s at merchant %s", x.TxnID, x.IsForeign, x.Country, x.MerchantCountry)
		}
	}
	for _, x := range txns {
		frauds += int(x.IsFraud)
	}

	var lat []float64
	for _, x := range txns {
		lat = append(lat, x.ModelLatencyMS)
	}
	analysts := score(txns, func(x Transaction) bool { return x.AnalystDecision == 1 })
	rule := score(txns, func(x Transaction) bool {
		return x.Amount > 1000 && x.AccountAgeDays < 30 || x.TxnLastHour >= 5
	})
	// The model at a threshold that flags about as many transactions as the rule.
	model := score(txns, func(x Transaction) bool { return x.ModelScore >= 0.7 })

	checks := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"fraud rate", float64(frauds) / float64(len(txns)), 0.015, 0.04},
		{"test channel share", float64(len(all)-len(txns)) / float64(len(all)), 0.001, 0.02},
		{"analysts' recall", analysts.recall(), 0.3, 0.8},
		{"analysts' precision", analysts.precision(), 0.3, 0.8},
		{"model AUC", auc(txns), 0.85, 0.97},
		{"model recall over rule recall", model.recall() - rule.recall(), 0.02, 1},
		{"model flags over rule flags", float64(model.flagged()) / float64(rule.flagged()), 0.5, 2},
		{"latency p50 ms", percentile(lat, 0.5), 15, 25},
		{"latency p99 ms", percentile(lat, 0.99), 40, 60},
	}
	for _, c := range checks {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s = %.4f, want within [%v, %v]", c.name, c.got, c.lo, c.hi)
		}
	}
}

// readParquet reads a file written by WriteParquet back into transactions.
func readParquet(t *testing.T, path string) []Transaction {
	t.Helper()
	f, err := local.NewLocalFileReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pr, err := reader.NewParquetReader(f, new(Transaction), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pr.ReadStop()
	rows := make([]Transaction, pr.GetNumRows())
	if err := pr.Read(&rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		Generate(DefaultN, DefaultSeed)
	}
}
