package conn

// streamSumGo is the portable streamSum: eight independent accumulators (a
// single one is latency-bound).
func streamSumGo(a []uint64) uint64 {
	var s [8]uint64
	for len(a) >= 8 {
		b := a[:8:8]
		for j := range s {
			s[j] += b[j]
		}
		a = a[8:]
	}
	for _, v := range a {
		s[0] += v
	}
	return s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7]
}
