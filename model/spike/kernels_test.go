package spike

import (
	"bytes"
	"slices"
	"testing"
)

// aurynLike is a small Zenke-2013-type network (Zenke2013Spec's neurons:
// NMDA low-pass and threshold jump, no refractoriness) of 1000 E + 250 I
// with Poisson drive strong enough to fire, and variants with only one
// of the two mechanisms.
func aurynLike(nmda, jump bool) func() Spec {
	return func() Spec {
		s := Zenke2013Spec(10000)
		s.Populations[0].N, s.Populations[1].N, s.Populations[2].N = 1000, 250, 500
		s.Populations[2].Neuron.RateHz = 40
		for i := range s.Projections {
			s.Projections[i].P = 0.1
			s.Projections[i].Plasticity = nil
		}
		for k := 0; k < 2; k++ {
			nr := &s.Populations[k].Neuron
			if !nmda {
				nr.TauNMDAMs, nr.NMDAFraction = 0, 0
			}
			if !jump {
				nr.ThresholdJumpMV, nr.TauThresholdMs = 0, 0
			}
		}
		return s
	}
}

// TestFastKernelsMatchGeneric: the specialised COBA and CUBA kernels
// (updateCOBA, updateExp: two passes with refractory lists), the
// Auryn-type conductance kernel (updateCOBAN) and the rise-time kernel
// (updateRise, LKD's neurons) and the adaptation kernel (updateAIF, ZAG's
// E cells) give the same spikes, state
// and refractory counters as updateGeneric, for 1 and 2 workers, with the
// AVX2 kernels on and off.
func TestFastKernelsMatchGeneric(t *testing.T) {
	defer func(u bool) { useAVX2 = u }(useAVX2)
	lkd := func() Spec { return LKD2014Spec(400, 100, 0.2) } // updateRise: AdEx with adaptive threshold (E), LIF (I)
	zag := func() Spec { return ZAG2015Spec(400) }           // updateAIF (E), updateCOBAN (I), STP, P10
	for _, mk := range []func() Spec{COBASpec, CUBASpec, aurynLike(true, true), aurynLike(true, false), aurynLike(false, true), lkd, zag} {
		for _, avx := range []bool{false, true} {
			useAVX2 = avx && cpuHasAVX2()
			testFastKernels(t, mk, avx)
		}
	}
}

func testFastKernels(t *testing.T, mk func() Spec, avx bool) {
	{
		for _, w := range []int{1, 2} {
			s := mk()
			a, err := Build(&s, &Options{Workers: w})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			b, err := Build(&s, &Options{Workers: w})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			b.forceGeneric = true // b runs the generic kernel on every population
			sa := runRecord(t, a, 3000)
			sb := runRecord(t, b, 3000)
			if len(sa.ID) == 0 || !slices.Equal(sa.ID, sb.ID) || !slices.Equal(sa.Step, sb.Step) {
				t.Fatalf("%s (%d neurons), %d workers, AVX2 %v: spikes differ (%d fast, %d generic)", s.Populations[0].Name, s.Populations[0].N, w, avx, len(sa.ID), len(sb.ID))
			}
			equalState(t, a, b)
			for k := range a.pops {
				if !slices.Equal(a.pops[k].ref, b.pops[k].ref) {
					t.Fatalf("population %d: refractory counters differ", k)
				}
			}
		}
	}
}

// TestCheckpointResumeFastKernels: checkpoint/resume is bit-identical for
// the COBA and CUBA kernels, restoring a 1-worker checkpoint into a 2-worker
// network whose refractory lists are already in use.
func TestCheckpointResumeFastKernels(t *testing.T) {
	for _, mk := range []func() Spec{COBASpec, CUBASpec} {
		s := mk()
		const half = 1500
		ref, err := Build(&s, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ref.Close()
		runRecord(t, ref, half)
		want := runRecord(t, ref, half)
		a, _ := Build(&s, nil)
		defer a.Close()
		runRecord(t, a, half)
		var buf bytes.Buffer
		if err := a.Save(&buf); err != nil {
			t.Fatal(err)
		}
		b, _ := Build(&s, &Options{Workers: 2})
		defer b.Close()
		runRecord(t, b, 77) // refractory lists in use before Restore
		if err := b.Restore(&buf); err != nil {
			t.Fatal(err)
		}
		got := runRecord(t, b, half)
		if len(want.ID) == 0 || !slices.Equal(want.ID, got.ID) || !slices.Equal(want.Step, got.Step) {
			t.Fatalf("resumed run differs: %d vs %d spikes", len(got.ID), len(want.ID))
		}
		equalState(t, ref, b)
	}
}
