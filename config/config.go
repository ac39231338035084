package config

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// ExperimentKey is the top-level key naming the experiment a file is for.
const ExperimentKey = "experiment"

// ExperimentName returns the value of the top-level `experiment` key of a
// TOML document (empty if absent).
func ExperimentName(file string, data []byte) (string, error) {
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
// the file. Unknown keys are errors.
func Load(file string, data []byte, cfg any, sets []string) (string, error) {
	name := ""
	if len(data) > 0 {
		var err error
		if name, err = ExperimentName(file, data); err != nil {
			return "", err
		}
		md, err := toml.Decode(string(data), cfg)
		if err != nil {
			return "", decodeError(file, err)
		}
		if err := checkUndecoded(file, md, cfg); err != nil {
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

// Set applies one "dotted.key=value" override to cfg. The value is read as
// a TOML value (numbers, booleans, quoted strings, arrays); anything that
// does not parse as one is taken as a bare string.
func Set(cfg any, kv string) error {
	eq := strings.IndexByte(kv, '=')
	if eq <= 0 {
		return fmt.Errorf("--set %q: want key=value", kv)
	}
	key, val := strings.TrimSpace(kv[:eq]), strings.TrimSpace(kv[eq+1:])
	if key == ExperimentKey {
		return fmt.Errorf("--set %s: the experiment cannot be overridden; use another config file", key)
	}
	var probe map[string]any
	if _, err := toml.Decode("v = "+val, &probe); err != nil {
		val = fmt.Sprintf("%q", val)
	}
	parts := strings.Split(key, ".")
	for _, p := range parts {
		if p == "" {
			return fmt.Errorf("--set %q: empty key component", kv)
		}
	}
	var doc string
	if len(parts) > 1 {
		doc = "[" + strings.Join(parts[:len(parts)-1], ".") + "]\n"
	}
	doc += parts[len(parts)-1] + " = " + val + "\n"
	md, err := toml.Decode(doc, cfg)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("--set %s: %s", kv, pe.Message)
		}
		return fmt.Errorf("--set %s: %v", kv, err)
	}
	return checkUndecoded("--set "+kv, md, cfg)
}

func decodeError(file string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %s", file, pe.Position.Line, pe.Message)
	}
	return fmt.Errorf("%s: %v", file, err)
}

func checkUndecoded(where string, md toml.MetaData, cfg any) error {
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
	sort.Slice(bad, func(i, j int) bool {
		return len(bad[i]) < len(bad[j]) || (len(bad[i]) == len(bad[j]) && bad[i] < bad[j])
	})
	k := bad[0]
	msg := fmt.Sprintf("%s: unknown key %q", where, k)
	if s := Suggest(k, Keys(cfg)); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
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
