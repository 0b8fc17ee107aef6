package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func ptr(f float64) *float64 { return &f }

// appendEntry appends e as a line of format 1, the journals written before
// the header (a line that stands alone: the pipeline by name, every field
// of its record), which every reader still reads.
func appendEntry(dst []byte, e *Entry) []byte {
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendInt(dst, int64(e.Seq), 10)
	dst = appendString(append(dst, `,"id":`...), e.ID)
	dst = appendString(append(dst, `,"pipeline":`...), e.Pipeline)
	dst = appendString(append(dst, `,"truth":`...), e.Truth)
	dst = appendPrediction(dst, e, `,"latency_ms":`)
	dst = appendOptionalString(dst, `,"time":`, e.Time)
	if len(e.Segments) > 0 {
		dst = append(dst, `,"segments":{`...)
		for i, k := range slices.Sorted(maps.Keys(e.Segments)) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(append(appendString(dst, k), ':'), e.Segments[k])
		}
		dst = append(dst, '}')
	}
	return append(dst, "}\n"...)
}

// oneRecord is the journal of e alone, as the replay writes it: the header
// (its pipeline and its segment columns, in sorted order), then e's line.
func oneRecord(e *Entry) []byte {
	cols := slices.Sorted(maps.Keys(e.Segments))
	values := make([]string, len(cols))
	for i, c := range cols {
		values[i] = e.Segments[c]
	}
	var record []byte
	if e.Time != "" {
		record = appendString(append(record, `,"time":`...), e.Time)
	}
	record = AppendRecordSegments(record, values)
	return AppendEntryRecord(AppendJournalHeader(nil, []string{e.Pipeline}, cols), e, 0, record, true)
}

// The replay's lines read back, through ReadJournal, as the entry encoded,
// every field and odd character included; so do the self-contained lines
// of format 1, which encoding/json reads alike; and where encoding/json can
// encode the entry (no NaN or infinity), its line reads the same.
func TestJournalRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		in   Entry
		// want is the entry read back, when it differs from in.
		want *Entry
	}{
		{"minimal", Entry{Seq: 0, ID: "1", Pipeline: "p"}, nil},
		{"every field", Entry{Seq: 123456, ID: "T-1", Pipeline: "llm", Truth: "billing", Label: "billing",
			Score: ptr(0.93), LatencyMS: 812.345, Cost: 0.00042, Error: "timeout", Unparseable: true,
			Text: "free text", Fields: map[string]any{"k": "v", "n": 2.5, "list": []any{"a", 1.0}, "nested": map[string]any{"x": true}},
			Raw: `{"label": "billing"}`, InputTokens: 412, OutputTokens: 31, Cached: true, Attempts: 3,
			Time: "2026-03-04T10:00:00Z", Segments: map[string]string{"country": "DE", "channel": "web", "a": ""}}, nil},
		{"numbers", Entry{Seq: 1, ID: "n", Pipeline: "p", Score: ptr(-0.0), LatencyMS: 1e-7, Cost: 123456789012345678}, nil},
		{"tiny and huge", Entry{Seq: 1, ID: "n", Pipeline: "p", Score: ptr(5e-324), LatencyMS: 1e21, Cost: math.MaxFloat64}, nil},
		{"quotes and control characters", Entry{Seq: 2, ID: "quote \" back\\slash \n\r\t \x00 \x01 \x1f \x7f <script>&",
			Pipeline: "p|q \"x\"", Raw: "tab\there", Error: "line\nbreak", Segments: map[string]string{"c\"1": "v\n"}}, nil},
		{"unicode", Entry{Seq: 3, ID: "ünïcödé 日本語 🎉", Pipeline: "π", Text: "line\u2028sep\u2029para",
			Segments: map[string]string{"país": "España"}}, nil},
		{"invalid UTF-8", Entry{Seq: 4, ID: "bad \xff\xfe byte", Pipeline: "p"},
			&Entry{Seq: 4, ID: "bad \ufffd\ufffd byte", Pipeline: "p"}},
		{"empty maps", Entry{Seq: 5, ID: "e", Pipeline: "p", Fields: map[string]any{}, Segments: map[string]string{}},
			&Entry{Seq: 5, ID: "e", Pipeline: "p"}},
		{"NaN score", Entry{Seq: 6, ID: "s", Pipeline: "p", Score: ptr(math.NaN())}, &Entry{Seq: 6, ID: "s", Pipeline: "p"}},
		{"infinite score and cost", Entry{Seq: 7, ID: "s", Pipeline: "p", Score: ptr(math.Inf(1)), Cost: math.Inf(-1), LatencyMS: math.NaN()},
			&Entry{Seq: 7, ID: "s", Pipeline: "p"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want == nil {
				want = &tc.in
			}
			journal := oneRecord(&tc.in)
			if lines := bytes.Count(journal, []byte("\n")); lines != 2 || journal[len(journal)-1] != '\n' {
				t.Fatalf("journal %q is not a header and one line, each ending with a newline", journal)
			}
			checkReads(t, journal, *want)
			old := appendEntry(nil, &tc.in)
			checkReads(t, old, *want)
			var viaJSON Entry
			if err := json.Unmarshal(old, &viaJSON); err != nil || !reflect.DeepEqual(viaJSON, *want) {
				t.Errorf("encoding/json reads %s as\n%+v (%v), want\n%+v", old, viaJSON, err, *want)
			}
			if b, err := json.Marshal(tc.in); err == nil {
				checkReads(t, append(b, '\n'), *want)
			}
		})
	}
}

