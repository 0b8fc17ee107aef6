package learn

import (
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/poc-harness/poc/datasets"
)

// missingLevel is the category given to a missing categorical value.
const missingLevel = "(missing)"

// column holds one feature column of the training table. It is numeric
// while every value seen is a number (or a bool, or a time); the first text
// value turns it categorical, with the numbers seen so far kept in their
// canonical text form.
type column struct {
	name        string
	categorical bool
	nums        []float64 // NaN for missing, while numeric
	strs        []string  // once categorical
}

// numeric converts a field value to a number; ok is false for text, and
// missing is true for nil or NaN.
func numeric(v any) (x float64, ok, missing bool) {
	switch t := v.(type) {
	case nil:
		return 0, true, true
	case string:
		return 0, false, false
	case time.Time:
		return float64(t.UnixNano()) / 1e9, true, false
	}
	x, ok = datasets.ToFloat(v)
	if ok && math.IsNaN(x) {
		return 0, true, true
	}
	return x, ok, false
}

// level is the category of a field value.
func level(v any) string {
	if v == nil {
		return missingLevel
	}
	if f, ok := v.(float64); ok && math.IsNaN(f) {
		return missingLevel
	}
	return datasets.FormatValue(v)
}

// reserve returns s with room for extra more elements, doubling the
// capacity (append grows large slices by only a quarter, copying often).
func reserve[T any](s []T, extra int) []T {
	if len(s)+extra <= cap(s) {
		return s
	}
	n := make([]T, len(s), max(2*cap(s), len(s)+extra, 1024))
	copy(n, s)
	return n
}

func (c *column) add(v any) {
	if !c.categorical {
		x, ok, missing := numeric(v)
		switch {
		case missing:
			c.nums = append(reserve(c.nums, 1), math.NaN())
			return
		case ok:
			c.nums = append(reserve(c.nums, 1), x)
			return
		}
		c.categorical = true
		c.strs = make([]string, len(c.nums), cap(c.nums))
		for i, x := range c.nums {
			if math.IsNaN(x) {
				c.strs[i] = missingLevel
			} else {
				c.strs[i] = datasets.FormatValue(x)
			}
		}
		c.nums = nil
	}
	c.strs = append(reserve(c.strs, 1), level(v))
}

// table is the training data, column by column: compact enough for
// 100,000 rows × 50 features, and re-encodable per fold.
type table struct {
	cols   []*column
	words  [][]string // word n-grams per row (text models)
	chars  [][]string // character n-grams per row (with char_ngrams)
	labels []string
	seqs   []int
}

func (t *table) rows() int { return len(t.labels) }

// schema returns t's column names and kinds, without data: how a record
// being predicted is read.
func (t *table) schema() *table {
	s := &table{cols: make([]*column, len(t.cols))}
	for i, c := range t.cols {
		s.cols[i] = &column{name: c.name, categorical: c.categorical}
	}
	return s
}

// textOptions says how text fields become terms.
type textOptions struct {
	fields     []string
	charLo     int // 0 without character n-grams
	charHi     int
	minDF      int
	maxFeature int
}

// document joins a record's text fields.
func document(fields map[string]any, names []string) string {
	if len(names) == 1 {
		return datasets.FormatValue(fields[names[0]])
	}
	parts := make([]string, 0, len(names))
	for _, n := range names {
		if s := datasets.FormatValue(fields[n]); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n")
}

// wordTerms returns the word unigrams and bigrams of a text: lowercased runs
// of two or more letters, digits or underscores, as scikit-learn's default
// token pattern `(?u)\b\w\w+\b`.
func wordTerms(text string) []string {
	text = strings.ToLower(text)
	tokens := strings.FieldsFunc(text, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || unicode.Is(unicode.Mn, r))
	})
	kept := tokens[:0]
	for _, tok := range tokens {
		if len([]rune(tok)) >= 2 {
			kept = append(kept, tok)
		}
	}
	terms := make([]string, 0, 2*len(kept))
	terms = append(terms, kept...)
	for i := 1; i < len(kept); i++ {
		terms = append(terms, kept[i-1]+" "+kept[i])
	}
	return terms
}

// charTerms returns character n-grams of lo..hi characters inside word
// boundaries, each word padded with a space, as scikit-learn's `char_wb`.
func charTerms(text string, lo, hi int) []string {
	var terms []string
	for _, w := range strings.Fields(strings.ToLower(text)) {
		r := []rune(" " + w + " ")
		for n := lo; n <= hi; n++ {
			if len(r) <= n {
				terms = append(terms, string(r))
				break
			}
			for off := 0; off+n <= len(r); off++ {
				terms = append(terms, string(r[off:off+n]))
			}
		}
	}
	return terms
}

