package cache_test

// Tests of the cache with the pipelines that use it: internal/cache imports
// nothing of poc, but its tests may (internal packages sit above pipeline).

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/poc-harness/poc/datasets"
	"github.com/poc-harness/poc/internal/cache"
	"github.com/poc-harness/poc/pipeline"
	"github.com/poc-harness/poc/pipeline/httpmodel"
	"github.com/poc-harness/poc/pipeline/llm"
	"github.com/poc-harness/poc/pipeline/llm/llmtest"
	"github.com/poc-harness/poc/pipeline/remote"
)

const apiKey = "sk-cache-test-S3CRET-777"

func llmPipeline(t *testing.T, baseURL string, c pipeline.Cache) pipeline.Pipeline {
	t.Helper()
	s := &llm.Spec{
		ModelSettings: remote.ModelSettings{BaseURL: baseURL, Model: "gpt-4o-mini"},
		Prompt:        "{{.text}}",
	}
	p, err := s.Build(pipeline.Env{Name: "p", Columns: []string{"text"}, Cache: c,
		LookupEnv: func(name string) (string, bool) { return apiKey, name == llm.DefaultAPIKeyEnv }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.(io.Closer).Close() })
	return p
}

// twoDisks opens the same folder twice, as two runs do: their leases are
// separate open files, which flock(2) sets against each other.
func twoDisks(t *testing.T) (*cache.Disk, *cache.Disk) {
	t.Helper()
	dir := t.TempDir()
	a, err := cache.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := cache.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

// both runs p and q on rec at the same time.
func both(t *testing.T, p, q pipeline.Pipeline, rec datasets.Record) [2]pipeline.Output {
	t.Helper()
	var outs [2]pipeline.Output
	var wg sync.WaitGroup
	for i, pl := range []pipeline.Pipeline{p, q} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := pl.Predict(context.Background(), rec)
			if err != nil {
				t.Error(err)
			}
			outs[i] = out
		}()
	}
	wg.Wait()
	return outs
}

// oneCachedOnePaid checks that of two outputs for the same request one was
// paid and the other came from the cache with the same answer.
func oneCachedOnePaid(t *testing.T, outs [2]pipeline.Output) {
	t.Helper()
	if outs[0].Cached == outs[1].Cached || outs[0].Raw != outs[1].Raw {
		t.Errorf("outputs %+v / %+v: want one paid and one cached, same answer", outs[0], outs[1])
	}
}

func TestSharedFolderPaysOnceLLM(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithLatency(150*time.Millisecond))
	a, b := twoDisks(t)
	p, q := llmPipeline(t, srv.URL, a), llmPipeline(t, srv.URL, b)
	outs := both(t, p, q, datasets.Record{Fields: map[string]any{"text": "where is my parcel"}})
	if n := srv.Count(); n != 1 {
		t.Fatalf("the server saw %d requests for one record, want 1", n)
	}
	oneCachedOnePaid(t, outs)
}

func TestSharedFolderPaysOnceHTTP(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		time.Sleep(150 * time.Millisecond)
		io.WriteString(w, `{"label":"1"}`)
	}))
	t.Cleanup(srv.Close)
	a, b := twoDisks(t)
	build := func(c pipeline.Cache) pipeline.Pipeline {
		s := &httpmodel.Spec{URL: srv.URL, Body: map[string]any{"x": "{{.x}}"}, Label: "label"}
		p, err := s.Build(pipeline.Env{Cache: c})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	outs := both(t, build(a), build(b), datasets.Record{Fields: map[string]any{"x": 1.0}})
	if got := n.Load(); got != 1 {
		t.Fatalf("the server saw %d requests for one record, want 1", got)
	}
	oneCachedOnePaid(t, outs)
}

// TestEchoedKeyNotOnDisk: a server that echoes the API key in its answer;
// no file of the cache folder holds the key.
func TestEchoedKeyNotOnDisk(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.WithResponder(func(openai.ChatCompletionRequest) string {
		return "sure, your key " + apiKey + " works"
	}))
	d, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := llmPipeline(t, srv.URL, d)
	out, err := p.Predict(context.Background(), datasets.Record{Fields: map[string]any{"text": "hello"}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.Raw+out.Text+out.Label, apiKey) {
		t.Errorf("the key is in the output %+v", out)
	}
	files := 0
	err = filepath.WalkDir(d.Dir(), func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		if strings.HasSuffix(path, ".json") {
			files++ // the answer; the folder also holds the lease file
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), apiKey) {
			t.Errorf("the key is on disk in %s", path)
		}
		return nil
	})
	if err != nil || files != 1 {
		t.Errorf("walk: %v, %d values (want 1)", err, files)
	}
}