// checkReads checks that ReadJournal reads journal as the one entry want.
func checkReads(t *testing.T, journal []byte, want Entry) {
	t.Helper()
	var read []Entry
	if err := ReadJournal(bytes.NewReader(journal), func(e Entry) error { read = append(read, e); return nil }); err != nil {
		t.Fatalf("ReadJournal of %s: %v", journal, err)
	}
	if len(read) != 1 || !reflect.DeepEqual(read[0], want) {
		t.Errorf("ReadJournal reads %s as\n%+v, want\n%+v", journal, read, want)
	}
}

// The replay's encoder, with the record-level fields encoded once, writes
// them on a record's first line and none of them on its other lines, which
// give only their pipeline's number, and allocates nothing; ReadJournal and
// JournalRecords give every line its pipeline's name and the record's
// fields.
func TestAppendEntryRecord(t *testing.T) {
	e := Entry{Seq: 9, ID: "r\"9", Pipeline: "p", Truth: "1", Label: "1", Score: ptr(0.5), LatencyMS: 1.5, Raw: `{"a":"b"}`}
	at := time.Date(2026, 3, 4, 11, 0, 0, 0, time.FixedZone("CET", 3600))
	var record []byte
	record = AppendRecordTime(record, at)
	record = AppendRecordSegments(record, []string{"DE", "we\nb"})
	header := AppendJournalHeader(nil, []string{"p", "q"}, []string{"country", "chan\"nel"})
	first := AppendEntryRecord(nil, &e, 0, record, true)
	want := e
	want.Time, want.Segments = "2026-03-04T10:00:00Z", map[string]string{"country": "DE", "chan\"nel": "we\nb"}
	other := e
	other.Pipeline, other.Label, other.Score, other.Cost, other.Raw = "q", "0", nil, 0.25, ""
	second := AppendEntryRecord(nil, &other, 1, record, false)
	for _, key := range []string{`"seq"`, `"id"`, `"truth"`, `"time"`, `"seg"`, `"pipeline"`} {
		if strings.Contains(string(second), key) {
			t.Errorf("a record's second line %s holds %s", second, key)
		}
	}
	if want := `{"p":1,"label":"0","ms":1.5,"cost":0.25}` + "\n"; string(second) != want {
		t.Errorf("second line %s, want %s", second, want)
	}
	next := Entry{Seq: 10, ID: "r10", Pipeline: "p", Label: "0", LatencyMS: 2} // no truth, time or segments of its own
	journal := string(header) + string(first) + string(second) + string(AppendEntryRecord(nil, &next, 0, nil, true)) +
		string(AppendEntryRecord(nil, &Entry{Seq: 10, Pipeline: "q", Label: "1"}, 1, nil, false))
	wantOther := other
	wantOther.ID, wantOther.Truth, wantOther.Time, wantOther.Segments = want.ID, want.Truth, want.Time, want.Segments
	wantAll := []Entry{want, wantOther, next, {Seq: 10, ID: "r10", Pipeline: "q", Label: "1"}}
	var read []Entry
	if err := ReadJournal(strings.NewReader(journal), func(e Entry) error { read = append(read, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(read, wantAll) {
		t.Errorf("ReadJournal gives\n%+v, want\n%+v", read, wantAll)
	}
	records, _, err := JournalRecords(strings.NewReader(journal), []string{"p", "q"})
	if err != nil || len(records) != 0 {
		// The journal starts at record 9: JournalRecords wants record 0 first.
		t.Errorf("JournalRecords of a journal from record 9: %d records, %v", len(records), err)
	}
	from0 := strings.ReplaceAll(strings.ReplaceAll(journal, `"seq":9,`, `"seq":0,`), `"seq":10,`, `"seq":1,`)
	records, ends, err := JournalRecords(strings.NewReader(from0), []string{"p", "q"})
	if err != nil || len(records) != 2 || records[0][1].ID != want.ID || records[0][1].Truth != "1" ||
		!reflect.DeepEqual(records[0][1].Segments, want.Segments) || records[1][1].ID != "r10" || records[1][1].Time != "" {
		t.Errorf("JournalRecords gives %+v, %v; want each record's fields on both its lines", records, err)
	}
	if len(ends) != 2 || ends[1] != int64(len(from0)) || ends[0] != int64(len(header)+len(first)+len(second)) {
		t.Errorf("record ends %v, want the header counted before the first record's lines", ends)
	}
	if s := string(AppendRecordSegments(nil, nil)); s != "" {
		t.Errorf("no segments encode as %q, want nothing", s)
	}
	dst := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() { dst = AppendEntryRecord(dst[:0], &e, 0, record, true) }); n != 0 {
		t.Errorf("AppendEntryRecord allocates %v times per line, want 0", n)
	}
}

// A resumed attempt appends its own header: a journal whose lines change
// format (an old run resumed) or whose pipelines' numbers change between
// attempts reads line by line against the header before it.
func TestJournalHeaders(t *testing.T) {
	var j []byte
	j = appendEntry(j, &Entry{Seq: 0, ID: "a", Pipeline: "rules", Truth: "1", Label: "1", Segments: map[string]string{"c": "DE"}})
	j = appendEntry(j, &Entry{Seq: 0, Pipeline: "llm", Label: "0"})
	j = AppendJournalHeader(j, []string{"llm", "rules"}, []string{"c"})
	j = AppendEntryRecord(j, &Entry{Seq: 1, ID: "b", Truth: "0", Label: "0"}, 1, AppendRecordSegments(nil, []string{"FR"}), true)
	j = AppendEntryRecord(j, &Entry{Label: "1", LatencyMS: 3}, 0, nil, false)
	var got []string
	err := ReadJournal(bytes.NewReader(j), func(e Entry) error {
		got = append(got, fmt.Sprintf("%d %s %s %s %s %s %g", e.Seq, e.ID, e.Pipeline, e.Truth, e.Label, e.Segments["c"], e.LatencyMS))
		return nil
	})
	want := []string{"0 a rules 1 1 DE 0", "0 a llm 1 0 DE 0", "1 b rules 0 0 FR 0", "1 b llm 0 1 FR 3"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("read %q (%v), want %q", got, err, want)
	}
	// A later header's segment columns name the same values anew.
	var two []byte
	two = AppendJournalHeader(two, []string{"p"}, []string{"country"})
	two = AppendEntryRecord(two, &Entry{Seq: 0, ID: "a"}, 0, AppendRecordSegments(nil, []string{"DE"}), true)
	two = AppendJournalHeader(two, []string{"p"}, []string{"region"})
	two = AppendEntryRecord(two, &Entry{Seq: 1, ID: "b"}, 0, AppendRecordSegments(nil, []string{"DE"}), true)
	var segs []map[string]string
	if err := ReadJournal(bytes.NewReader(two), func(e Entry) error { segs = append(segs, e.Segments); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := []map[string]string{{"country": "DE"}, {"region": "DE"}}; !reflect.DeepEqual(segs, want) {
		t.Errorf("segments across two headers %v, want %v", segs, want)
	}
	bad := []struct{ name, journal, err string }{
		{"number before a header", `{"seq":0,"id":"a","p":0,"label":"1"}` + "\n", `journal line 1: a line with a pipeline number ("p") before any header`},
		{"number past the header", string(AppendJournalHeader(nil, []string{"a"}, nil)) + `{"seq":0,"p":1}` + "\n",
			"journal line 2: pipeline number 1, where the header names 1 pipelines"},
		{"segments the header lacks", string(AppendJournalHeader(nil, []string{"a"}, []string{"c"})) + `{"seq":0,"p":0,"seg":["x","y"]}` + "\n",
			"journal line 2: 2 segment values, where the header names 1 segment columns"},
		{"a later line first", string(AppendJournalHeader(nil, []string{"a"}, nil)) + `{"p":0}` + "\n",
			"journal line 2: a line without a seq before any record's first line"},
		{"a newer format", `{"journal":3,"pipelines":["a"]}` + "\n", "journal line 1: journal format 3, newer than this poc's (2)"},
	}
	for _, tc := range bad {
		err := ReadJournal(strings.NewReader(tc.journal), func(Entry) error { return nil })
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.err)
		}
	}
}

func TestReadJournal(t *testing.T) {
	ok := func(seq string) string {
		return `{"seq":` + seq + `,"id":"r","pipeline":"p","truth":"1","label":"1","latency_ms":1,"cost":0}`
	}
	long := `{"seq":0,"id":"r","pipeline":"p","raw":"` + strings.Repeat("x", 200_000) + `"}`
	tests := []struct {
		name    string
		journal string
		seqs    []int
		err     string // a part of the error, or "" for none
	}{
		{"empty", "", nil, ""},
		{"complete", ok("0") + "\n" + ok("1") + "\n", []int{0, 1}, ""},
		{"torn last line", ok("0") + "\n" + `{"seq":1,"id":"2","pipe`, []int{0}, ""},
		{"last line without its newline", ok("0") + "\n" + ok("1"), []int{0, 1}, ""},
		{"line longer than the buffer", long + "\n" + ok("1") + "\n", []int{0, 1}, ""},
		{"invalid JSON in the middle", ok("0") + "\n" + `{"seq":1,` + "\n" + ok("2") + "\n", nil, "journal line 2"},
		{"invalid last line with its newline", ok("0") + "\n" + `{"seq":1` + "\n", nil, "journal line 2"},
		{"blank line", ok("0") + "\n\n" + ok("1") + "\n", nil, "journal line 2"},
		{"no pipeline", `{"seq":0,"id":"r"}` + "\n", nil, "journal line 1: no pipeline"},
		{"negative seq", `{"seq":-1,"id":"r","pipeline":"p"}` + "\n", nil, "journal line 1: negative seq"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var seqs []int
			err := ReadJournal(strings.NewReader(tc.journal), func(e Entry) error {
				seqs = append(seqs, e.Seq)
				return nil
			})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one with %q", err, tc.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(seqs, tc.seqs) {
				t.Fatalf("read seqs %v (err %v), want %v", seqs, err, tc.seqs)
			}
		})
	}
	stop := errors.New("enough")
	n := 0
	err := ReadJournal(strings.NewReader(ok("0")+"\n"+ok("1")+"\n"), func(Entry) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("fn's error: n = %d, err = %v; want 1 call and the error as it is", n, err)
	}
}

