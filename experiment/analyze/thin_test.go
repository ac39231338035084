package analyze

import (
	"testing"

	"github.com/engramsim/engram/plot"
)

// TestThinSeries: figures draw at most figMaxPoints per series, spread
// evenly in x (in ln x on log axes), keeping both ends; short series are
// untouched.
func TestThinSeries(t *testing.T) {
	n := 100000
	x, y := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], y[i] = float64(i+1), float64(i)
	}
	for _, logX := range []bool{false, true} {
		s := thinSeries(plot.Series{X: x, Y: y, YErr: y}, logX, 100)
		if len(s.X) > 100 || len(s.X) < 50 || s.X[0] != 1 || s.X[len(s.X)-1] != float64(n) || len(s.Y) != len(s.X) || len(s.YErr) != len(s.X) {
			t.Fatalf("logX=%v: %d points from %v to %v", logX, len(s.X), s.X[0], s.X[len(s.X)-1])
		}
		for i := 1; i < len(s.X); i++ {
			if s.Y[i] != s.X[i]-1 || s.X[i] <= s.X[i-1] {
				t.Fatalf("logX=%v: point %d = (%v, %v)", logX, i, s.X[i], s.Y[i])
			}
		}
		// On a log axis the points below x = 100 (2/5 of the decades) are
		// about 2/5 of all; on a linear axis almost none.
		below := 0
		for _, v := range s.X {
			if v < 100 {
				below++
			}
		}
		if logX && (below < 25 || below > 50) || !logX && below > 2 {
			t.Errorf("logX=%v: %d of %d points below x = 100", logX, below, len(s.X))
		}
	}
	short := plot.Series{X: x[:10], Y: y[:10]}
	if s := thinSeries(short, false, 100); len(s.X) != 10 {
		t.Errorf("short series thinned to %d", len(s.X))
	}
}