// tfidf is a fitted TF-IDF vectoriser: sublinear term frequency, smooth
// idf = ln((1+n)/(1+df)) + 1, rows normalised to unit length.
type tfidf struct {
	vocab  map[string]int32
	idf    []float64
	offset int32
}

// fitTFIDF learns the vocabulary of the given rows: terms in at least minDF
// documents, the maxFeatures most frequent ones when there are more.
func fitTFIDF(docs [][]string, rows []int, minDF, maxFeatures int) *tfidf {
	df := map[string]int{}
	tf := map[string]int{}
	seen := map[string]bool{}
	for _, i := range rows {
		clear(seen)
		for _, term := range docs[i] {
			tf[term]++
			if !seen[term] {
				seen[term] = true
				df[term]++
			}
		}
	}
	terms := make([]string, 0, len(df))
	for term, n := range df {
		if n >= minDF {
			terms = append(terms, term)
		}
	}
	if maxFeatures > 0 && len(terms) > maxFeatures {
		sort.Slice(terms, func(a, b int) bool {
			if tf[terms[a]] != tf[terms[b]] {
				return tf[terms[a]] > tf[terms[b]]
			}
			return terms[a] < terms[b]
		})
		terms = terms[:maxFeatures]
	}
	sort.Strings(terms)
	v := &tfidf{vocab: make(map[string]int32, len(terms)), idf: make([]float64, len(terms))}
	n := float64(len(rows))
	for i, term := range terms {
		v.vocab[term] = int32(i)
		v.idf[i] = math.Log((1+n)/(1+float64(df[term]))) + 1
	}
	return v
}

// encode appends the TF-IDF vector of a document's terms.
func (v *tfidf) encode(terms []string, col []int32, val []float64) ([]int32, []float64) {
	start := len(col)
	for _, term := range terms {
		if j, ok := v.vocab[term]; ok {
			col = append(col, j)
		}
	}
	ids := col[start:]
	slices.Sort(ids)
	out := start
	var sum float64
	for i := 0; i < len(ids); {
		j := ids[i]
		n := 1
		for i+n < len(ids) && ids[i+n] == j {
			n++
		}
		w := (1 + math.Log(float64(n))) * v.idf[j]
		col[out] = j + v.offset
		val = append(val, w)
		sum += w * w
		out++
		i += n
	}
	col = col[:out]
	if sum > 0 {
		inv := 1 / math.Sqrt(sum)
		for i := start; i < out; i++ {
			val[i] *= inv
		}
	}
	return col, val
}

// numEnc standardises one numeric column; a missing value is imputed with
// the mean (0 after standardising) and flagged in an indicator column when
// the training data had missing values.
type numEnc struct {
	col         int
	mean, scale float64
	index       int32
	indicator   int32 // -1 without
}

// catEnc one-hot encodes one categorical column; unseen levels encode as
// all zeros.
type catEnc struct {
	col    int
	levels map[string]int32
}

// encoder turns a row into a sparse feature vector. It is fitted on the
// training rows only.
type encoder struct {
	nums  []numEnc
	cats  []catEnc
	words *tfidf
	chars *tfidf
	width int
}

// fitEncoder fits the encoder on the given rows of t.
func fitEncoder(t *table, rows []int, text textOptions) *encoder {
	e := &encoder{}
	var next int32
	for ci, c := range t.cols {
		if c.categorical {
			var ce catEnc
			ce, next = fitCatEnc(c, ci, rows, next)
			e.cats = append(e.cats, ce)
			continue
		}
		var ne numEnc
		ne, next = fitNumEnc(c, ci, rows, next)
		e.nums = append(e.nums, ne)
	}
	if t.words != nil {
		e.words = fitTFIDF(t.words, rows, text.minDF, text.maxFeature)
		e.words.offset = next
		next += int32(len(e.words.idf))
	}
	if t.chars != nil {
		e.chars = fitTFIDF(t.chars, rows, text.minDF, text.maxFeature)
		e.chars.offset = next
		next += int32(len(e.chars.idf))
	}
	e.width = int(next)
	return e
}

