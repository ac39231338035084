// Command cobarun runs engram's Vogels–Abbott benchmark network (COBA or
// CUBA, 4000 neurons, 2 %, dt 0.1 ms) and prints one JSON line per repeat
// with the loop wall and CPU time per biological second, the mean rate and
// the mean CV of ISI. It is driven by bench/spiking/compare.sh.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/engramsim/engram/model/spike"
)

func cpuSeconds() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func main() {
	model := flag.String("model", "coba", "coba, cuba, coba-nosyn or cuba-nosyn (no synapses: neuron update only)")
	durMs := flag.Float64("dur_ms", 1000, "biological time per repeat in ms")
	reps := flag.Int("reps", 1, "repeats (fresh network each)")
	workers := flag.Int("workers", 1, "goroutines")
	seed := flag.Uint64("seed", 1, "seed")
	flag.Parse()
	for r := 0; r < *reps; r++ {
		var s spike.Spec
		switch strings.TrimSuffix(*model, "-nosyn") {
		case "coba":
			s = spike.COBASpec()
		case "cuba":
			s = spike.CUBASpec()
		default:
			fmt.Fprintln(os.Stderr, "unknown model", *model)
			os.Exit(2)
		}
		s.Seed = *seed + uint64(r)
		if strings.HasSuffix(*model, "-nosyn") {
			s.Projections = nil
		}
		t0 := time.Now()
		net, err := spike.Build(&s, &spike.Options{Workers: *workers})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		build := time.Since(t0).Seconds()
		steps := int64(*durMs / s.DtMs)
		var sp spike.Spikes
		c0, w0 := cpuSeconds(), time.Now()
		err = net.Run(steps, func() error {
			st := net.Steps() - 1
			sp.Append(st, net.Spiked(0))
			for _, i := range net.Spiked(1) {
				sp.Step = append(sp.Step, st)
				sp.ID = append(sp.ID, i+3200)
			}
			return nil
		})
		wall, cpu := time.Since(w0).Seconds(), cpuSeconds()-c0
		net.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		bio := *durMs / 1000
		out := map[string]any{
			"sim": "engram", "model": *model, "rep": r, "workers": *workers,
			"build_s": build, "loop_wall_s_per_bio_s": wall / bio, "loop_cpu_s_per_bio_s": cpu / bio,
			"ns_per_neuron_step": wall / float64(steps) / 4000 * 1e9,
			"rate_hz":            spike.RateHz(int64(len(sp.ID)), 4000, *durMs),
			"cv_isi":             spike.MeanFinite(spike.CVISIs(&sp, 4000)),
			"spikes":             len(sp.ID), "synapses": net.SynapseCount(),
		}
		b, _ := json.Marshal(out)
		fmt.Println(string(b))
	}
}
