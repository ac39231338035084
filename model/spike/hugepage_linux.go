package spike

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// hugePageMin is the array size (bytes) from which adviseHuge asks for
// transparent huge pages.
const hugePageMin = 16 << 20

// adviseHuge asks the kernel to back the 2 MiB-aligned interior of a
// freshly allocated (not yet written) large array with transparent huge
// pages (madvise MADV_HUGEPAGE; a no-op where THP is "never", and an
// ignored hint where it fails). Plastic weights are updated at random
// positions from the post-side index; with 4 KiB pages nearly every such
// access also misses the TLB. Nothing about the values changes.
func adviseHuge[T any](a []T) {
	if len(a) == 0 {
		return
	}
	n := uintptr(len(a)) * unsafe.Sizeof(a[0])
	if n < hugePageMin {
		return
	}
	const huge = 2 << 20
	p := uintptr(unsafe.Pointer(&a[0]))
	lo := (p + huge - 1) &^ (huge - 1)
	hi := (p + n) &^ (huge - 1)
	if hi <= lo {
		return
	}
	all := unsafe.Slice((*byte)(unsafe.Pointer(&a[0])), n)
	_ = unix.Madvise(all[lo-p:hi-p], unix.MADV_HUGEPAGE)
}