// fitCatEnc one-hot encodes the levels that categorical column c (index ci)
// takes on rows, sorted, from feature index next; it returns the encoder and
// the next free feature index.
func fitCatEnc(c *column, ci int, rows []int, next int32) (catEnc, int32) {
	levels := map[string]bool{}
	for _, i := range rows {
		levels[c.strs[i]] = true
	}
	names := make([]string, 0, len(levels))
	for l := range levels {
		names = append(names, l)
	}
	sort.Strings(names)
	ce := catEnc{col: ci, levels: make(map[string]int32, len(names))}
	for _, l := range names {
		ce.levels[l] = next
		next++
	}
	return ce, next
}

// fitNumEnc standardises numeric column c (index ci) with the mean and
// standard deviation of its values on rows, at feature index next, plus an
// indicator of missing values when any is missing; it returns the encoder
// and the next free feature index.
func fitNumEnc(c *column, ci int, rows []int, next int32) (numEnc, int32) {
	var sum, n float64
	missing := false
	for _, i := range rows {
		if x := c.nums[i]; math.IsNaN(x) {
			missing = true
		} else {
			sum += x
			n++
		}
	}
	ne := numEnc{col: ci, scale: 1, index: next, indicator: -1}
	next++
	if n > 0 {
		ne.mean = sum / n
		var ss float64
		for _, i := range rows {
			if x := c.nums[i]; !math.IsNaN(x) {
				ss += (x - ne.mean) * (x - ne.mean)
			}
		}
		if sd := math.Sqrt(ss / n); sd > 1e-12*math.Max(1, math.Abs(ne.mean)) {
			ne.scale = sd
		}
	}
	if missing {
		ne.indicator = next
		next++
	}
	return ne, next
}

// rowValues reads the raw values of one row: from the training table or
// from a record being predicted.
type rowValues interface {
	num(col int) float64 // NaN when missing or not a number
	cat(col int) string
	words() []string
	chars() []string
}

// encode appends the feature vector of one row.
func (e *encoder) encode(r rowValues, col []int32, val []float64) ([]int32, []float64) {
	for _, ne := range e.nums {
		x := r.num(ne.col)
		if math.IsNaN(x) {
			if ne.indicator >= 0 {
				col = append(col, ne.indicator)
				val = append(val, 1)
			}
			continue // the mean, standardised, is 0
		}
		if z := (x - ne.mean) / ne.scale; z != 0 {
			col = append(col, ne.index)
			val = append(val, z)
		}
	}
	for _, ce := range e.cats {
		if j, ok := ce.levels[r.cat(ce.col)]; ok {
			col = append(col, j)
			val = append(val, 1)
		}
	}
	if e.words != nil {
		col, val = e.words.encode(r.words(), col, val)
	}
	if e.chars != nil {
		col, val = e.chars.encode(r.chars(), col, val)
	}
	return col, val
}

// matrix encodes the given rows of t.
func (e *encoder) matrix(t *table, rows []int) *matrix {
	m := &matrix{nCols: e.width, rowPtr: make([]int, 1, len(rows)+1)}
	nnz := len(rows) * (len(e.nums) + len(e.cats))
	for _, i := range rows {
		if e.words != nil {
			nnz += len(t.words[i])
		}
		if e.chars != nil {
			nnz += len(t.chars[i])
		}
	}
	m.col = make([]int32, 0, nnz)
	m.val = make([]float64, 0, nnz)
	var col []int32
	var val []float64
	for _, i := range rows {
		col, val = e.encode(tableRow{t, i}, col[:0], val[:0])
		m.appendRow(col, val)
	}
	return m
}

// tableRow is one row of the training table.
type tableRow struct {
	t *table
	i int
}

func (r tableRow) num(c int) float64 { return r.t.cols[c].nums[r.i] }
func (r tableRow) cat(c int) string  { return r.t.cols[c].strs[r.i] }
func (r tableRow) words() []string   { return r.t.words[r.i] }
func (r tableRow) chars() []string   { return r.t.chars[r.i] }

// recordRow is a record being predicted, read the way the training table
// was: a column is numeric or categorical as it was in training.
type recordRow struct {
	t      *table
	fields map[string]any
	text   textOptions
}

func (r recordRow) num(c int) float64 {
	x, ok, missing := numeric(r.fields[r.t.cols[c].name])
	if !ok || missing {
		return math.NaN()
	}
	return x
}

func (r recordRow) cat(c int) string { return level(r.fields[r.t.cols[c].name]) }

func (r recordRow) words() []string { return wordTerms(document(r.fields, r.text.fields)) }

func (r recordRow) chars() []string {
	return charTerms(document(r.fields, r.text.fields), r.text.charLo, r.text.charHi)
}
