package runner

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
)

// Sanitize converts v to plain JSON data (maps, slices, numbers, strings;
// structs become maps by their json tags) and replaces NaN and ±Inf floats
// (not representable in JSON) by nil.
func Sanitize(v any) any { return jsonValue(v, false) }

// Plain converts v to plain data like Sanitize but keeps non-finite floats
// (for Flatten, which must tell NaN from missing).
func Plain(v any) any { return jsonValue(v, true) }

func jsonValue(v any, keep bool) any {
	sanitize := func(v any) any { return jsonValue(v, keep) }
	switch x := v.(type) {
	case float64:
		if !keep && (math.IsNaN(x) || math.IsInf(x, 0)) {
			return nil
		}
		return x
	case float32:
		return sanitize(float64(x))
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = sanitize(e)
		}
		return out
	case []float64:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = sanitize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = sanitize(e)
		}
		return out
	}
	if m, ok := v.(json.Marshaler); ok {
		if b, err := m.MarshalJSON(); err == nil {
			return json.RawMessage(b)
		}
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Struct {
		rv = rv.Elem()
	}
	if rv.Kind() == reflect.Struct {
		out := map[string]any{}
		t := rv.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := f.Name
			tag := f.Tag.Get("json")
			if f.Anonymous && tag == "" {
				if inner, ok := sanitize(rv.Field(i).Interface()).(map[string]any); ok {
					for k, v := range inner {
						out[k] = v
					}
					continue
				}
			}
			if tag == "-" {
				continue
			}
			if tag != "" {
				if c := strings.IndexByte(tag, ','); c >= 0 {
					if c > 0 {
						name = tag[:c]
					}
					if strings.Contains(tag[c:], "omitempty") && rv.Field(i).IsZero() {
						continue
					}
				} else {
					name = tag
				}
			}
			out[name] = sanitize(rv.Field(i).Interface())
		}
		return out
	}
	if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() != reflect.Uint8 {
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = sanitize(rv.Index(i).Interface())
		}
		return out
	}
	if rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String {
		out := make(map[string]any, rv.Len())
		for _, k := range rv.MapKeys() {
			out[k.String()] = sanitize(rv.MapIndex(k).Interface())
		}
		return out
	}
	return v
}
