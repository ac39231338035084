package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/engramsim/engram/store"
)

// KV is one row of a KeyValues table.
type KV struct {
	Key, Value, Unit string
}

// Report accumulates the blocks of one HTML page. The zero value is not
// usable; call New.
type Report struct {
	title    string
	blocks   []block
	sections int
}

// block is one rendered element; figures are rendered at WriteFile time
// because their links depend on the report's directory.
type block struct {
	html string
	fig  *figure
	sec  string // section title, for the table of contents
	id   string
}

type figure struct {
	pngPath, caption string
	png              []byte
}

// New starts a report with the given page title.
func New(title string) *Report { return &Report{title: title} }

// Section starts a new section with a heading; sections are listed in a
// table of contents at the top of the page.
func (r *Report) Section(title string) {
	r.sections++
	id := "s" + strconv.Itoa(r.sections)
	r.blocks = append(r.blocks, block{
		html: fmt.Sprintf("<h2 id=\"%s\">%s</h2>\n", id, esc(title)),
		sec:  title, id: id,
	})
}

// Paragraph adds text; blank lines separate paragraphs.
func (r *Report) Paragraph(text string) {
	var b strings.Builder
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			fmt.Fprintf(&b, "<p>%s</p>\n", esc(p))
		}
	}
	r.blocks = append(r.blocks, block{html: b.String()})
}

// KeyValues adds a three-column table (key, value, unit), e.g. for
// parameters, seeds and timings.
func (r *Report) KeyValues(caption string, kv []KV) {
	var b strings.Builder
	b.WriteString("<table class=\"kv\">\n")
	if caption != "" {
		fmt.Fprintf(&b, "<caption>%s</caption>\n", esc(caption))
	}
	for _, e := range kv {
		fmt.Fprintf(&b, "<tr><th scope=\"row\">%s</th><td%s>%s</td><td class=\"unit\">%s</td></tr>\n",
			esc(e.Key), numClass(e.Value), esc(e.Value), esc(e.Unit))
	}
	b.WriteString("</table>\n")
	r.blocks = append(r.blocks, block{html: b.String()})
}

