package config

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Format prints cfg (a struct or pointer to one) as TOML, each key followed
// by a comment with its unit and doc string, preceded by
// `experiment = "name"` when name is non-empty. Nil pointer fields are
// printed commented out with their doc (they mean "derived/default").
func Format(cfg any, name string) string {
	var b strings.Builder
	if name != "" {
		fmt.Fprintf(&b, "%s = %q\n", ExperimentKey, name)
	}
	v := reflect.ValueOf(cfg)
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	formatTable(&b, v, "")
	return b.String()
}

type deferred struct {
	key   string
	v     reflect.Value
	array bool
	doc   string
}

func formatTable(b *strings.Builder, v reflect.Value, prefix string) {
	t := v.Type()
	var later []deferred
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := tagName(f)
		if name == "-" {
			continue
		}
		fv := v.Field(i)
		if f.Anonymous && f.Tag.Get("toml") == "" && fv.Kind() == reflect.Struct {
			formatTable(b, fv, prefix)
			continue
		}
		doc := comment(f)
		if fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				if fv.Type().Elem().Kind() != reflect.Struct {
					fmt.Fprintf(b, "# %s = (unset)%s\n", name, doc)
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
			later = append(later, deferred{key: key, v: fv, doc: f.Tag.Get("doc")})
			continue
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct:
			later = append(later, deferred{key: key, v: fv, array: true, doc: f.Tag.Get("doc")})
			continue
		}
		fmt.Fprintf(b, "%s = %s%s\n", name, value(fv), doc)
	}
	for _, d := range later {
		if d.array {
			for k := 0; k < d.v.Len(); k++ {
				fmt.Fprintf(b, "\n[[%s]]\n", d.key)
				formatTable(b, d.v.Index(k), d.key)
			}
			continue
		}
		fmt.Fprintf(b, "\n[%s]", d.key)
		if d.doc != "" {
			fmt.Fprintf(b, "  # %s", d.doc)
		}
		b.WriteString("\n")
		formatTable(b, d.v, d.key)
	}
}

func comment(f reflect.StructField) string {
	u, d := f.Tag.Get("unit"), f.Tag.Get("doc")
	switch {
	case u != "" && d != "":
		return "  # [" + u + "] " + d
	case u != "":
		return "  # [" + u + "]"
	case d != "":
		return "  # " + d
	}
	return ""
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
		return strconv.Quote(v.String())
	case reflect.Slice, reflect.Array:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = value(v.Index(i))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprintf("%q", fmt.Sprint(v.Interface()))
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
