// Command scale builds a large model A network (fixed in-degree K, 80/20 E/I)
// with engram's model/spike and reports the build time, synapse count, the
// peak resident memory (VmHWM) and the time of a few simulation steps.
//
//	go run ./bench/spiking/scale -n 100000 -k 1000 -workers 2
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/engramsim/engram/model/spike"
)

func vmHWM() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(sc.Text(), "VmHWM:"))
		}
	}
	return ""
}

func main() {
	n := flag.Int("n", 100000, "neurons (80 % E)")
	k := flag.Int("k", 1000, "in-degree (80 % from E, 20 % from I)")
	workers := flag.Int("workers", 2, "goroutines")
	steps := flag.Int("steps", 100, "steps to time after the build")
	flag.Parse()
	nE := *n * 4 / 5
	s := spike.BrunelASpec(nE, *n-nE, *k*4/5, *k-*k*4/5, 5, 2)
	est := s.EstimateBytes()
	t0 := time.Now()
	net, err := spike.Build(&s, &spike.Options{Workers: *workers})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	build := time.Since(t0).Seconds()
	t1 := time.Now()
	if err := net.Run(int64(*steps), nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	stepS := time.Since(t1).Seconds() / float64(*steps)
	out, _ := json.Marshal(map[string]any{"neurons": *n, "synapses": net.SynapseCount(), "build_s": build,
		"estimate_bytes": est, "vm_hwm": vmHWM(), "s_per_step": stepS, "workers": *workers})
	fmt.Println(string(out))
	net.Close()
}
