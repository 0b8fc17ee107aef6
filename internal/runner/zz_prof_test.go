package runner

import (
	"os"
	"runtime/pprof"
	"testing"
)

func TestZZLoadProfile(t *testing.T) {
	exp := os.Getenv("POC_PROFILE_EXP")
	if exp == "" {
		t.Skip("no POC_PROFILE_EXP")
	}
	f, _ := os.Create("/tmp/load.prof")
	pprof.StartCPUProfile(f)
	_, err := Load(exp)
	pprof.StopCPUProfile()
	if err != nil {
		t.Fatal(err)
	}
}
