package pbnet

import (
	"math"
	"strings"
	"testing"
)

func TestCheckState(t *testing.T) {
	if err := CheckState([]float32{1, 2, 3}, 100, 5); err != nil {
		t.Fatal(err)
	}
	err := CheckState([]float32{1, float32(math.NaN())}, 100, 12.5)
	if err == nil || !strings.Contains(err.Error(), "neuron 1") || !strings.Contains(err.Error(), "t = 12.5 ms") {
		t.Errorf("NaN: %v", err)
	}
	if err := CheckState([]float32{1, 500}, 100, 1); err == nil {
		t.Error("runaway rate accepted")
	}
}

func TestBuildAndPreset(t *testing.T) {
	s := DefaultSections(500, 0.1, 5)
	if err := s.ApplyPreset("itc7"); err != nil {
		t.Fatal(err)
	}
	if s.Transfer.RMaxHz != 81.17 || s.Rule.XFHz != 39.83 {
		t.Errorf("preset itc7 not applied: %+v %+v", s.Transfer, s.Rule)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	net, err := s.Build(1, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if net.Model.N != 500 || net.Patterns.P != 5 || net.Model.W.NNZ() == 0 {
		t.Errorf("built %d neurons, %d patterns, %d synapses", net.Model.N, net.Patterns.P, net.Model.W.NNZ())
	}
	s.Network.C = 0.001 // K = 0.5 < 1
	if err := s.Validate(); err == nil {
		t.Error("mean in-degree < 1 accepted")
	}
}
