//go:build !linux

package spike

func adviseHuge[T any](a []T) {}