func TestJournalPrefix(t *testing.T) {
	var full bytes.Buffer
	for seq := range 3 {
		for _, p := range []string{"a", "b"} {
			full.Write(appendEntry(nil, &Entry{Seq: seq, ID: "r", Pipeline: p, Label: "1", Raw: "x"}))
		}
	}
	whole := full.String()
	lines := strings.SplitAfter(whole, "\n")
	prefix := func(n int) int { return len(strings.Join(lines[:n], "")) }
	tests := []struct {
		name    string
		journal string
		records int
		length  int
	}{
		{"complete", whole, 3, len(whole)},
		{"torn last line", whole[:len(whole)-7], 2, prefix(4)},
		{"last line without its newline", whole[:len(whole)-1], 2, prefix(4)},
		{"record missing a pipeline", strings.Join(lines[:5], ""), 2, prefix(4)},
		{"pipelines out of order", lines[1] + lines[0], 0, 0},
		{"a record skipped", strings.Join(lines[:2], "") + strings.Join(lines[4:], ""), 1, prefix(2)},
		{"invalid line", lines[0] + lines[1] + "{}\n" + lines[3], 1, prefix(2)},
		{"empty", "", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			entries, n, err := JournalPrefix(strings.NewReader(tc.journal), []string{"a", "b"})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != tc.records || int(n) != tc.length {
				t.Fatalf("got %d records in %d bytes, want %d in %d", len(entries), n, tc.records, tc.length)
			}
			for seq, es := range entries {
				if len(es) != 2 || es[0].Pipeline != "a" || es[1].Pipeline != "b" || es[1].Seq != seq || es[1].Raw != "x" {
					t.Errorf("record %d: entries %+v", seq, es)
				}
			}
		})
	}
	// The replay's format: a header, records, and a resumed attempt's
	// header between two records.
	var j []byte
	var ends []int
	for seq := range 3 {
		if seq != 1 {
			j = AppendJournalHeader(j, []string{"a", "b"}, nil)
		}
		for p := range 2 {
			j = AppendEntryRecord(j, &Entry{Seq: seq, ID: "r", Label: "1", Raw: "x"}, p, nil, p == 0)
		}
		ends = append(ends, len(j))
	}
	for _, tc := range []struct {
		name            string
		journal         []byte
		records, length int
	}{
		{"format 2", j, 3, ends[2]},
		{"format 2, torn", j[:len(j)-3], 2, ends[1]},
		{"format 2, header alone", j[:ends[1]+len(AppendJournalHeader(nil, []string{"a", "b"}, nil))], 2, ends[1]},
	} {
		entries, n, err := JournalPrefix(bytes.NewReader(tc.journal), []string{"a", "b"})
		if err != nil || len(entries) != tc.records || int(n) != tc.length {
			t.Errorf("%s: %d records in %d bytes (%v), want %d in %d", tc.name, len(entries), n, err, tc.records, tc.length)
		}
		for seq, es := range entries {
			if len(es) != 2 || es[0].Pipeline != "a" || es[1].Pipeline != "b" || es[1].Seq != seq || es[1].ID != "r" {
				t.Errorf("%s: record %d: entries %+v", tc.name, seq, es)
			}
		}
	}
	if entries, n, err := JournalPrefix(strings.NewReader(whole), nil); entries != nil || n != 0 || err != nil {
		t.Errorf("no pipelines: got %v, %d, %v; want nothing", entries, n, err)
	}
}
