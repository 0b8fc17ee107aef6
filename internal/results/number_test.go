package results

import (
	"encoding/json"
	"math"
	"testing"
)

func TestNumberJSON(t *testing.T) {
	tests := []struct {
		name string
		in   Number
		want string
	}{
		{"finite", 0.25, "0.25"},
		{"NaN", NaN(), "null"},
		{"+Inf", Number(math.Inf(1)), "null"},
		{"-Inf", Number(math.Inf(-1)), "null"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("marshal = %s, want %s", b, tc.want)
			}
		})
	}
	var n Number
	if err := json.Unmarshal([]byte("null"), &n); err != nil || !n.IsNaN() {
		t.Errorf("unmarshal null = %v, %v; want NaN", n, err)
	}
	if err := json.Unmarshal([]byte(`"x"`), &n); err == nil {
		t.Error("unmarshal of a string succeeded")
	}
}

// A judgement with an undefined metric and no interval must encode, and read
// back as NaN.
func TestJudgementJSONWithNaN(t *testing.T) {
	cv, bv := NaN(), Number(0.4)
	j := Judgement{Name: "recall", Estimate: NaN(), Interval: Interval{Lo: NaN(), Hi: NaN(), Method: "none"},
		Threshold: 0.3, Sense: ">=", Status: Undefined, CandidateValue: &cv, BaselineValue: &bv}
	e := Estimate{Metric: "recall", Value: NaN(), Interval: Interval{Lo: NaN(), Hi: 0.5}}
	b, err := json.Marshal(struct {
		J Judgement
		E Estimate
	}{j, e})
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var back struct {
		J Judgement
		E Estimate
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
	// encoding/json sets a pointer to nil on null without asking the
	// pointee, so an undefined CandidateValue reads back as absent.
	if !back.J.Estimate.IsNaN() || !back.J.Interval.Lo.IsNaN() || !back.J.Interval.Hi.IsNaN() || back.J.CandidateValue != nil {
		t.Errorf("NaN fields did not read back as NaN: %+v", back.J)
	}
	if back.J.Threshold != 0.3 || *back.J.BaselineValue != 0.4 || back.E.Interval.Hi != 0.5 || !back.E.Value.IsNaN() {
		t.Errorf("finite fields changed: %+v %+v", back.J, back.E)
	}
}
