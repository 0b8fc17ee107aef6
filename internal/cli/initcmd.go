package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/poc-harness/poc/experiments"
	"github.com/poc-harness/poc/internal/gen/cardfraud"
	"github.com/poc-harness/poc/internal/gen/credit"
	"github.com/poc-harness/poc/internal/gen/tickets"
	"github.com/spf13/cobra"
)

// template is one experiment `poc init` writes: its file among the
// embedded examples, the files it needs beside it, and its example data.
type template struct {
	doc   string
	file  string   // in experiments.Files
	extra []string // more files of experiments.Files, written at the same place
	data  string   // the dataset's path, relative to the experiment
	write func(path string) error
}

// templates are what `poc init --template` offers, by name.
var templates = map[string]template{
	"fraud": {doc: "card-fraud screening: rules, analysts and a shadow-mode model (offline)", file: "card-fraud.yaml",
		data: "data/card-transactions.parquet", write: func(path string) error {
			return cardfraud.WriteParquet(path, cardfraud.Generate(2000, cardfraud.DefaultSeed))
		}},
	"triage": {doc: "support-ticket routing by an LLM against keyword rules and the agents (needs an API key to run)",
		file: "support-triage.yaml", extra: []string{"prompts/triage-system.txt"}, data: "data/support-tickets.jsonl",
		write: func(path string) error { return tickets.WriteJSONL(path, tickets.Generate(300, tickets.DefaultSeed)) }},
	"credit": {doc: "loan decisions: a learned scorecard against the loan officers (offline)", file: "templates/credit.yaml",
		data: "data/loan-applications.csv", write: func(path string) error {
			return credit.WriteCSV(path, credit.Generate(3000, 20250101))
		}},
	"extraction": {doc: "structured extraction of a ticket's queue and urgency as JSON by an LLM (needs an API key to run)",
		file: "templates/extraction.yaml", data: "data/support-tickets.jsonl",
		write: func(path string) error { return tickets.WriteJSONL(path, tickets.Generate(300, tickets.DefaultSeed)) }},
}

// templateNames lists the templates, sorted.
func templateNames() []string {
	var names []string
	for n := range templates {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func newInitCmd(io IO) *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "init [--template fraud|triage|credit|extraction] [FOLDER]",
		Short: "Write a commented experiment and its example data into a new folder, to start from",
		Long: `Write a commented experiment file (experiment.yaml) and, beside it, a small
synthetic dataset it replays, into FOLDER (default poc-<template>), which must
not exist or be empty: nothing is overwritten. poc validate accepts the file as
written; replace the data and the columns with yours. Templates:
` + templateList(),
		Example: "  poc init\n  poc init --template credit loan-poc && poc run loan-poc/experiment.yaml",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			t, ok := templates[name]
			if !ok {
				msg := fmt.Sprintf("no template %q: choose one of %s", name, strings.Join(templateNames(), ", "))
				if s := closestType(name, templateNames()); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				return usageError{errors.New(msg)}
			}
			dir := "poc-" + name
			if len(args) == 1 {
				dir = args[0]
			}
			return initExperiment(io, dir, name, t)
		},
	}
	cmd.Flags().StringVar(&name, "template", "fraud", "the experiment to start from: "+strings.Join(templateNames(), ", "))
	_ = cmd.RegisterFlagCompletionFunc("template", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []cobra.Completion
		for _, n := range templateNames() {
			out = append(out, cobra.CompletionWithDesc(n, templates[n].doc))
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// templateList is the templates, one a line, for the help.
func templateList() string {
	var b strings.Builder
	for _, n := range templateNames() {
		fmt.Fprintf(&b, "  %-11s %s\n", n, templates[n].doc)
	}
	return strings.TrimRight(b.String(), "\n")
}

// experimentNameRE is what an experiment's name may be (the loader's rule).
var experimentNameRE = regexp.MustCompile(`[^a-z0-9_-]+`)

// initExperiment writes template t into dir: the experiment, named after
// the folder, its extra files, and its data.
func initExperiment(io IO, dir, templateName string, t template) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		var names []string
		for _, e := range entries[:min(3, len(entries))] {
			names = append(names, e.Name())
		}
		return usageError{fmt.Errorf("%s is not empty (it holds %s): poc init writes into a new or empty folder and overwrites nothing", dir, strings.Join(names, ", "))}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("init %s: %w", dir, err)
	}
	src, err := fs.ReadFile(experiments.Files, t.file)
	if err != nil {
		return fmt.Errorf("init: template %s: %w", templateName, err)
	}
	name := strings.Trim(experimentNameRE.ReplaceAllString(strings.ToLower(filepath.Base(dir)), "-"), "-_")
	if name == "" || !regexp.MustCompile(`^[a-z0-9]`).MatchString(name) {
		name = "poc-" + templateName
	}
	text := regexp.MustCompile(`(?m)^name: .*$`).ReplaceAllString(string(src), "name: "+name)
	// The shipped examples' comments speak of the repository; the copy's
	// speak of itself.
	text = strings.ReplaceAll(text, "go run ./cmd/poc run experiments/"+filepath.Base(t.file), "poc run experiment.yaml")
	text = strings.ReplaceAll(text, "go run ./cmd/poc plan experiments/"+filepath.Base(t.file), "poc plan experiment.yaml")
	text = strings.ReplaceAll(text, "The data is synthetic and ships with poc (see data/README.md)", "The data is synthetic, written by poc init")
	files := map[string][]byte{"experiment.yaml": []byte(text)}
	for _, e := range t.extra {
		b, err := fs.ReadFile(experiments.Files, e)
		if err != nil {
			return fmt.Errorf("init: template %s: %w", templateName, err)
		}
		files[e] = b
	}
	for rel, b := range files {
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("init: %w", err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return fmt.Errorf("init: %w", err)
		}
	}
	data := filepath.Join(dir, t.data)
	if err := os.MkdirAll(filepath.Dir(data), 0o755); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	if err := t.write(data); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	exp := filepath.Join(dir, "experiment.yaml")
	fmt.Fprintf(io.Out, "wrote %s (experiment %s, from the %s template) and its synthetic data %s\n", exp, name, templateName, data)
	shell := exp
	if strings.ContainsAny(shell, " '\"$\\") {
		shell = "'" + strings.ReplaceAll(shell, "'", `'\''`) + "'"
	}
	fmt.Fprintf(io.Out, "next: poc validate %s, then poc run %s (replace the data and its columns with yours)\n", shell, shell)
	return nil
}
