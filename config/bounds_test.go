package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// quick is how long a refusal may take: the bounds are checked before the
// TOML parser runs, so they cost one pass over at most MaxFileBytes.
const quick = 2 * time.Second

// Pathological documents that made the TOML parser run for tens of seconds
// and allocate gigabytes (issue 13: 20 KB of nested inline tables took 40 s
// and 1.4 GB) are refused before parsing, with the file and line.
func TestNestingRefusedBeforeParsing(t *testing.T) {
	deep := 3300 // ≈ 20 KB, as in the issue
	cases := []struct {
		name, doc, want string
	}{
		{"inline tables", "[rule]\nA = " + strings.Repeat("{a = ", deep) + "1" + strings.Repeat("}", deep) + "\n", "x.toml:2: arrays and inline tables nested deeper than 16 levels"},
		{"arrays", "list = " + strings.Repeat("[", deep) + strings.Repeat("]", deep) + "\n", "x.toml:1: arrays and inline tables nested deeper than 16 levels"},
		{"dotted key", "\n\n" + strings.Repeat("a.", deep) + "b = 1\n", "x.toml:3: a key with more than 16 dotted parts"},
		{"table header", "[" + strings.Repeat("a.", deep) + "b]\n", "x.toml:1: a key with more than 16 dotted parts"},
		{"inline dotted", "x = {" + strings.Repeat("a.", deep) + "b = 1}\n", "x.toml:1: a key with more than 16 dotted parts"},
	}
	for _, c := range cases {
		t0 := time.Now()
		_, err := Load("x.toml", []byte(c.doc), defaults(), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
		if el := time.Since(t0); el > quick {
			t.Errorf("%s: refused after %v", c.name, el)
		}
		t0 = time.Now()
		if _, err := ExperimentName("x.toml", []byte(c.doc)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: ExperimentName error %v, want %q", c.name, err, c.want)
		}
		if el := time.Since(t0); el > quick {
			t.Errorf("%s: ExperimentName refused after %v", c.name, el)
		}
	}
	// brackets, dots and '#' inside strings and comments are not structure
	ok := "label = \"[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r\" # [[[[[[[[[[[[[[[[[[[[[\n" +
		"[rule] # a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s\npreset = '''\n[[[[[[[[[[[[[[[[[[[\n{{{{{{{{{{{{{{{{{{{{{{{\n'''\n" +
		"[network]\nn = 3 # \"\n" + `"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r" = 1` + "\n"
	if _, err := Load("x.toml", []byte(ok), defaults(), nil); err == nil || !strings.Contains(err.Error(), `unknown key "network.\"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r\""`) {
		t.Errorf("strings and comments counted as structure: %v", err)
	}
	// legitimate nesting: arrays of inline tables, multi-line arrays, a
	// header with dotted parts
	legit := "list = [\n  1, # one\n  2,\n]\n[[population]]\nname = \"E\"\nsize = 4\n[network]\nn = 7\n"
	c := defaults()
	if _, err := Load("x.toml", []byte(legit), c, nil); err != nil || c.Network.N != 7 || len(c.Pops) != 1 || c.Pops[0].Size != 4 {
		t.Errorf("legitimate config: %v %+v", err, c)
	}
}

// Files larger than MaxFileBytes are refused before parsing (issue 13: a 31
// MB file of unknown keys took 42 s), by Load and by ReadFile, which also
// refuses what is not a regular file (a FIFO would block for ever).
func TestSizeRefusedBeforeParsing(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() <= MaxFileBytes; i++ {
		fmt.Fprintf(&b, "unknown_key_%d = %d\n", i, i)
	}
	big := b.String()
	t0 := time.Now()
	_, err := Load("big.toml", []byte(big), defaults(), nil)
	want := fmt.Sprintf("big.toml: %d bytes, more than the %d bytes a config file may have", len(big), MaxFileBytes)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Load: %v, want %q", err, want)
	}
	if el := time.Since(t0); el > quick {
		t.Errorf("Load refused after %v", el)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "big.toml")
	if err := os.WriteFile(p, []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(p); err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "more than the 1048576 bytes") {
		t.Errorf("ReadFile of a big file: %v", err)
	}
	small := filepath.Join(dir, "ok.toml")
	os.WriteFile(small, []byte("[network]\nn = 2\n"), 0o644)
	if d, err := ReadFile(small); err != nil || string(d) != "[network]\nn = 2\n" {
		t.Errorf("ReadFile: %q %v", d, err)
	}
	if _, err := ReadFile(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("ReadFile of a directory: %v", err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		done := make(chan error, 1)
		go func() { _, err := ReadFile(fifo); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("ReadFile of a FIFO: %v", err)
			}
		case <-time.After(quick):
			t.Errorf("ReadFile blocks on a FIFO")
			os.WriteFile(fifo, nil, 0o644) // unblock the reader
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.toml")); err == nil || !strings.Contains(err.Error(), "missing.toml") {
		t.Errorf("ReadFile of a missing file: %v", err)
	}
}

// A negative number for an unsigned key is an error naming the key: before
// the fix network.seed = -1 silently became 2⁶⁴ − 1.
func TestNegativeUnsigned(t *testing.T) {
	type item struct {
		ID uint32 `toml:"id"`
	}
	type inner struct {
		Seed uint64   `toml:"seed"`
		Us   []uint   `toml:"us"`
		Item []item   `toml:"item"`
		P    *uint16  `toml:"p"`
		F    float64  `toml:"f"`
		Ints []int64  `toml:"ints"`
		Ptrs []*uint8 `toml:"ptrs"`
	}
	type emb struct {
		Top uint `toml:"top"`
	}
	type cfg struct {
		emb
		Net inner `toml:"network"`
	}
	cases := []struct{ file, set, want string }{
		{"[network]\nseed = -1\n", "", "x.toml: network.seed = -1 must be ≥ 0 (an unsigned integer)"},
		{"", "network.seed=-1", "--set network.seed=-1: network.seed = -1 must be ≥ 0 (an unsigned integer)"},
		{"[network]\nus = [1, -2]\n", "", "x.toml: network.us[1] = -2 must be ≥ 0"},
		{"[[network.item]]\nid = 1\n[[network.item]]\nid = -7\n", "", "x.toml: network.item[1].id = -7 must be ≥ 0"},
		{"[network]\nitem = [{id = -3}]\n", "", "x.toml: network.item[0].id = -3 must be ≥ 0"},
		{"[network]\np = -1\n", "", "x.toml: network.p = -1 must be ≥ 0"},
		{"top = -4\n", "", "x.toml: top = -4 must be ≥ 0"},
	}
	for _, c := range cases {
		var sets []string
		if c.set != "" {
			sets = []string{c.set}
		}
		v := &cfg{}
		_, err := Load("x.toml", []byte(c.file), v, sets)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("file %q set %q: %v (decoded %+v), want %q", c.file, c.set, err, v, c.want)
		}
	}
	v := &cfg{}
	if _, err := Load("x.toml", []byte("top = 3\n[network]\nseed = 18446744073709551615\nf = -1.0\nints = [-1]\nus = [0, 4]\n"), v, []string{"network.p=7"}); err == nil {
		// 2⁶⁴−1 does not fit TOML's int64: the TOML parser refuses it
		t.Errorf("2^64-1 accepted: %+v", v)
	}
	v = &cfg{}
	if _, err := Load("x.toml", []byte("top = 3\n[network]\nseed = 9223372036854775807\nf = -1.0\nints = [-1]\nus = [0, 4]\n"), v, []string{"network.p=7"}); err != nil ||
		v.Net.Seed != 1<<63-1 || v.Top != 3 || v.Net.F != -1 || *v.Net.P != 7 || v.Net.Ints[0] != -1 {
		t.Errorf("valid unsigned and signed values: %v %+v", err, v)
	}
}

