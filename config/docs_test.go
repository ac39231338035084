package config

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// docSrc declares types of this package (the test's cfgT and its parts)
// with Go doc comments, as a config package's embedded source would.
const docSrc = `package config

type rule struct {
	// A is the amplitude of the rule
	// (dimensionless).
	A float64
	BetaF float64 // BetaF is the steepness of f.
	// XG gives the threshold of g.
	XG *float64
}

type net struct {
	// N, C: size and connection probability.
	N, C int
	// Seed the master seed.
	Seed uint64
}

type cfgT struct {
	// Rule: the learning rule.
	Rule rule
}
`

func testDocs(t *testing.T) *Docs {
	t.Helper()
	d, err := ParseDocs(DocSource{Pkg: reflect.TypeFor[rule]().PkgPath(), Files: fstest.MapFS{"x.go": {Data: []byte(docSrc)}, "README": {Data: []byte("not go")}}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDocsFromGoComments(t *testing.T) {
	d := testDocs(t)
	rt, nt := reflect.TypeFor[rule](), reflect.TypeFor[net]()
	for _, c := range []struct {
		t           reflect.Type
		field, want string
	}{
		{rt, "A", "the amplitude of the rule (dimensionless)."}, // joined, "A is" dropped
		{rt, "BetaF", "the steepness of f."},                    // trailing comment
		{rt, "XG", "the threshold of g."},
		{rt, "Preset", ""},
		{nt, "N", "N, C: size and connection probability."}, // no name prefix to drop
		{nt, "C", "N, C: size and connection probability."},
		{nt, "Seed", "the master seed."},
		{reflect.TypeFor[pop](), "Name", ""}, // other type
	} {
		if got := d.Field(c.t, c.field); got != c.want {
			t.Errorf("%v.%s: %q, want %q", c.t, c.field, got, c.want)
		}
	}
	if (*Docs)(nil).Field(rt, "A") != "" {
		t.Error("nil Docs")
	}
	// Format prints the comment, not the doc tag, and falls back to the
	// tag where there is no comment; units stay
	out := FormatDocs(defaults(), "", d)
	for _, want := range []string{
		"A = 3.55  # the amplitude of the rule (dimensionless).\n",
		"beta_f_per_hz = 0.28  # [1/Hz] the steepness of f.\n",
		"# x_g_hz = (unset)  # [Hz] the threshold of g.\n",
		"[rule]  # the learning rule.\n",
		"seed = 1  # the master seed.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Format lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "amplitude\n") || strings.Contains(out, "default x_f") {
		t.Errorf("doc tags printed although Go comments exist:\n%s", out)
	}
	if tags := FormatDocs(defaults(), "", nil); !strings.Contains(tags, "A = 3.55  # amplitude\n") {
		t.Errorf("doc-tag fallback lost:\n%s", tags)
	}
	missing, legacy := Undocumented(defaults(), d)
	if !reflect.DeepEqual(missing, []string{"rule.preset", "population.name", "population.size", "list", "label"}) || len(legacy) != 0 {
		t.Errorf("missing %v legacy %v", missing, legacy)
	}
	if _, legacy := Undocumented(defaults(), nil); !reflect.DeepEqual(legacy, []string{"rule.A", "rule.x_g_hz"}) {
		t.Errorf("legacy %v", legacy)
	}
	if _, err := ParseDocs(DocSource{Pkg: "p", Files: fstest.MapFS{"bad.go": {Data: []byte("package p\ntype x struct {")}}}); err == nil {
		t.Error("unparsable source accepted")
	}
}

// A long doc moves above its key, wrapped, and the output still decodes.
func TestFormatLongDoc(t *testing.T) {
	d := testDocs(t)
	long := strings.Repeat("word ", 40)
	d.fields[fieldKey{reflect.TypeFor[net]().PkgPath(), "net", "Seed"}] = long
	out := FormatDocs(defaults(), "x", d)
	if !strings.Contains(out, "\n# word word") || !strings.Contains(out, "\nseed = 1\n") {
		t.Errorf("long doc not above its key:\n%s", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if len([]rune(l)) > lineWidth {
			t.Errorf("line of %d characters: %q", len([]rune(l)), l)
		}
	}
	c := &cfgT{}
	if _, err := Load("f", []byte(out), c, nil); err != nil || !reflect.DeepEqual(c, defaults()) {
		t.Errorf("%v %+v", err, c)
	}
}

// bodiesBlanked keeps every field doc: on every non-test Go file of the
// packages with config structs (and this one), the blanked source parses
// and gives exactly the docs of the full parse, and it is shorter to
// parse (fewer nodes: the bodies are gone).
func TestBodiesBlankedSameDocs(t *testing.T) {
	dirs := []string{".", "../model/spike", "../model/spike/bridge", "../experiment/spiking", "../experiment/corrstim",
		"../experiment/homeostasis", "../experiment/train", "../experiment/noisyrate", "../experiment/pbnet"}
	files := 0
	for _, dir := range dirs {
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			short, ok := bodiesBlanked(src)
			if !ok || len(short) != len(src) {
				t.Fatalf("%s: bodiesBlanked failed (ok %v, %d of %d bytes)", name, ok, len(short), len(src))
			}
			const mode = parser.ParseComments | parser.SkipObjectResolution
			full, err := parser.ParseFile(token.NewFileSet(), name, src, mode)
			if err != nil {
				t.Fatal(err)
			}
			blank, err := parser.ParseFile(token.NewFileSet(), name, short, mode)
			if err != nil {
				t.Fatalf("%s blanked: %v", name, err)
			}
			d1, d2 := &Docs{fields: map[fieldKey]string{}}, &Docs{fields: map[fieldKey]string{}}
			d1.addFile("p", full)
			d2.addFile("p", blank)
			if !maps.Equal(d1.fields, d2.fields) {
				t.Errorf("%s: %d field docs from the full source, %d from the blanked one", name, len(d1.fields), len(d2.fields))
			}
			if n1, n2 := countNodes(full), countNodes(blank); len(full.Decls) > 0 && hasFuncBody(full) && n2 >= n1 {
				t.Errorf("%s: %d syntax nodes blanked, %d in full", name, n2, n1)
			}
			files++
		}
	}
	if files < 20 {
		t.Errorf("checked %d files", files)
	}
}

func countNodes(f *ast.File) int {
	n := 0
	ast.Inspect(f, func(ast.Node) bool { n++; return true })
	return n
}

func hasFuncBody(f *ast.File) bool {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && len(fd.Body.List) > 0 {
			return true
		}
	}
	return false
}
