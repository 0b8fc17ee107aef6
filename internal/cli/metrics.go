package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/poc-harness/poc/datasets/fieldexpr"
	"github.com/poc-harness/poc/metrics"
	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
)

// MetricsOptions are the inputs of `poc metrics`.
type MetricsOptions struct {
	// JSON prints the list as JSON instead of a table.
	JSON bool
}

func newMetricsCmd(io IO) *cobra.Command {
	opts := &MetricsOptions{}
	cmd := &cobra.Command{
		Use:   "metrics [TYPE]",
		Short: "List the metric types an experiment file can use, or show one with its keys",
		Long: `List every registered metric type with the way it improves (higher or lower
is better), the pipeline outputs it reads (label, score, text, fields, or any)
and what it measures; on a terminal the descriptions wrap to its width. Use a
type as a bare name in the experiment's metrics: list, or as {name: ..., type:
...} with its keys (see metrics/README.md). With a TYPE, show that one: its
keys and how to write it.`,
		Example: "  poc metrics\n  poc metrics weighted_recall\n  poc metrics --json",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 1 {
				return showMetric(io, args[0], opts)
			}
			return listMetrics(io, opts, terminalWidth(io.Out))
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var types []cobra.Completion
			for _, info := range metrics.Types() {
				types = append(types, cobra.CompletionWithDesc(info.Type, info.Doc))
			}
			return types, cobra.ShellCompDirectiveNoFileComp
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the list (or the one type) as JSON")
	return cmd
}

// metricInfo is one metric type in `poc metrics --json`.
type metricInfo struct {
	Type      string      `json:"type"`
	Direction string      `json:"direction"`
	Accepts   []string    `json:"accepts"`
	Doc       string      `json:"doc"`
	Keys      []metricKey `json:"keys"`
}

// metricKey is a key a metric type takes in its {name: ..., type: ...}
// block, and what it takes.
type metricKey struct {
	Key   string `json:"key"`
	Takes string `json:"takes"`
}

func infoOf(info metrics.Info) metricInfo {
	return metricInfo{Type: info.Type, Direction: info.Direction.String(), Accepts: info.Accepts, Doc: info.Doc, Keys: keysOf(info.Type)}
}

// keysOf are the keys of a metric type, from its spec's YAML fields.
func keysOf(typ string) []metricKey {
	keys := []metricKey{}
	factory, ok := metrics.Lookup(typ)
	if !ok {
		return keys
	}
	t := reflect.TypeOf(factory())
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return keys
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		keys = append(keys, metricKey{Key: name, Takes: takes(f.Type)})
	}
	return keys
}

// takes says what a value of type t is, as a user writes it in YAML.
func takes(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(takes(t.Elem()), "a "), "an ")
	case reflect.Map:
		return "a mapping"
	case reflect.Pointer:
		return takes(t.Elem())
	}
	return "a block"
}

// showMetric prints one metric type with its keys.
func showMetric(io IO, typ string, opts *MetricsOptions) error {
	var found *metrics.Info
	var names []string
	for _, info := range metrics.Types() {
		names = append(names, info.Type)
		if info.Type == typ {
			found = &info
		}
	}
	if found == nil {
		msg := fmt.Sprintf("no metric type %q", typ)
		if s := closestType(typ, names); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		return usageError{fmt.Errorf("%s (poc metrics lists them)", msg)}
	}
	mi := infoOf(*found)
	if opts.JSON {
		return writeJSON(io.Out, mi, "write metric")
	}
	w := io.Out
	fmt.Fprintf(w, "%s: %s\n\n", mi.Type, mi.Doc)
	fmt.Fprintf(w, "  better:  %s\n  reads:   %s\n", mi.Direction, strings.Join(mi.Accepts, ", "))
	if len(mi.Keys) == 0 {
		fmt.Fprintf(w, "  keys:    none\n\n  metrics:\n    - %s\n", mi.Type)
		return nil
	}
	fmt.Fprintf(w, "  keys:\n")
	example := []string{"name: my_" + mi.Type, "type: " + mi.Type}
	for _, k := range mi.Keys {
		fmt.Fprintf(w, "    %-12s %s\n", k.Key, k.Takes)
		example = append(example, k.Key+": …")
	}
	fmt.Fprintf(w, "\n  metrics:\n    - {%s}\n\n  metrics/README.md says what each key means.\n", strings.Join(example, ", "))
	return nil
}

// closestType is the metric type a misspelt or shortened name most likely
// means: the only type it starts (roc for roc_auc), else the closest by
// spelling.
func closestType(typ string, names []string) string {
	var prefixed []string
	for _, n := range names {
		if strings.HasPrefix(n, typ) {
			prefixed = append(prefixed, n)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return fieldexpr.Closest(typ, names)
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any, what string) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// listMetrics prints every metric type; on a terminal of width columns
// (0: not a terminal) the descriptions wrap to it.
func listMetrics(io IO, opts *MetricsOptions, width int) error {
	infos := metrics.Types()
	if opts.JSON {
		list := make([]metricInfo, len(infos))
		for i, info := range infos {
			list[i] = infoOf(info)
		}
		return writeJSON(io.Out, list, "write metric list")
	}
	rows := [][4]string{{"TYPE", "BETTER", "ACCEPTS", "DESCRIPTION"}}
	for _, info := range infos {
		rows = append(rows, [4]string{info.Type, info.Direction.String(), strings.Join(info.Accepts, ","), info.Doc})
	}
	var cols [3]int
	for _, r := range rows {
		for c := range cols {
			cols[c] = max(cols[c], len(r[c]))
		}
	}
	indent := cols[0] + cols[1] + cols[2] + 3*2
	docWidth := 0 // no wrapping
	if width > 0 && width-indent >= 30 {
		docWidth = width - indent
	}
	var b strings.Builder
	for _, r := range rows {
		lines := wrap(r[3], docWidth)
		fmt.Fprintf(&b, "%-*s  %-*s  %-*s  %s\n", cols[0], r[0], cols[1], r[1], cols[2], r[2], lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(&b, "%*s%s\n", indent, "", l)
		}
	}
	if _, err := io.Out.Write([]byte(b.String())); err != nil {
		return fmt.Errorf("write metric list: %w", err)
	}
	return nil
}

// wrap breaks text into lines of at most width runes at spaces (a longer
// word keeps its own line); width 0 keeps it whole.
func wrap(text string, width int) []string {
	if width <= 0 {
		return []string{text}
	}
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	return append(lines, line)
}

// terminalWidth is the width of the terminal w writes to, 0 when it is not
// one; COLUMNS, when set to a number, wins.
func terminalWidth(w any) int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	f, ok := w.(*os.File)
	if !ok || !isTerminal(w) {
		return 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