// Table adds a table with a header row. Cells that parse as numbers are
// right-aligned. Rows may be shorter than the header.
func (r *Report) Table(caption string, header []string, rows [][]string) {
	var b strings.Builder
	b.WriteString("<table>\n")
	if caption != "" {
		fmt.Fprintf(&b, "<caption>%s</caption>\n", esc(caption))
	}
	if len(header) > 0 {
		b.WriteString("<thead><tr>")
		for _, h := range header {
			fmt.Fprintf(&b, "<th scope=\"col\">%s</th>", esc(h))
		}
		b.WriteString("</tr></thead>\n")
	}
	b.WriteString("<tbody>\n")
	for _, row := range rows {
		b.WriteString("<tr>")
		for _, c := range row {
			fmt.Fprintf(&b, "<td%s>%s</td>", numClass(c), esc(c))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	r.blocks = append(r.blocks, block{html: b.String()})
}

// pngMagic is the 8-byte PNG signature.
const pngMagic = "\x89PNG\r\n\x1a\n"

// Figure embeds the PNG at pngPath (read now) as a base64 data URI, with
// a caption. When the report is written, links to the sibling files with
// the same base name and extensions .svg, .tsv and .npy are added for
// those that exist then, relative to the report's directory. Errors name
// the file.
func (r *Report) Figure(pngPath, caption string) error {
	data, err := os.ReadFile(pngPath)
	if err != nil {
		return fmt.Errorf("report: figure: %w", err)
	}
	if !bytes.HasPrefix(data, []byte(pngMagic)) {
		return fmt.Errorf("report: figure %s: not a PNG file", pngPath)
	}
	r.blocks = append(r.blocks, block{fig: &figure{pngPath: pngPath, caption: caption, png: data}})
	return nil
}

// Pre adds preformatted text (e.g. the resolved config) in a collapsible
// box, open unless it is longer than 40 lines.
func (r *Report) Pre(caption, text string) {
	open := " open"
	if strings.Count(text, "\n") > 40 {
		open = ""
	}
	if caption == "" {
		caption = "text"
	}
	r.blocks = append(r.blocks, block{html: fmt.Sprintf("<details%s><summary>%s</summary>\n<pre>%s</pre>\n</details>\n",
		open, esc(caption), esc(strings.TrimRight(text, "\n")))})
}

// WriteFile renders the page and writes it atomically to path. Figure
// links are made relative to path's directory.
func (r *Report) WriteFile(path string) error {
	page, err := r.render(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	af, err := store.CreateAtomic(path)
	if err != nil {
		return err
	}
	if _, err := af.W.Write(page); err != nil {
		af.Abort()
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	return af.Commit()
}

// render returns the complete HTML page for a report written in dir.
func (r *Report) render(dir string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"+
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>%s</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n<h1>%s</h1>\n",
		esc(r.title), css, esc(r.title))
	if r.sections > 1 {
		b.WriteString("<nav><ol>\n")
		for _, bl := range r.blocks {
			if bl.id != "" {
				fmt.Fprintf(&b, "<li><a href=\"#%s\">%s</a></li>\n", bl.id, esc(bl.sec))
			}
		}
		b.WriteString("</ol></nav>\n")
	}
	for _, bl := range r.blocks {
		if bl.fig == nil {
			b.WriteString(bl.html)
			continue
		}
		if err := bl.fig.render(&b, dir); err != nil {
			return nil, err
		}
	}
	b.WriteString("</main>\n</body>\n</html>\n")
	return b.Bytes(), nil
}

func (f *figure) render(b *bytes.Buffer, dir string) error {
	fmt.Fprintf(b, "<figure>\n<img src=\"data:image/png;base64,%s\" alt=\"%s\">\n<figcaption>%s",
		base64.StdEncoding.EncodeToString(f.png), esc(f.caption), esc(f.caption))
	stem := strings.TrimSuffix(f.pngPath, filepath.Ext(f.pngPath))
	var links []string
	for _, s := range []struct{ ext, label string }{{".svg", "SVG"}, {".tsv", "data (TSV)"}, {".npy", "matrix (NPY)"}} {
		p := stem + s.ext
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			continue
		}
		href, err := relLink(dir, p)
		if err != nil {
			return fmt.Errorf("figure %s: %w", f.pngPath, err)
		}
		links = append(links, fmt.Sprintf("<a href=\"%s\">%s</a>", esc(href), s.label))
	}
	if len(links) > 0 {
		fmt.Fprintf(b, " <span class=\"links\">[%s]</span>", strings.Join(links, " · "))
	}
	b.WriteString("</figcaption>\n</figure>\n")
	return nil
}

// relLink returns target relative to dir as a URL path (forward slashes,
// each segment percent-escaped).
func relLink(dir, target string) (string, error) {
	ad, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	at, err := filepath.Abs(target)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(ad, at)
	if err != nil {
		return "", err
	}
	segs := strings.Split(filepath.ToSlash(rel), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/"), nil
}

func esc(s string) string { return html.EscapeString(s) }

// numClass returns a class attribute for cells that hold a number.
func numClass(s string) string {
	if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
		return " class=\"num\""
	}
	return ""
}

// css is the page's only styling: readable on a laptop and in print.
const css = `body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; background: #fff; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
h1 { font-size: 1.7rem; margin: 1rem 0 0.5rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.5rem; padding-bottom: 0.2rem; border-bottom: 1px solid #ddd; }
nav ol { margin: 0.5rem 0 1rem; padding-left: 1.5rem; columns: 2; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.95rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
th, td { padding: 0.25rem 0.7rem; border-bottom: 1px solid #e4e4e4; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #bbb; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.unit { color: #666; }
table.kv th { font-weight: 500; color: #444; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.92rem; color: #444; margin-top: 0.3rem; }
.links { white-space: nowrap; }
details { margin: 1rem 0; }
summary { font-weight: 600; cursor: pointer; }
pre { background: #f6f6f6; padding: 0.8rem; overflow-x: auto; font-size: 0.85rem; line-height: 1.35; }
`
