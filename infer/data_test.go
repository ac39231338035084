package infer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadRatesFixtures(t *testing.T) {
	ds, err := ReadRates("testdata/rates/neuron7.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Neurons) != 1 || ds.Neurons[0].ID != "neuron7" || len(ds.Neurons[0].Novel) != 40 || len(ds.Neurons[0].Familiar) != 40 {
		t.Errorf("neuron7.csv: got %d neurons, first %q with %d/%d rates", len(ds.Neurons), ds.Neurons[0].ID, len(ds.Neurons[0].Novel), len(ds.Neurons[0].Familiar))
	}
	ds, err = ReadRates("testdata/rates/two_neurons.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Neurons) != 2 || ds.Neurons[0].ID != "n1" || ds.Neurons[1].ID != "n2" || len(ds.Neurons[1].Familiar) != 25 {
		t.Errorf("two_neurons.tsv: %+v", ds.Neurons)
	}
	dd, err := ReadRatesDir("testdata/rates")
	if err != nil {
		t.Fatal(err)
	}
	if len(dd.Neurons) != 3 {
		t.Errorf("ReadRatesDir(testdata/rates): %d neurons, want 3", len(dd.Neurons))
	}
}

// body returns a valid one-neuron CSV body of n novel and n familiar rows.
func body(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%d.5,novel\n%d.25,familiar\n", i, i+1)
	}
	return b.String()
}

// TestReadRatesErrors: each kind of bad input is rejected with a message
// naming the file, the line and the column.
func TestReadRatesErrors(t *testing.T) {
	dir := t.TempDir()
	good := body(MinSamplesPerCondition)
	cases := []struct {
		name, file, content string
		want                []string // substrings of the error
	}{
		{"missing column", "a.csv", "rate_hz,cond\n1,novel\n", []string{"a.csv", "line 1", "missing column(s) condition"}},
		{"missing both", "b.csv", "x,y\n1,2\n", []string{"b.csv", "line 1", "rate_hz, condition"}},
		{"non-numeric", "c.csv", "rate_hz,condition\n" + good + "abc,novel\n", []string{"c.csv", fmt.Sprintf("line %d", 2*MinSamplesPerCondition+2), "column 1 (rate_hz)", `"abc" is not a number`}},
		{"NaN", "d.csv", "condition,rate_hz\nnovel,NaN\n", []string{"d.csv", "line 2", "column 2 (rate_hz)", "NaN"}},
		{"Inf", "e.csv", "rate_hz,condition\n1,novel\n+Inf,familiar\n", []string{"e.csv", "line 3", "column 1 (rate_hz)", "infinite"}},
		{"negative", "f.csv", "rate_hz,condition\n-0.5,novel\n", []string{"f.csv", "line 2", "column 1 (rate_hz)", "negative"}},
		{"unknown condition", "g.csv", "rate_hz,condition\n1,novel\n2,famliar\n", []string{"g.csv", "line 3", "column 2 (condition)", `"famliar"`}},
		{"too few", "h.csv", "rate_hz,condition\n" + body(MinSamplesPerCondition-1), []string{"h.csv", "column 2 (condition)", "need at least 20", fmt.Sprintf("line %d", 2*MinSamplesPerCondition-1)}},
		{"too few familiar", "i.tsv", "neuron\tcondition\trate_hz\n" + strings.Repeat("n1\tnovel\t1\n", MinSamplesPerCondition), []string{"i.tsv", `neuron "n1"`, "column 2 (condition)", "0 familiar"}},
		{"field count", "j.csv", "rate_hz,condition\n1,novel,3\n", []string{"j.csv", "line 2", "3 fields"}},
		{"empty id", "k.csv", "neuron,condition,rate_hz\n,novel,1\n", []string{"k.csv", "line 2", "column 1 (neuron)"}},
		{"empty file", "l.csv", "", []string{"l.csv", "empty file"}},
		{"header only", "m.csv", "rate_hz,condition\n", []string{"m.csv", "no data rows"}},
		{"tab in csv", "n.csv", "rate_hz\tcondition\n1\tnovel\n", []string{"n.csv", "line 1", ".tsv"}},
		{"comment shifts lines", "o.csv", "# recorded 2024\nrate_hz,condition\n1,novel\nx,novel\n", []string{"o.csv", "line 4", "column 1"}},
	}
	for _, c := range cases {
		p := filepath.Join(dir, c.file)
		if err := os.WriteFile(p, []byte(c.content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadRates(p)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", c.name, err, w)
			}
		}
		os.Remove(p)
	}
	// BOM and a sniffed tab delimiter for an unknown extension.
	p := filepath.Join(dir, "x7.txt")
	os.WriteFile(p, []byte("\ufeffrate_hz\tcondition\n"+strings.ReplaceAll(good, ",", "\t")), 0o644)
	if ds, err := ReadRates(p); err != nil || ds.Neurons[0].ID != "x7" || len(ds.Neurons[0].Novel) != MinSamplesPerCondition {
		t.Errorf("BOM + sniffed TSV: %v", err)
	}
	if _, err := ReadRates(filepath.Join(dir, "nope.csv")); err == nil || !strings.Contains(err.Error(), "nope.csv") {
		t.Errorf("missing file: %v", err)
	}
}

func TestReadRatesDirErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadRatesDir(dir); err == nil || !strings.Contains(err.Error(), "no .csv, .tsv files") {
		t.Errorf("empty dir: %v", err)
	}
	good := "rate_hz,condition\n" + body(MinSamplesPerCondition)
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte(good), 0o644)
	os.WriteFile(filepath.Join(dir, "b.tsv"), []byte("neuron\tcondition\trate_hz\na\tnovel\t1\n"), 0o644)
	if _, err := ReadRatesDir(dir); err == nil || !strings.Contains(err.Error(), "b.tsv") {
		t.Errorf("bad file in dir: %v", err)
	}
	var b strings.Builder
	b.WriteString("neuron,condition,rate_hz\n")
	for _, line := range strings.Split(strings.TrimSpace(body(MinSamplesPerCondition)), "\n") {
		b.WriteString("a," + strings.Join(reverse(strings.Split(line, ",")), ",") + "\n")
	}
	os.WriteFile(filepath.Join(dir, "b.tsv"), nil, 0o644)
	os.Remove(filepath.Join(dir, "b.tsv"))
	os.WriteFile(filepath.Join(dir, "c.csv"), []byte(b.String()), 0o644)
	if _, err := ReadRatesDir(dir); err == nil || !strings.Contains(err.Error(), `neuron "a" already read from`) {
		t.Errorf("duplicate id: %v", err)
	}
}

func reverse(s []string) []string {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
	return s
}

func TestNewNeuronData(t *testing.T) {
	ok := make([]float64, MinSamplesPerCondition)
	if _, err := NewNeuronData("x", ok, ok); err != nil {
		t.Fatal(err)
	}
	bad := append([]float64{}, ok...)
	bad[3] = -1
	for _, c := range []struct {
		id       string
		nov, fam []float64
		want     string
	}{
		{"", ok, ok, "empty neuron id"},
		{"x", bad, ok, "novel rate 3: rate -1 Hz is negative"},
		{"x", ok, ok[:5], "5 familiar rates"},
	} {
		if _, err := NewNeuronData(c.id, c.nov, c.fam); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewNeuronData(%q): %v, want %q", c.id, err, c.want)
		}
	}
	// inputs are copied, not aliased
	in := append([]float64{}, ok...)
	nd, _ := NewNeuronData("x", in, in)
	in[0] = 99
	if nd.Novel[0] == 99 {
		t.Error("NewNeuronData aliases its input")
	}
}
