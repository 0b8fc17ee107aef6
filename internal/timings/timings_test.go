package timings

import (
	"strings"
	"testing"
	"time"
)

// TestRecorderPhases: each Start ends the phase before, Stop ends the last,
// and the wall times are the clock's steps.
func TestRecorderPhases(t *testing.T) {
	clock := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	r := New()
	r.now = func() time.Time { clock = clock.Add(1500 * time.Millisecond); return clock }
	r.Start("replay")
	r.Start("intervals and verdict")
	r.Beside("predictions.parquet", 2*time.Second)
	r.Stop()
	r.Stop() // a second Stop changes nothing
	got := r.Phases()
	if len(got) != 2 || got[0].Name != "replay" || got[1].Name != "intervals and verdict" {
		t.Fatalf("phases %+v, want replay then intervals and verdict", got)
	}
	for _, p := range got {
		if p.Wall != 1500*time.Millisecond {
			t.Errorf("%s: wall %v, want 1.5s (one clock step)", p.Name, p.Wall)
		}
		if p.PeakRSS <= 0 {
			t.Errorf("%s: peak RSS %d, want the process's resident set", p.Name, p.PeakRSS)
		}
	}
	if b := r.Besides(); len(b) != 1 || b[0].Name != "predictions.parquet" || b[0].Wall != 2*time.Second {
		t.Errorf("beside %+v, want predictions.parquet for 2s", b)
	}
	var nilRecorder *Recorder
	nilRecorder.Start("x")
	nilRecorder.Stop()
	nilRecorder.Beside("x", time.Second)
	if nilRecorder.Phases() != nil || nilRecorder.Besides() != nil {
		t.Error("a nil recorder recorded phases")
	}
}

// TestWrite prints one row per phase, the share of the whole and the total.
func TestWrite(t *testing.T) {
	tests := []struct {
		name   string
		phases []Phase
		beside []Phase
		want   []string
	}{
		{"two phases", []Phase{
			{Name: "replay", Wall: 3 * time.Second, CPU: 5 * time.Second, PeakRSS: 120e6},
			{Name: "reports", Wall: time.Second, CPU: time.Second, PeakRSS: 80e6},
		}, nil, []string{"replay      3.00 s     5.00 s   75.0%      120 MB", "reports     1.00 s     1.00 s   25.0%       80 MB",
			"total       4.00 s     6.00 s              120 MB"}},
		{"beside", []Phase{{Name: "intervals", Wall: 2 * time.Second}}, []Phase{{Name: "predictions.parquet", Wall: 1500 * time.Millisecond}},
			[]string{"total         2.00 s", "beside the phases: predictions.parquet, 1.50 s wall"}},
		{"peak since start", []Phase{{Name: "replay", Wall: time.Second, PeakRSS: 1e6, PeakSinceStart: true}}, nil,
			[]string{"1 MB *", "* the process's peak since it started"}},
		{"unknown memory", []Phase{{Name: "replay", Wall: time.Second}}, nil, []string{"replay  ", " -\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := Write(&b, tt.phases, tt.beside); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("missing %q in\n%s", w, b.String())
				}
			}
		})
	}
}
