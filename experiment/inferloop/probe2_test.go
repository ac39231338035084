package inferloop

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"
)

func TestProbeSmall(t *testing.T) {
	if os.Getenv("PROBE2") == "" {
		t.Skip()
	}
	dt, _ := strconv.ParseFloat(os.Getenv("DT"), 64)
	pres, _ := strconv.ParseFloat(os.Getenv("PRES"), 64)
	for seed := uint64(1); seed <= 2; seed++ {
		c := Defaults()
		c.Network.N, c.Network.C, c.Network.P = 5000, 0.02, 24
		c.Protocol.NovelStimuli = 60
		c.Protocol.PresentationMs = pres
		c.Protocol.WindowMs = dt
		c.Dynamics.DtMs = dt
		c.Inference.Neurons, c.Inference.Bootstrap = 20, 0
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		res, err := Loop(context.Background(), c, seed, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		o := res.Outcome
		s := fmt.Sprintf("seed %d: %.1fs sdpred %.3f meas %.3f qF %.3f qnov %.3f settle %.3f |", seed, time.Since(t0).Seconds(), o.PredictedSD, mean(o.InputSD), o.QFamiliarHz, res.Responses.NovelQMaxHz, res.Responses.SettleHz)
		for k, n := range ParamNames() {
			if k < 3 || k == 7 {
				s += fmt.Sprintf(" %s %+.3f/%+.3f", n, o.VsTruth[k].RelErr, o.VsEffective[k].RelErr)
			}
		}
		t.Log(s)
	}
}
