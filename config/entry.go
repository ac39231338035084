package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// selectEntry resolves the array-of-tables entries a dotted --set key
// names and returns the struct to set the rest of the key on: in
// population.E.n the part after the array's name selects an entry by its
// index (population.0.n), its name field (population.E.n) or, for entries
// with pre and post fields, "pre-post" (projection.E-I.p). prefix is the
// display key of the returned target ("population.E."), rest the parts
// left. A key that names no array entry is returned unchanged for the
// decoder to judge.
func selectEntry(cfg any, parts []string, kv string) (target any, rest []string, prefix string, err error) {
	v := reflect.ValueOf(cfg)
	for i := 0; i < len(parts)-1; i++ {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return cfg, parts, "", nil
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return cfg, parts, "", nil
		}
		f, ok := fieldValueByKey(v, parts[i])
		if !ok {
			return cfg, parts, "", nil
		}
		v = f
		if !(v.Kind() == reflect.Slice && derefType(v.Type().Elem()).Kind() == reflect.Struct) {
			continue
		}
		arr := strings.Join(parts[:i+1], ".")
		if i+2 >= len(parts) {
			return nil, nil, "", fmt.Errorf("--set %s: %s is an array of tables: name an entry and a key in it, e.g. %s.%s.<key> (entries: %s)", kv, arr, arr, firstLabel(v), entryLabels(v))
		}
		elem, err := pickEntry(v, parts[i+1], arr, kv)
		if err != nil {
			return nil, nil, "", err
		}
		for elem.Kind() == reflect.Pointer {
			if elem.IsNil() {
				return nil, nil, "", fmt.Errorf("--set %s: entry %s.%s is empty", kv, arr, parts[i+1])
			}
			elem = elem.Elem()
		}
		t, r, p, err := selectEntry(elem.Addr().Interface(), parts[i+2:], kv)
		return t, r, arr + "." + parts[i+1] + "." + p, err
	}
	return cfg, parts, "", nil
}

func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// fieldValueByKey is fieldByKey on a value (through untagged embedded structs).
func fieldValueByKey(v reflect.Value, k string) (reflect.Value, bool) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Tag.Get("toml") == "" {
			ev := v.Field(i)
			for ev.Kind() == reflect.Pointer {
				if ev.IsNil() {
					break
				}
				ev = ev.Elem()
			}
			if ev.Kind() == reflect.Struct {
				if g, ok := fieldValueByKey(ev, k); ok {
					return g, true
				}
			}
			continue
		}
		if f.IsExported() && tagName(f) == k {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// entryLabel returns the names an entry can be selected by: its name
// field and, with pre and post fields, "pre-post".
func entryLabel(e reflect.Value) []string {
	for e.Kind() == reflect.Pointer {
		if e.IsNil() {
			return nil
		}
		e = e.Elem()
	}
	str := func(k string) string {
		if f, ok := fieldValueByKey(e, k); ok && f.Kind() == reflect.String {
			return f.String()
		}
		return ""
	}
	var out []string
	if n := str("name"); n != "" {
		out = append(out, n)
	}
	if pre, post := str("pre"), str("post"); pre != "" && post != "" {
		out = append(out, pre+"-"+post)
	}
	return out
}

func entryLabels(arr reflect.Value) string {
	var s []string
	for i := 0; i < arr.Len(); i++ {
		l := strings.Join(entryLabel(arr.Index(i)), " or ")
		if l == "" {
			s = append(s, strconv.Itoa(i))
		} else {
			s = append(s, fmt.Sprintf("%d = %s", i, l))
		}
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func firstLabel(arr reflect.Value) string {
	if arr.Len() > 0 {
		if l := entryLabel(arr.Index(0)); len(l) > 0 {
			return l[0]
		}
	}
	return "0"
}

// pickEntry finds the entry of arr that sel names (an index or a label).
func pickEntry(arr reflect.Value, sel, name, kv string) (reflect.Value, error) {
	if n, err := strconv.Atoi(sel); err == nil {
		if n < 0 || n >= arr.Len() {
			return reflect.Value{}, fmt.Errorf("--set %s: %s has %d entries; index %d is out of range (entries: %s)", kv, name, arr.Len(), n, entryLabels(arr))
		}
		return arr.Index(n), nil
	}
	var hits []int
	var all []string
	for i := 0; i < arr.Len(); i++ {
		for _, l := range entryLabel(arr.Index(i)) {
			all = append(all, l)
			if l == sel {
				hits = append(hits, i)
				break
			}
		}
	}
	switch len(hits) {
	case 1:
		return arr.Index(hits[0]), nil
	case 0:
		msg := fmt.Sprintf("--set %s: %s has no entry %q (entries: %s)", kv, name, sel, entryLabels(arr))
		if s := Suggest(sel, all); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", name+"."+s)
		}
		return reflect.Value{}, fmt.Errorf("%s", msg)
	}
	return reflect.Value{}, fmt.Errorf("--set %s: %q names %d entries of %s (%v); select one by index (entries: %s)", kv, sel, len(hits), name, hits, entryLabels(arr))
}
