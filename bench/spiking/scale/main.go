// Command scale builds a large model A network (fixed in-degree K, 80/20 E/I)
// with engram's model/spike and reports the build time, synapse count, the
// estimate, the peak resident memory (VmHWM) and bytes per synapse, and the
// time per simulated step; with -plastic the E→E projection carries pair
// STDP (weights stored per synapse, plus the post-side index).
//
//	go run ./bench/spiking/scale -n 1000000 -k 1000 -workers 2          # 10^9 static synapses
//	go run ./bench/spiking/scale -n 100000 -k 1000 -plastic -steps 200  # 10^8 synapses, 0.64·10^8 plastic
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/engramsim/engram/model/spike"
)

// vmHWM returns the peak resident set size in bytes.
func vmHWM() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "VmHWM:") {
			v := strings.Fields(strings.TrimPrefix(sc.Text(), "VmHWM:"))
			kb, _ := strconv.ParseInt(v[0], 10, 64)
			return kb << 10
		}
	}
	return 0
}

func main() {
	n := flag.Int("n", 100000, "neurons (80 % E)")
	k := flag.Int("k", 1000, "in-degree (80 % from E, 20 % from I)")
	workers := flag.Int("workers", 2, "goroutines")
	steps := flag.Int("steps", 100, "steps to time after the build")
	plastic := flag.Bool("plastic", false, "pair STDP on E→E")
	flag.Parse()
	nE := *n * 4 / 5
	s := spike.BrunelASpec(nE, *n-nE, *k*4/5, *k-*k*4/5, 5, 2)
	if *plastic {
		p := spike.PairDefaults()
		s.Projections[0].Plasticity = []spike.RuleSpec{{Rule: spike.RulePair, WMax: 0.2, Pair: &p}}
	}
	est := s.EstimateBytes()
	t0 := time.Now()
	net, err := spike.Build(&s, &spike.Options{Workers: *workers})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	build := time.Since(t0).Seconds()
	hwBuild := vmHWM()
	t1 := time.Now()
	if err := net.Run(int64(*steps), nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	stepS := time.Since(t1).Seconds() / float64(*steps)
	syn := net.SynapseCount()
	hw := vmHWM()
	out, _ := json.Marshal(map[string]any{"neurons": *n, "synapses": syn, "plastic": *plastic, "build_s": build,
		"estimate_bytes": est, "vm_hwm_bytes": hw, "vm_hwm_after_build_bytes": hwBuild,
		"peak_bytes_per_synapse": float64(hw) / float64(syn), "estimate_over_peak": float64(est) / float64(hw),
		"s_per_step": stepS, "steps": *steps, "workers": *workers})
	fmt.Println(string(out))
	net.Close()
}