// --set takes one key and one value: a value cannot smuggle further keys or
// tables into the config, keys are bare dotted keys, and a value that is
// not TOML is a TOML string whatever characters it holds.
func TestSetIsOneKeyOneValue(t *testing.T) {
	bad := []struct{ set, want string }{
		{"rule.A=1\n[network]\nn = 5", `--set "rule.A=1\n[network]\nn = 5": the value is not one TOML value`},
		{"rule.A=1\nrule.preset = \"x\"", "the value is not one TOML value"},
		{"rule.A = 1, network.n = 3", "--set"},
		{"rule]\n[network.n=3", `key "rule]\n[network.n": want dotted bare keys`},
		{"rule.\"A\"=1", "want dotted bare keys"},
		{"rule. A=1", "want dotted bare keys"},
		{"rule..A=1", "empty key component"},
		{"label=\xff\xfe", "not valid UTF-8"},
		{"=3", "want key=value"},
		{"network.n", "want key=value"},
	}
	for _, c := range bad {
		d := defaults()
		if err := Set(d, c.set); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Set(%q): %v (now %+v), want %q", c.set, err, d, c.want)
		}
		if d.Network.N != 100 {
			t.Errorf("Set(%q) changed network.n to %d", c.set, d.Network.N)
		}
	}
	// bare strings keep every character, including TOML and Go escapes
	for _, s := range []string{"hello world", `a "quoted" \ back\slash`, "tab\tbell\a nul\x00 del\x7f", "ünïcode ∞", "\\x41\\u0041", "#not a comment", "[x]"} {
		d := defaults()
		if err := Set(d, "label="+s); err != nil || d.Label != strings.TrimSpace(s) {
			t.Errorf("Set(label=%q): %v, label %q", s, err, d.Label)
		}
	}
	d := defaults()
	if err := Set(d, `rule.preset="a \"b\""`); err != nil || d.Rule.Preset != `a "b"` {
		t.Errorf("quoted TOML string: %v %q", err, d.Rule.Preset)
	}
	if err := Set(d, "list=[\n3,\n4]"); err != nil || len(d.List) != 2 || d.List[1] != 4 {
		t.Errorf("multi-line array value: %v %v", err, d.List)
	}
	if err := Set(d, "rule.A=5 # a comment"); err != nil || d.Rule.A != 5 {
		t.Errorf("value with comment: %v %v", err, d.Rule.A)
	}
	deep := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	t0 := time.Now()
	if err := Set(d, "list="+deep); err == nil || !strings.Contains(err.Error(), "nested deeper than 16") {
		t.Errorf("deep --set value: %v", err)
	}
	if el := time.Since(t0); el > quick {
		t.Errorf("deep --set value refused after %v", el)
	}
}

