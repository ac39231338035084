// Command plasticrun runs one of engram's plastic benchmark networks
// (coba-stdp, zenke2013, vogels2011, lkd2014, zag2015) single-threaded and prints one JSON
// line per measured segment: wall and CPU seconds per biological second,
// the population rates and the mean plastic weight. It is driven by
// bench/spiking/plastic.sh.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
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
	model := flag.String("model", "coba-stdp", "coba-stdp, coba, zenke2013, vogels2011, lkd2014 or zag2015")
	nE := flag.Int("ne", 0, "lkd2014, zag2015: excitatory neurons (0: the paper's; lkd2014 keeps the paper's in-degrees)")
	primeMs := flag.Float64("prime_ms", 0, "simulated time before the measured segment (ms; zenke2013: static priming)")
	durMs := flag.Float64("dur_ms", 1000, "measured biological time in ms")
	segments := flag.Int("segments", 1, "measured segments (one JSON line each)")
	tauHom := flag.Float64("tau_hom_ms", 10000, "zenke2013: τ_hom in ms (plasticity starts at 3 τ_hom)")
	workers := flag.Int("workers", 1, "goroutines")
	seed := flag.Uint64("seed", 1, "seed")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the measured segments")
	flag.Parse()
	var s spike.Spec
	switch *model {
	case "coba-stdp":
		s = spike.COBASTDPSpec()
	case "coba":
		s = spike.COBASpec()
	case "zenke2013":
		s = spike.Zenke2013Spec(*tauHom)
	case "vogels2011":
		s = spike.Vogels2011Spec()
	case "lkd2014":
		n := 4000
		if *nE > 0 {
			n = *nE
		}
		// in-degrees of the paper: p·(N − 1) = 0.2·4999 inputs from 5000 neurons
		s = spike.LKD2014Spec(n, n/4, min(1, 0.2*4999/float64(n+n/4-1)))
	case "zag2015":
		n := 4096
		if *nE > 0 {
			n = *nE
		}
		s = spike.ZAG2015Spec(n)
	default:
		fmt.Fprintln(os.Stderr, "unknown model", *model)
		os.Exit(2)
	}
	s.Seed = *seed
	t0 := time.Now()
	net, err := spike.Build(&s, &spike.Options{Workers: *workers, Checks: spike.Checks{MaxRateHz: 200}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer net.Close()
	build := time.Since(t0).Seconds()
	pops := net.Populations()
	count := make([]int64, len(pops))
	run := func(ms float64) (float64, float64, error) {
		for k := range count {
			count[k] = 0
		}
		steps := int64(ms/s.DtMs + 0.5)
		c0, w0 := cpuSeconds(), time.Now()
		err := net.Run(steps, func() error {
			for k := range pops {
				count[k] += int64(len(net.Spiked(k)))
			}
			return nil
		})
		return time.Since(w0).Seconds(), cpuSeconds() - c0, err
	}
	if *primeMs > 0 {
		wall, cpu, err := run(*primeMs)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		emit(*model, "prime", build, *primeMs, wall, cpu, pops, count, net)
	}
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	for k := 0; k < *segments; k++ {
		wall, cpu, err := run(*durMs)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			pprof.StopCPUProfile()
			os.Exit(1)
		}
		emit(*model, "measured", build, *durMs, wall, cpu, pops, count, net)
	}
}

func emit(model, phase string, build, ms, wall, cpu float64, pops []spike.PopInfo, count []int64, net *spike.Net) {
	rates := map[string]float64{}
	for k, p := range pops {
		rates[p.Name] = float64(count[k]) / float64(p.N) / (ms / 1000)
	}
	var mean any // nil: no plastic projection
	var events int64
	for _, pr := range net.Projections() {
		if pr.Plastic() {
			var sum float64
			for _, w := range pr.W {
				sum += float64(w)
			}
			mean = sum / float64(len(pr.W))
		}
		events += count[pr.Pre] * int64(pr.NNZ()) / int64(pr.NPre)
	}
	out, _ := json.Marshal(map[string]any{"sim": "engram", "model": model, "phase": phase, "t_end_ms": net.TimeMs(), "build_s": build,
		"wall_s_per_bio_s": wall / (ms / 1000), "cpu_s_per_bio_s": cpu / (ms / 1000), "rates_hz": rates,
		"mean_plastic_weight": mean, "synapses": net.SynapseCount(), "events_per_bio_s": float64(events) / (ms / 1000)})
	fmt.Println(string(out))
}
