package config

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Format prints cfg (a struct or pointer to one) as TOML, each key followed
// by a comment with its unit and doc, preceded by `experiment = "name"`
// when name is non-empty. Nil pointer fields are printed commented out
// with their doc (they mean "derived/default"). The doc of a field is its
// Go doc comment when cfg is Documented (see DocSource), else its legacy
// `doc:` tag.
func Format(cfg any, name string) string {
	var docs *Docs
	if dc, ok := cfg.(Documented); ok {
		// the sources are the packages' own files, embedded at build time
		// (tested to parse); on error Format falls back to the doc tags
		docs, _ = ParseDocs(dc.DocSources()...)
	}
	return FormatDocs(cfg, name, docs)
}

// FormatDocs is Format with the field docs given (nil: doc tags only).
func FormatDocs(cfg any, name string, docs *Docs) string {
	var b strings.Builder
	if name != "" {
		fmt.Fprintf(&b, "%s = %s\n", ExperimentKey, quote(name))
	}
	v := reflect.ValueOf(cfg)
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	formatTable(&b, v, "", docs)
	return b.String()
}

type deferred struct {
	key   string
	v     reflect.Value
	array bool
	doc   string
}

// lineWidth is where a key's doc moves from the end of its line to comment
// lines above it.
const lineWidth = 100

// Omitter is implemented (with a value receiver) by config structs that
// leave fields out of printed configs: OmitKey reports, for a field's TOML
// key, that the struct's current settings do not use it (a neuron model's
// unused parameters, say). Decoding such a file leaves those fields at
// their zero value, so an Omitter must treat them as irrelevant.
type Omitter interface{ OmitKey(key string) bool }

func formatTable(b *strings.Builder, v reflect.Value, prefix string, docs *Docs) {
	t := v.Type()
	var om Omitter
	if v.CanInterface() {
		om, _ = v.Interface().(Omitter)
	}
	var later []deferred
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := tagName(f)
		if name == "-" || (om != nil && om.OmitKey(name)) {
			continue
		}
		fv := v.Field(i)
		if f.Anonymous && f.Tag.Get("toml") == "" && fv.Kind() == reflect.Struct {
			formatTable(b, fv, prefix, docs)
			continue
		}
		doc := fieldDoc(t, f, docs)
		unit := ""
		if u := f.Tag.Get("unit"); u != "" {
			unit = "[" + u + "]"
		}
		if fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				if fv.Type().Elem().Kind() != reflect.Struct {
					writeKey(b, "# "+name+" = (unset)", unit, doc)
				}
				continue
			}
			fv = fv.Elem()
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		switch {
		case fv.Kind() == reflect.Struct:
			later = append(later, deferred{key: key, v: fv, doc: doc})
			continue
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct:
			later = append(later, deferred{key: key, v: fv, array: true, doc: doc})
			continue
		}
		writeKey(b, name+" = "+value(fv), unit, doc)
	}
	for _, d := range later {
		if d.array {
			for k := 0; k < d.v.Len(); k++ {
				b.WriteString("\n")
				writeKey(b, "[["+d.key+"]]", "", d.doc)
				formatTable(b, d.v.Index(k), d.key, docs)
			}
			continue
		}
		b.WriteString("\n")
		writeKey(b, "["+d.key+"]", "", d.doc)
		formatTable(b, d.v, d.key, docs)
	}
}

// fieldDoc is the field's Go doc comment, or its legacy `doc:` tag.
func fieldDoc(t reflect.Type, f reflect.StructField, docs *Docs) string {
	if d := docs.Field(t, f.Name); d != "" {
		return d
	}
	return f.Tag.Get("doc")
}

// writeKey writes line with "  # [unit] doc" after it, or, when that is
// longer than lineWidth, the doc wrapped in comment lines above it.
func writeKey(b *strings.Builder, line, unit, doc string) {
	tail := strings.TrimSpace(unit + " " + doc)
	if tail == "" {
		b.WriteString(line + "\n")
		return
	}
	if len([]rune(line))+4+len([]rune(tail)) <= lineWidth {
		b.WriteString(line + "  # " + tail + "\n")
		return
	}
	for _, l := range wrap(doc, lineWidth-2) {
		b.WriteString("# " + l + "\n")
	}
	if unit != "" {
		line += "  # " + unit
	}
	b.WriteString(line + "\n")
}

func wrap(s string, width int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		if cur != "" && len([]rune(cur))+1+len([]rune(w)) > width {
			lines = append(lines, cur)
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

func value(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return floatString(v.Float())
	case reflect.String:
		return quote(v.String()) // TOML's escapes (Go's \a or \x00 are not TOML)
	case reflect.Slice, reflect.Array:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = value(v.Index(i))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return quote(fmt.Sprint(v.Interface()))
}

func floatString(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}
