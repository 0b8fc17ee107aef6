package verdict

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The package comment's promise: verdict holds criterion logic over plain
// values and imports, of poc, only the run folder's types, the number
// formats and the statistics (never metrics or a pipeline).
func TestImportsOnlyPlainValues(t *testing.T) {
	allowed := []string{"internal/results", "internal/format", "internal/stats"}
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in the package folder (%v)", err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if rest, ok := strings.CutPrefix(path, "github.com/poc-harness/poc/"); ok && !slices.Contains(allowed, rest) {
				t.Errorf("%s imports %s", fset.Position(imp.Pos()), path)
			}
		}
	}
}
