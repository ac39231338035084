package activityio

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadBinned(t *testing.T) {
	dir := t.TempDir()
	sp := filepath.Join(dir, "s.csv")
	os.WriteFile(sp, []byte("neuron,time\n0,1.5\n1,2\n0,7.1\n2,9.9\n"), 0o644)
	in, err := Open(sp, &Options{Kind: KindSpikes, BinMs: 5})
	if err != nil {
		t.Fatal(err)
	}
	b, err := in.ReadBinned()
	in.Close()
	if err != nil {
		t.Fatal(err)
	}
	// window [1.5, 9.9+) → 2 bins of 5 ms from the first spike
	if b.Neurons != 3 || b.Bins != 2 || b.Row(0)[0] != 1 || b.Row(0)[1] != 1 || b.Row(2)[1] != 1 {
		t.Fatalf("binned %+v", b)
	}
	r := filepath.Join(dir, "r.txt")
	os.WriteFile(r, []byte("1 0 1\n0 0 1\n"), 0o644)
	in, _ = Open(r, &Options{Kind: KindRaster})
	b, err = in.ReadBinned()
	in.Close()
	if err != nil || b.Neurons != 2 || b.Bins != 3 {
		t.Fatalf("raster %+v %v", b, err)
	}
	c := filepath.Join(dir, "c.txt")
	os.WriteFile(c, []byte("1\n2\n3\n"), 0o644)
	in, _ = Open(c, nil)
	if _, err := in.ReadBinned(); err == nil {
		t.Fatal("counts accepted as per-neuron data")
	}
	in.Close()
	noID := filepath.Join(dir, "t.csv")
	os.WriteFile(noID, []byte("time\n1\n2\n"), 0o644)
	in, _ = Open(noID, &Options{Kind: KindSpikes, BinMs: 1})
	if _, err := in.ReadBinned(); err == nil {
		t.Fatal("spikes without ids accepted")
	}
	in.Close()
}
