package config

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// ExperimentKey is the top-level key naming the experiment a file is for.
const ExperimentKey = "experiment"

// ExperimentName returns the value of the top-level `experiment` key of a
// TOML document (empty if absent).
func ExperimentName(file string, data []byte) (string, error) {
	if err := checkShape(file, data); err != nil {
		return "", err
	}
	var head struct {
		Experiment string `toml:"experiment"`
	}
	if _, err := toml.Decode(string(data), &head); err != nil {
		return "", decodeError(file, err)
	}
	return head.Experiment, nil
}

// Load decodes data (the contents of file; may be empty) onto cfg, which
// must be a pointer to a struct already holding defaults, then applies the
// overrides "key=value" in order. It returns the experiment name found in
// the file. Unknown keys are errors, and so is a negative number for an
// unsigned key (the TOML decoder would wrap −1 to 2⁶⁴ − 1). Documents
// larger than MaxFileBytes or nested deeper than MaxDepth are refused
// before they are parsed.
func Load(file string, data []byte, cfg any, sets []string) (string, error) {
	name := ""
	if len(data) > 0 {
		var err error
		if name, err = ExperimentName(file, data); err != nil {
			return "", err
		}
		if err := decode(file, string(data), cfg); err != nil {
			return "", err
		}
	}
	for _, s := range sets {
		if err := Set(cfg, s); err != nil {
			return "", err
		}
	}
	return name, nil
}

// decode decodes doc onto cfg after checking it for negative numbers
// aimed at unsigned keys, and rejects undecoded keys. where names the
// source in errors.
func decode(where, doc string, cfg any) error {
	var raw map[string]any
	if _, err := toml.Decode(doc, &raw); err != nil {
		return decodeError(where, err)
	}
	if err := checkDoc(where, raw, cfg); err != nil {
		return err
	}
	md, err := toml.Decode(doc, cfg)
	if err != nil {
		return decodeError(where, err)
	}
	return checkUndecoded(where, md, cfg)
}

// checkDoc runs checkRaw over a decoded document and reports the first
// problem: a wrong key (in the order checkUndecoded uses), else a negative
// unsigned value.
func checkDoc(where string, raw map[string]any, cfg any) error {
	return checkDocPrefixed(where, "", raw, cfg)
}

// checkDocPrefixed is checkDoc for a document aimed at a part of the
// config whose keys are displayed with prefix (an array entry selected by
// --set population.E.…).
func checkDocPrefixed(where, prefix string, raw map[string]any, cfg any) error {
	var unknown []string
	err := checkRaw(raw, reflect.TypeOf(cfg), strings.TrimSuffix(prefix, "."), "", &unknown)
	var bad []string
	for _, k := range unknown {
		if k != ExperimentKey {
			bad = append(bad, k)
		}
	}
	if len(bad) > 0 {
		return unknownKeyPrefixed(where, prefix, bad, cfg)
	}
	if err != nil {
		return fmt.Errorf("%s: %v", where, err)
	}
	return nil
}

// Set applies one "dotted.key=value" override to cfg. The key is dotted
// bare keys (letters, digits, '_', '-'); the value is read as one TOML
// value (numbers, booleans, quoted strings, arrays, inline tables), and
// anything that does not parse as one is taken as a bare string, whatever
// characters it holds. A value can never add other keys.
func Set(cfg any, kv string) error {
	eq := strings.IndexByte(kv, '=')
	if eq <= 0 {
		return fmt.Errorf("--set %q: want key=value", kv)
	}
	if len(kv) > MaxFileBytes {
		return fmt.Errorf("--set: %d bytes, more than the %d bytes a config may have", len(kv), MaxFileBytes)
	}
	key, val := strings.TrimSpace(kv[:eq]), strings.TrimSpace(kv[eq+1:])
	if key == ExperimentKey {
		return fmt.Errorf("--set %s: the experiment cannot be overridden; use another config file", key)
	}
	parts := strings.Split(key, ".")
	if len(parts) > MaxDepth {
		return fmt.Errorf("--set %q: a key with more than %d dotted parts", kv, MaxDepth)
	}
	for _, p := range parts {
		if p == "" {
			return fmt.Errorf("--set %q: empty key component", kv)
		}
		if !bareKey(p) {
			return fmt.Errorf("--set %q: key %q: want dotted bare keys (letters, digits, _ and -)", kv, key)
		}
	}
	cfg, parts, prefix, err := selectEntry(cfg, parts, kv)
	if err != nil {
		return err
	}
	if !utf8.ValidString(val) {
		return fmt.Errorf("--set %q: the value is not valid UTF-8", kv)
	}
	if err := checkShape("--set "+key, []byte(val)); err != nil {
		return err
	}
	var probe map[string]any
	if md, err := toml.Decode("v = "+val, &probe); err != nil {
		val = quote(val)
	} else {
		for _, k := range md.Keys() {
			if k[0] != "v" {
				return fmt.Errorf("--set %q: the value is not one TOML value (it would set %q too); quote it", kv, k.String())
			}
		}
	}
	var doc string
	if len(parts) > 1 {
		doc = "[" + strings.Join(parts[:len(parts)-1], ".") + "]\n"
	}
	doc += parts[len(parts)-1] + " = " + val + "\n"
	var raw map[string]any
	if _, err := toml.Decode(doc, &raw); err != nil {
		return setError(kv, err)
	}
	if err := checkDocPrefixed("--set "+kv, prefix, raw, cfg); err != nil {
		return err
	}
	md, err := toml.Decode(doc, cfg)
	if err != nil {
		return setError(kv, err)
	}
	return checkUndecodedPrefixed("--set "+kv, prefix, md, cfg)
}

