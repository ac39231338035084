package store

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// OpenRegular opens path for reading and returns the file and its size. It
// refuses anything but a regular file — a named pipe, device, socket or
// directory — with an error naming the path: reading a FIFO blocks until a
// writer appears (and ignores SIGINT while blocked in open), a device such as
// /dev/zero never ends, and neither has a size to bound the allocation by.
// The file is opened with O_NONBLOCK so that a path which is swapped for a
// FIFO after the check cannot block either; on regular files the flag has no
// effect.
func OpenRegular(path string) (*os.File, int64, error) {
	if st, err := os.Stat(path); err != nil {
		return nil, 0, fmt.Errorf("store: %w", err)
	} else if !st.Mode().IsRegular() {
		return nil, 0, notRegular(path, st.Mode())
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, 0, fmt.Errorf("store: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("store: %w", err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, notRegular(path, st.Mode())
	}
	return f, st.Size(), nil
}

func notRegular(path string, m fs.FileMode) error {
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeCharDevice != 0:
		what = "a character device"
	case m&fs.ModeDevice != 0:
		what = "a device"
	}
	return errorf(path, "is %s; inputs must be regular files (copy the data to a file first)", what)
}

// ReadRegularFile reads a whole regular file of at most limit bytes (see
// OpenRegular); larger files are an error naming the path and the limit.
func ReadRegularFile(path string, limit int64) ([]byte, error) {
	f, size, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if size > limit {
		return nil, errorf(path, "is %d bytes, above the limit of %d for this kind of file", size, limit)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, errorf(path, "%v", err)
	}
	if int64(len(b)) > limit {
		return nil, errorf(path, "grew above the limit of %d bytes while being read", limit)
	}
	return b, nil
}
