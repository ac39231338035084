package inferloop

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestProbe(t *testing.T) {
	if os.Getenv("PROBE") == "" {
		t.Skip()
	}
	c := Defaults()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	res, err := Loop(context.Background(), c, 1, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := res.Outcome
	t.Logf("total %.1fs build %.1f sim %.1f infer %.1f", time.Since(t0).Seconds(), res.Net.BuildS, res.Responses.SimulateS, res.InferS)
	t.Logf("qbg %.3f qnov %.3f", res.Responses.BackgroundQMaxHz, res.Responses.NovelQMaxHz)
	t.Logf("settle %.3g bg %.3g meanrate %.3g var %.3g", res.Responses.SettleHz, res.Responses.BackgroundHz, res.Responses.MeanRateHz, res.Responses.VarRateHz2)
	t.Logf("sd pred %.3f meas %.3f; spread pred %.3f meas %.3f; qF %.3f egphi %.3f rankviol %d", o.PredictedSD, mean(o.InputSD), o.PredictedMeanSpread, sdOf(o.InputMean), o.QFamiliarHz, o.EGPhiHz, o.RankViolated)
	for k, n := range ParamNames() {
		t.Logf("%-14s truth %8.4g eff %8.4g rec %8.4g [%8.4g %8.4g] rel %+.3f relE %+.3f cov %.2f covE %.2f", n, ParamsVec(o.Truth)[k], ParamsVec(o.Effective)[k], ParamsVec(o.Recovered)[k], o.RecoveredQ25[k], o.RecoveredQ75[k], o.VsTruth[k].RelErr, o.VsEffective[k].RelErr, o.CoverTruth[k], o.CoverEffective[k])
	}
}
