package runner

import (
	"context"
	"os"
	"runtime/pprof"
	"testing"
)

func TestZZProfile(t *testing.T) {
	path := os.Getenv("POC_PROFILE_EXP")
	if path == "" {
		t.Skip()
	}
	exp, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Create("/tmp/w/cpu.prof")
	pprof.StartCPUProfile(f)
	_, err = Run(context.Background(), exp, Options{Out: t.TempDir()})
	pprof.StopCPUProfile()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
}
