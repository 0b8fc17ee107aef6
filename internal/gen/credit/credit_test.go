package credit

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The same n and seed give the same bytes; the defaults follow the
// applicant's figures (more among the indebted and those with arrears) at
// a realistic rate, and the officers decline a minority, catching some.
func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	for _, p := range []string{a, b} {
		if err := WriteCSV(p, Generate(3000, 20250101)); err != nil {
			t.Fatal(err)
		}
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ba, bb) || len(ba) == 0 {
		t.Fatal("the same seed gave other bytes")
	}
	apps := Generate(3000, 20250101)
	var defaults, declines, caught, arrears, arrearsDefault int
	for _, x := range apps {
		d := x.Defaulted == "yes"
		if d {
			defaults++
		}
		if x.Officer == "decline" {
			declines++
			if d {
				caught++
			}
		}
		if x.PriorArrears > 0 {
			arrears++
			if d {
				arrearsDefault++
			}
		}
	}
	rate := float64(defaults) / float64(len(apps))
	if rate < 0.08 || rate > 0.25 {
		t.Errorf("default rate %.3f, want 8–25%%", rate)
	}
	if float64(arrearsDefault)/float64(arrears) <= 1.5*rate {
		t.Errorf("defaults among applicants with arrears %.3f, overall %.3f: the figures decide too little", float64(arrearsDefault)/float64(arrears), rate)
	}
	if d := float64(declines) / float64(len(apps)); d < 0.1 || d > 0.5 || caught == 0 || caught == defaults {
		t.Errorf("officers decline %.3f and catch %d of %d defaults", d, caught, defaults)
	}
}
