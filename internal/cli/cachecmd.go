package cli

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/poc-harness/poc/internal/cache"
	"github.com/poc-harness/poc/internal/format"
	"github.com/spf13/cobra"
)

// newCacheCmd is `poc cache stats|clear`: what the response cache holds,
// and removing what is old.
func newCacheCmd(io IO) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Show what the response cache holds, or clear it",
		Long: `The response cache keeps every answer of an LLM or HTTP pipeline, so that a
rerun pays for nothing. poc cache stats shows how many answers it holds, their
size and age; poc cache clear --older-than 30d removes the answers stored
more than 30 days ago (a rerun of an experiment that used them pays for them
again); poc cache clear --all removes every one.`,
		Args: exactArgs(0, "stats or clear"),
	}
	cmd.PersistentFlags().StringVar(&dir, "cache-dir", "", "response cache folder (default $POC_CACHE_DIR, else the user cache folder)")
	// open opens the cache folder, without making one: a folder that is not
	// there holds no answer (nil), and one named with --cache-dir that is
	// not there is more likely a typo.
	open := func() (*cache.Disk, string, error) {
		d := dir
		if d == "" {
			var err error
			if d, err = cache.DefaultDir(); err != nil {
				return nil, "", err
			}
		}
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			if dir != "" {
				return nil, d, usageError{fmt.Errorf("--cache-dir %s: no response cache there (%s)", d, cmp.Or(errText(err), "not a folder"))}
			}
			return nil, d, nil
		}
		c, err := cache.Open(d)
		return c, d, err
	}
	stats := &cobra.Command{
		Use:   "stats",
		Short: "Show how many answers the response cache holds, their size and age",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(*cobra.Command, []string) error {
			d, path, err := open()
			if err != nil {
				return err
			}
			if d == nil {
				fmt.Fprintf(io.Out, "%s: no answers (the folder does not exist yet)\n", path)
				return nil
			}
			u, err := d.Usage()
			if err != nil {
				return err
			}
			fmt.Fprintf(io.Out, "%s: %s answer%s, %s", d.Dir(), format.Group(int64(u.Entries)), plural(u.Entries), bytesText(u.Bytes))
			if u.Entries > 0 {
				fmt.Fprintf(io.Out, "; oldest %s, newest %s", u.Oldest.UTC().Format(time.DateTime+" UTC"), u.Newest.UTC().Format(time.DateTime+" UTC"))
			}
			fmt.Fprintln(io.Out)
			if u.Leftovers > 0 {
				fmt.Fprintf(io.Out, "%d temporary files of writes that never finished (poc cache clear removes those older than 10 minutes)\n", u.Leftovers)
			}
			return nil
		},
	}
	var olderThan string
	var all bool
	clearCmd := &cobra.Command{
		Use:   "clear (--older-than AGE | --all)",
		Short: "Remove the answers stored before an age (30d, 12h), or every answer",
		Example: `  poc cache clear --older-than 30d
  poc cache clear --all --cache-dir /tmp/poc-cache`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(*cobra.Command, []string) error {
			var cutoff time.Time
			switch {
			case all && olderThan != "":
				return usageError{errors.New("--all and --older-than say different things: give one")}
			case !all && olderThan == "":
				return usageError{errors.New("say what to remove: --older-than AGE (e.g. 30d) or --all; a rerun pays again for every answer removed")}
			case olderThan != "":
				age, err := parseAge(olderThan)
				if err != nil {
					return usageError{fmt.Errorf("--older-than %q: %w", olderThan, err)}
				}
				if age == 0 {
					fmt.Fprintln(io.Err, "poc: --older-than 0 removes every answer, as --all does")
				}
				cutoff = time.Now().Add(-age)
			}
			d, path, err := open()
			if err != nil {
				return err
			}
			if d == nil {
				fmt.Fprintf(io.Out, "%s: no answers to remove (the folder does not exist)\n", path)
				return nil
			}
			removed, bytes, err := d.Clear(cutoff)
			if err != nil {
				return err
			}
			fmt.Fprintf(io.Out, "%s: removed %s answer%s (%s)\n", d.Dir(), format.Group(int64(removed)), plural(removed), bytesText(bytes))
			return nil
		},
	}
	clearCmd.Flags().StringVar(&olderThan, "older-than", "", "remove the answers stored longer ago than this: 30d, 2w, 12h, 90m")
	clearCmd.Flags().BoolVar(&all, "all", false, "remove every answer")
	cmd.AddCommand(stats, clearCmd)
	return cmd
}

// errText is err's text, "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// parseAge reads an age: a Go duration (12h, 90m) or a whole number of
// days or weeks (30d, 2w).
func parseAge(s string) (time.Duration, error) {
	unit := map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour}
	for suffix, u := range unit {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			k, err := strconv.Atoi(n)
			if err != nil || k < 0 {
				return 0, errors.New("want a whole number of days or weeks (30d, 2w) or a duration (12h, 90m)")
			}
			return time.Duration(k) * u, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, errors.New("want a whole number of days or weeks (30d, 2w) or a duration (12h, 90m)")
	}
	return d, nil
}

// bytesText is a size as people read it: 12.3 MB.
func bytesText(b int64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", b)
}
