package report

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// writePNG writes a tiny 2×1 PNG and returns its bytes.
func writePNG(t *testing.T, path string) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	img.Set(0, 0, color.NRGBA{255, 0, 0, 255})
	img.Set(1, 0, color.NRGBA{0, 0, 255, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestEscaping(t *testing.T) {
	evil := `<script>alert("x")</script> & 'q'`
	r := New(evil)
	r.Section(evil)
	r.Paragraph(evil + "\n\nsecond <b>para</b>")
	r.KeyValues(evil, []KV{{Key: evil, Value: evil, Unit: "<ms>"}})
	r.Table(evil, []string{evil}, [][]string{{evil}, {"1.5"}})
	r.Pre(evil, "a < b && c > d\n")
	page, err := r.render(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, bad := range []string{"<script", "<b>para", "<ms>", `"x"`, "'q'", "a < b"} {
		if strings.Contains(s, bad) {
			t.Errorf("page contains unescaped %q", bad)
		}
	}
	// html.EscapeString's entities, written out by hand.
	want := `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;q&#39;`
	// <title>, <h1>, <h2>, <p>, KeyValues caption/key/value, Table
	// caption/header/cell, Pre summary (one section: no table of contents).
	if n := strings.Count(s, want); n != 11 {
		t.Errorf("escaped string appears %d times, want 11", n)
	}
	if !strings.Contains(s, "<pre>a &lt; b &amp;&amp; c &gt; d</pre>") {
		t.Error("pre text not escaped as expected")
	}
	if !strings.Contains(s, `<td class="num">1.5</td>`) {
		t.Error("numeric cell not marked")
	}
	if strings.Contains(s, "http://") || strings.Contains(s, "https://") || strings.Contains(s, "<script") {
		t.Error("page references external resources or scripts")
	}
}

func TestFigureEmbeddingAndLinks(t *testing.T) {
	run := t.TempDir()
	figs := filepath.Join(run, "figs")
	if err := os.Mkdir(figs, 0o755); err != nil {
		t.Fatal(err)
	}
	pngPath := filepath.Join(figs, "over laps.png") // space must be escaped in the link
	orig := writePNG(t, pngPath)
	if err := os.WriteFile(filepath.Join(figs, "over laps.svg"), []byte("<svg/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(figs, "over laps.tsv"), []byte("x\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := New("run")
	if err := r.Figure(pngPath, "Overlaps <m>"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(run, "report.html")
	if err := r.WriteFile(out); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatal("no embedded image")
	}
	got, err := base64.StdEncoding.DecodeString(string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, orig) {
		t.Error("embedded PNG differs from the file")
	}
	s := string(page)
	for _, want := range []string{`<a href="figs/over%20laps.svg">SVG</a>`, `<a href="figs/over%20laps.tsv">data (TSV)</a>`, "Overlaps &lt;m&gt;"} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(s, ".npy") {
		t.Error("link to a missing .npy")
	}

	// A report elsewhere links upwards.
	other := filepath.Join(t.TempDir(), "summary")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	page2, err := r.render(other)
	if err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(other, filepath.Join(figs, "over laps.svg"))
	want := strings.ReplaceAll(filepath.ToSlash(rel), " ", "%20")
	if !strings.HasPrefix(want, "../") || !strings.Contains(string(page2), `href="`+want+`"`) {
		t.Errorf("relative link %q not in page", want)
	}

	// Errors name the file.
	bad := filepath.Join(run, "not.png")
	_ = os.WriteFile(bad, []byte("GIF89a"), 0o644)
	if err := r.Figure(bad, ""); err == nil || !strings.Contains(err.Error(), "not.png") {
		t.Errorf("non-PNG: err = %v", err)
	}
	if err := r.Figure(filepath.Join(run, "missing.png"), ""); err == nil || !strings.Contains(err.Error(), "missing.png") {
		t.Errorf("missing: err = %v", err)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.html")
	r := New("first")
	r.Paragraph("hello")
	if err := r.WriteFile(out); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(out)
	if !bytes.HasPrefix(first, []byte("<!DOCTYPE html>")) || !bytes.HasSuffix(first, []byte("</html>\n")) {
		t.Fatalf("incomplete page: %q", first)
	}
	// Same report, same bytes.
	if err := r.WriteFile(out); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(out)
	if !bytes.Equal(first, again) {
		t.Error("rendering is not deterministic")
	}
	// A write that fails (target is a directory) leaves nothing behind.
	target := filepath.Join(dir, "sub")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := New("x").WriteFile(target); err == nil || !strings.Contains(err.Error(), "sub") {
		t.Errorf("writing onto a directory: err = %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("directory holds %d entries, want report.html and sub", len(ents))
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, first) {
		t.Error("existing report changed")
	}
}