// Keys are case-sensitive, as TOML says: the TOML decoder also matched
// keys that differ in case, so network.SEED = -1 bypassed the unsigned
// check and rule.a silently set rule.A (found by FuzzSet).
func TestKeysAreCaseSensitive(t *testing.T) {
	for _, c := range []struct{ file, set, want string }{
		{"[network]\nSEED = -1\n", "", `x.toml: unknown key "network.SEED" (did you mean "network.seed"?)`},
		{"[rule]\na = 2.0\n", "", `x.toml: unknown key "rule.a" (did you mean "rule.A"?)`},
		{"[Rule]\nA = 2.0\n", "", `x.toml: unknown key "Rule"`},
		{"", "lABel=0000000000", `--set lABel=0000000000: unknown key "lABel" (did you mean "label"?)`},
		{"[[population]]\nname = \"E\"\n[[population]]\nSize = 3\n", "", `unknown key "population.Size" (did you mean "population.size"?)`},
	} {
		var sets []string
		if c.set != "" {
			sets = []string{c.set}
		}
		d := defaults()
		if _, err := Load("x.toml", []byte(c.file), d, sets); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q %q: %v, want %q", c.file, c.set, err, c.want)
		}
	}
}

// Strings with control characters print as valid TOML (Format used Go's
// escapes: label = "\a" made config.resolved.toml unreadable; found by
// FuzzSet).
func TestFormatStringEscapes(t *testing.T) {
	for _, s := range []string{"\a", "nul\x00", "tab\t", "del\x7f", "q\"b\\", "ünï∞", "\u2028", "\U0001F600"} {
		c := defaults()
		c.Label = s
		out := Format(c, "x\ty")
		d := defaults()
		name, err := Load("resolved.toml", []byte(out), d, nil)
		if err != nil || d.Label != s || name != "x\ty" {
			t.Errorf("label %q: %v, got %q, name %q\n%s", s, err, d.Label, name, out)
		}
	}
}
