package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func ptr(f float64) *float64 { return &f }

// The fast encoder's lines decode, with encoding/json and with DecodeEntry,
// to the entry encoded; where encoding/json can encode the entry too (no
// NaN or infinity), its line decodes to the same entry.
func TestAppendEntryRoundTrip(t *testing.T) {
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
			Pipeline: "p|q", Raw: "tab\there", Error: "line\nbreak"}, nil},
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
			line := AppendEntry([]byte("prefix"), &tc.in)
			if !bytes.HasPrefix(line, []byte("prefix")) {
				t.Fatalf("AppendEntry dropped what dst held: %q", line)
			}
			line = line[len("prefix"):]
			if bytes.IndexByte(line, '\n') != len(line)-1 {
				t.Fatalf("line %q is not one line ending with a newline", line)
			}
			checkDecodes(t, line, *want)
			if b, err := json.Marshal(tc.in); err == nil {
				var std Entry
				if err := json.Unmarshal(b, &std); err != nil || !reflect.DeepEqual(std, *want) {
					t.Errorf("encoding/json's line %s reads as\n%+v, want the fast encoder's\n%+v", b, std, *want)
				}
			}
		})
	}
}

// checkDecodes checks that encoding/json and DecodeEntry both read line as
// want.
func checkDecodes(t *testing.T, line []byte, want Entry) {
	t.Helper()
	var viaJSON Entry
	if err := json.Unmarshal(line, &viaJSON); err != nil {
		t.Fatalf("line %s is not JSON: %v", line, err)
	}
	if !reflect.DeepEqual(viaJSON, want) {
		t.Errorf("encoding/json reads %s as\n%+v, want\n%+v", line, viaJSON, want)
	}
	viaDecoder, err := DecodeEntry(line)
	if err != nil || !reflect.DeepEqual(viaDecoder, want) {
		t.Errorf("DecodeEntry reads %s as\n%+v (%v), want\n%+v", line, viaDecoder, err, want)
	}
}

// The replay's encoder, with the record-level fields encoded once, writes
// on a record's first line the line AppendEntry writes for the entry
// holding them, on its other lines none of them, and allocates nothing;
// ReadJournal and JournalRecords give every line the record's fields.
func TestAppendEntryRecord(t *testing.T) {
	e := Entry{Seq: 9, ID: "r\"9", Pipeline: "p", Truth: "1", Label: "1", Score: ptr(0.5), LatencyMS: 1.5, Raw: `{"a":"b"}`}
	at := time.Date(2026, 3, 4, 11, 0, 0, 0, time.FixedZone("CET", 3600))
	var record []byte
	record = AppendRecordTime(record, at)
	record = AppendRecordSegments(record, []string{"country", "chan\"nel"}, []string{"DE", "we\nb"})
	first := AppendEntryRecord(nil, &e, record, true)
	got, err := DecodeEntry(first)
	if err != nil {
		t.Fatal(err)
	}
	want := e
	want.Time, want.Segments = "2026-03-04T10:00:00Z", map[string]string{"country": "DE", "chan\"nel": "we\nb"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v, want\n%+v", got, want)
	}
	other := e
	other.Pipeline, other.Label, other.Score, other.Cost, other.Raw = "q", "0", nil, 0.25, ""
	second := AppendEntryRecord(nil, &other, record, false)
	for _, key := range []string{`"id"`, `"truth"`, `"time"`, `"segments"`} {
		if strings.Contains(string(second), key) {
			t.Errorf("a record's second line %s holds %s", second, key)
		}
	}
	next := Entry{Seq: 10, ID: "r10", Pipeline: "p", Label: "0", LatencyMS: 2} // no truth, time or segments of its own
	journal := string(first) + string(second) + string(AppendEntryRecord(nil, &next, nil, true)) +
		string(AppendEntryRecord(nil, &Entry{Seq: 10, Pipeline: "q", Label: "1"}, nil, false))
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
	records, _, err = JournalRecords(strings.NewReader(from0), []string{"p", "q"})
	if err != nil || len(records) != 2 || records[0][1].ID != want.ID || records[0][1].Truth != "1" ||
		!reflect.DeepEqual(records[0][1].Segments, want.Segments) || records[1][1].ID != "r10" || records[1][1].Time != "" {
		t.Errorf("JournalRecords gives %+v, %v; want each record's fields on both its lines", records, err)
	}
	if s := string(AppendRecordSegments(nil, nil, nil)); s != "" {
		t.Errorf("no segments encode as %q, want nothing", s)
	}
	dst := make([]byte, 0, 1024)
	if n := testing.AllocsPerRun(100, func() { dst = AppendEntryRecord(dst[:0], &e, record, true) }); n != 0 {
		t.Errorf("AppendEntryRecord allocates %v times per line, want 0", n)
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
			full.Write(AppendEntry(nil, &Entry{Seq: seq, ID: "r", Pipeline: p, Label: "1", Raw: "x"}))
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
	if entries, n, err := JournalPrefix(strings.NewReader(whole), nil); entries != nil || n != 0 || err != nil {
		t.Errorf("no pipelines: got %v, %d, %v; want nothing", entries, n, err)
	}
}