func setError(kv string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("--set %s: %s", kv, pe.Message)
	}
	return fmt.Errorf("--set %s: %v", kv, err)
}

func bareKey(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return s != ""
}

// quote returns s as a TOML basic string (control characters as \uXXXX,
// which TOML accepts, unlike Go's \a or \x00).
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// checkRaw walks a decoded document next to the config type t. It
// returns an error naming the first negative integer aimed at an unsigned
// field (the TOML decoder converts it with wrap-around), and collects in
// unknown the keys that name no field exactly: the decoder also matches
// keys that differ in case ("SEED" sets seed), which would bypass these
// checks and make rule.a a synonym of rule.A.
//
// key is the display name of v (with indices: population[1].size), path
// the key as Keys lists it (population.size).
func checkRaw(v any, t reflect.Type, key, path string, unknown *[]string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if n, ok := v.(int64); ok && n < 0 {
			return fmt.Errorf("%s = %d must be ≥ 0 (an unsigned integer)", key, n)
		}
	case reflect.Slice, reflect.Array:
		var elems []any
		switch x := v.(type) {
		case []any:
			elems = x
		case []map[string]any:
			for _, m := range x {
				elems = append(elems, m)
			}
		}
		for i, e := range elems {
			if err := checkRaw(e, t.Elem(), fmt.Sprintf("%s[%d]", key, i), path, unknown); err != nil {
				return err
			}
		}
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return nil // a type mismatch: the decoder reports it
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			part := k
			if !bareKey(k) {
				part = quote(k)
			}
			sub, subPath := part, part
			if key != "" {
				sub = key + "." + part
			}
			if path != "" {
				subPath = path + "." + part
			}
			f, ok := fieldByKey(t, k)
			if !ok {
				*unknown = append(*unknown, subPath)
				continue
			}
			if err := checkRaw(m[k], f.Type, sub, subPath, unknown); err != nil {
				return err
			}
		}
	}
	return nil
}

// fieldByKey finds the field of struct t decoded from TOML key k (through
// untagged embedded structs, as the decoder does).
func fieldByKey(t reflect.Type, k string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Tag.Get("toml") == "" {
			et := f.Type
			for et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				if g, ok := fieldByKey(et, k); ok {
					return g, true
				}
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if tagName(f) == k {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func decodeError(file string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %s", file, pe.Position.Line, pe.Message)
	}
	return fmt.Errorf("%s: %v", file, err)
}

func checkUndecoded(where string, md toml.MetaData, cfg any) error {
	return checkUndecodedPrefixed(where, "", md, cfg)
}

func checkUndecodedPrefixed(where, prefix string, md toml.MetaData, cfg any) error {
	und := md.Undecoded()
	var bad []string
	for _, k := range und {
		s := k.String()
		if s == ExperimentKey {
			continue
		}
		bad = append(bad, s)
	}
	if len(bad) == 0 {
		return nil
	}
	return unknownKeyPrefixed(where, prefix, bad, cfg)
}

// unknownKey is the error for the unknown keys bad (the shortest first),
// with the nearest valid key as a suggestion.
func unknownKey(where string, bad []string, cfg any) error {
	return unknownKeyPrefixed(where, "", bad, cfg)
}

// unknownKeyPrefixed is unknownKey for keys of a part of the config
// displayed with prefix.
func unknownKeyPrefixed(where, prefix string, bad []string, cfg any) error {
	sort.Slice(bad, func(i, j int) bool {
		return len(bad[i]) < len(bad[j]) || (len(bad[i]) == len(bad[j]) && bad[i] < bad[j])
	})
	k := bad[0]
	msg := fmt.Sprintf("%s: unknown key %q", where, prefix+k)
	if s := Suggest(k, Keys(cfg)); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", prefix+s)
	}
	return errors.New(msg)
}

// Keys lists every valid dotted key of a config struct (arrays of tables
// contribute their element keys under the array's name).
func Keys(cfg any) []string {
	var out []string
	walkKeys(reflect.TypeOf(cfg), "", &out)
	sort.Strings(out)
	return out
}

func walkKeys(t reflect.Type, prefix string, out *[]string) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Struct {
			break
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := tagName(f)
		if name == "-" {
			continue
		}
		if f.Anonymous && f.Tag.Get("toml") == "" {
			walkKeys(f.Type, prefix, out)
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct || (ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct) {
			walkKeys(ft, key, out)
			continue
		}
		*out = append(*out, key)
	}
}

func tagName(f reflect.StructField) string {
	tag := f.Tag.Get("toml")
	if tag == "" {
		return f.Name
	}
	if i := strings.IndexByte(tag, ','); i >= 0 {
		tag = tag[:i]
	}
	if tag == "" {
		return f.Name
	}
	return tag
}

// Suggest returns the candidate closest to key by edit distance (case
// insensitive), or "" when nothing is reasonably close.
func Suggest(key string, candidates []string) string {
	best, bestD := "", 1<<30
	lk := strings.ToLower(key)
	for _, c := range candidates {
		d := editDistance(lk, strings.ToLower(c))
		// also compare the last component alone, so "rule.betaf" finds
		// "rule.beta_f_per_hz" via the section
		if d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, len(key)/3)
	if bestD <= limit {
		return best
	}
	// fall back: same last component in another section
	last := key[strings.LastIndexByte(key, '.')+1:]
	for _, c := range candidates {
		if strings.EqualFold(c[strings.LastIndexByte(c, '.')+1:], last) {
			return c
		}
	}
	return ""
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := 1
			if ra[i-1] == rb[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
