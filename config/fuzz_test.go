package config

import (
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// fuzzSeeds are documents that reach every kind of field of cfgT.
var fuzzSeeds = []string{
	"",
	"experiment = \"pb\"\n[rule]\nA = 10.65\nx_g_hz = 20.0\n[network]\nn = 5\nseed = 3\n",
	"label = \"a \\\"quoted\\\" label\"\nlist = [1, 2, 3]\n[[population]]\nname = \"E\"\nsize = 80\n[[population]]\nname = \"I\"\nsize = 20\n",
	"rule = {A = 1.0, preset = 'itc3'}\nnetwork.c = 0.5\n",
	"[rule]\nbeta_f_per_hz = nan\nA = inf\n",
	"[network]\nseed = -1\n",
	"list = [[1]]\n",
}

// Load never panics; what it accepts prints (Format) to a document that
// loads to the same config (config.resolved.toml reproduces the run).
func FuzzLoad(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := defaults()
		name, err := Load("f.toml", data, c, nil)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.toml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if name != "" && !strings.Contains(string(data), "experiment") {
			t.Fatalf("experiment %q from nowhere", name)
		}
		out := Format(c, name)
		d := defaults()
		name2, err := Load("resolved.toml", []byte(out), d, nil)
		if err != nil {
			t.Fatalf("Format output does not load: %v\n%s", err, out)
		}
		if out2 := Format(d, name2); out2 != out || name2 != name {
			t.Fatalf("round trip differs:\n%s\n---\n%s", out, out2)
		}
	})
}

// Set never panics, changes nothing but the key it names, and what it
// accepts survives the Format/Load round trip.
func FuzzSet(f *testing.F) {
	for _, s := range []string{"rule.A=10.65", "network.seed=-1", "label=hello world", "list=[1,2]", "rule.x_g_hz=20",
		"rule={A=2.0}", "label=a\nrule.A=3", "rule.A=1\n[network]\nn=5", "network.n=1e300", "label=\x00\\x", "population.size=3",
		"network.c=nan", "rule]\n[network.n=3", "experiment=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, kv string) {
		c := defaults()
		before := tree(t, Format(c, ""))
		if err := Set(c, kv); err != nil {
			if !strings.Contains(err.Error(), "--set") {
				t.Fatalf("error does not say --set: %v", err)
			}
			return
		}
		out := Format(c, "")
		after := tree(t, out)
		key := strings.TrimSpace(kv[:strings.IndexByte(kv, '=')])
		del(before, strings.Split(key, "."))
		del(after, strings.Split(key, "."))
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("--set %q changed other keys:\n%v\n%v", kv, before, after)
		}
		d := defaults()
		if _, err := Load("resolved.toml", []byte(out), d, nil); err != nil || Format(d, "") != out {
			t.Fatalf("round trip after --set %q: %v\n%s\n---\n%s", kv, err, out, Format(d, ""))
		}
	})
}

func tree(t *testing.T, doc string) map[string]any {
	var m map[string]any
	if _, err := toml.Decode(doc, &m); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	return m
}

func del(m map[string]any, path []string) {
	if len(path) == 1 {
		delete(m, path[0])
		return
	}
	if sub, ok := m[path[0]].(map[string]any); ok {
		del(sub, path[1:])
	}
}
