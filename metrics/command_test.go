package metrics_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/poc-harness/poc/metrics"
	"github.com/poc-harness/poc/metrics/metricstest"
)

// The test binary doubles as the metric subprocess: with POC_METRIC_HELPER
// set, TestMain runs commandHelper instead of the tests.
func TestMain(m *testing.M) {
	if mode := os.Getenv("POC_METRIC_HELPER"); mode != "" {
		os.Exit(commandHelper(mode))
	}
	os.Exit(m.Run())
}

// commandHelper reads the JSON lines and answers by mode:
//
//	per_record  1 when label == truth, 0 otherwise; null for a failed record
//	final       {"value": share of label == truth, "lo": 0.1, "hi": 0.9}
//	crash       write "boom" to stderr and exit 3
//	hang        never answer
//	garbage     print a line that is not a number
//	short       one line fewer than the records
//	environ     write the environment to the file $HELPER_OUT; {"value": 1}
func commandHelper(mode string) int {
	var lines []map[string]any
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			fmt.Fprintln(os.Stderr, "bad input line:", err)
			return 4
		}
		lines = append(lines, l)
	}
	hits := 0
	for _, l := range lines {
		if l["label"] == l["truth"] {
			hits++
		}
	}
	switch mode {
	case "per_record":
		for _, l := range lines {
			switch {
			case l["failed"] == true:
				fmt.Println("null")
			case l["label"] == l["truth"]:
				fmt.Println(1)
			default:
				fmt.Println(0)
			}
		}
	case "final":
		fmt.Printf(`{"value": %v, "lo": 0.1, "hi": 0.9}`+"\n", float64(hits)/float64(len(lines)))
	case "crash":
		fmt.Fprintln(os.Stderr, "boom")
		return 3
	case "hang":
		time.Sleep(time.Minute)
	case "garbage":
		fmt.Println("Traceback (most recent call last):")
	case "short":
		for range lines[1:] {
			fmt.Println(1)
		}
	case "environ":
		if err := os.WriteFile(os.Getenv("HELPER_OUT"), []byte(strings.Join(os.Environ(), "\n")), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 5
		}
		fmt.Println(`{"value": 1}`)
	}
	return 0
}

func commandMetric(t *testing.T, mode, keys string) metrics.Metric {
	t.Helper()
	t.Setenv("POC_METRIC_HELPER", mode)
	cmd, _ := json.Marshal([]string{os.Args[0]})
	// The program gets only the variables named: the helper's mode too.
	if !strings.Contains(keys, "pass_env:") {
		keys += ", pass_env: [POC_METRIC_HELPER]"
	}
	return buildWith(t, "command", fmt.Sprintf(`{command: %s, %s}`, cmd, strings.TrimPrefix(keys, ", ")))
}

func TestCommandPerRecord(t *testing.T) {
	obs := binaryObs()
	obs[4].Pred.Err = "timeout"
	m := commandMetric(t, "per_record", "mode: per_record")
	acc := m.New()
	for _, o := range obs {
		acc.Add(o)
	}
	r := acc.Result()
	// binaryObs: 15 of 20 correct; record 4 (a miss) failed and answers null.
	if r.Value != 15.0/19 || r.N != 19 {
		t.Errorf("value = %v (n=%d), want 15/19 (n=19); detail %+v", r.Value, r.N, r.Detail)
	}
	if d := r.Detail.(metrics.CommandDetail); d.NoValue != 1 || d.Error != "" {
		t.Errorf("detail = %+v", d)
	}
	rs, ok := acc.(metrics.Resampler)
	if !ok {
		t.Fatal("per_record is not a Resampler: no bootstrap interval")
	}
	if v := rs.ValueAt([]int{0, 0, 3}); v != 2.0/3 {
		t.Errorf("ValueAt([0 0 3]) = %v, want 2/3", v)
	}
	// Its values are 0 and 1: a share of outcomes, for a Wilson interval.
	if k, n, ok := acc.(metrics.Proportion).Counts(); !ok || k != 15 || n != 19 {
		t.Errorf("Counts() = %d/%d (%v), want 15/19", k, n, ok)
	}
	metricstest.Conformance(t, m, obs)
}

func TestCommandFinal(t *testing.T) {
	m := commandMetric(t, "final", "mode: final, timeout: 10s")
	acc := m.New()
	for _, o := range binaryObs() {
		acc.Add(o)
	}
	if r := acc.Result(); r.Value != 0.75 {
		t.Errorf("value = %v, want 0.75; detail %+v", r.Value, r.Detail)
	}
	if _, ok := acc.(metrics.Resampler); ok {
		t.Error("final mode must not claim per-record values")
	}
	lo, hi, ok := acc.(metrics.Bounded).Bounds()
	if !ok || lo != 0.1 || hi != 0.9 {
		t.Errorf("Bounds() = %v, %v, %v; want 0.1, 0.9, true", lo, hi, ok)
	}
	metricstest.Conformance(t, m, binaryObs())
}

func TestCommandFailures(t *testing.T) {
	tests := []struct{ mode, keys, want string }{
		{"crash", "", "exited with code 3; stderr: boom"},
		{"hang", "timeout: 300ms", "timed out after 300ms"},
		{"garbage", "", `answer line 1: "Traceback (most recent call last):" is not a number`},
		{"short", "", "answered 19 values for 20 records"},
		{"garbage", "mode: final", `is not {"value": number}`},
	}
	for _, tc := range tests {
		t.Run(tc.mode+" "+tc.keys, func(t *testing.T) {
			m := commandMetric(t, tc.mode, tc.keys)
			acc := m.New()
			for _, o := range binaryObs() {
				acc.Add(o)
			}
			start := time.Now()
			r := acc.Result()
			if !math.IsNaN(r.Value) {
				t.Errorf("value = %v, want NaN", r.Value)
			}
			d := r.Detail.(metrics.CommandDetail)
			if !strings.Contains(d.Error, tc.want) || !strings.Contains(d.Error, os.Args[0]) {
				t.Errorf("error = %q, want it to name the command and say %q", d.Error, tc.want)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
			if rs, ok := acc.(metrics.Resampler); ok && !math.IsNaN(rs.ValueAt([]int{0, 1})) {
				t.Error("ValueAt after a failure is not NaN")
			}
		})
	}
}

func TestCommandSpecErrors(t *testing.T) {
	tests := []struct{ keys, field, msg string }{
		{`{}`, "command", "missing"},
		{`{command: [x], mode: batch}`, "mode", "per_record or final"},
		{`{command: [x], timeout: -1s}`, "timeout", "positive"},
		{`{command: [x], pass_env: ["A=B"]}`, "pass_env[0]", "invalid variable name"},
		{`{command: [x], env: {"": v}}`, "env", "empty variable name"},
	}
	for _, tc := range tests {
		f, _ := metrics.Lookup("command")
		s := f()
		if err := yamlDecode(tc.keys, s); err != nil {
			t.Fatal(err)
		}
		_, err := s.Build(metrics.Env{Name: "m"})
		if err == nil || !strings.Contains(err.Error(), tc.field) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: err = %v, want %s: %s", tc.keys, err, tc.field, tc.msg)
		}
	}
}
