package store

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// AtomicFile is a buffered file that only appears at its target path when
// Commit succeeds. Until then the data lives in a hidden temporary file in
// the same directory (so the final rename never crosses file systems).
// Abort, or a failed Commit, removes the temporary file and leaves any
// previous file at the target path untouched.
//
// AtomicFile is the building block of every writer in this package; it is
// exported so that other packages (plot, report) get the same guarantee.
type AtomicFile struct {
	// W buffers writes to the temporary file. Use it, not the *os.File.
	W *bufio.Writer

	f    *os.File
	path string
	done bool
}

// atomicBufSize is the bufio buffer size of an AtomicFile (bytes).
const atomicBufSize = 64 << 10

// CreateAtomic starts an atomic write of path. The parent directory must
// exist. The final file gets permission 0644.
func CreateAtomic(path string) (*AtomicFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return nil, fmt.Errorf("store: %q: path names a directory", path)
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("store: create temp file for %s: %w", path, err)
	}
	return &AtomicFile{W: bufio.NewWriterSize(f, atomicBufSize), f: f, path: path}, nil
}

// Path returns the target path.
func (a *AtomicFile) Path() string { return a.path }

// Commit flushes, syncs and closes the temporary file and renames it onto
// the target path. On any error the temporary file is removed and the
// target is left as it was. Commit after Commit or Abort is a no-op
// returning nil.
func (a *AtomicFile) Commit() error {
	if a.done {
		return nil
	}
	a.done = true
	tmp := a.f.Name()
	err := a.W.Flush()
	if err == nil {
		err = a.f.Sync()
	}
	if err == nil {
		err = a.f.Chmod(0o644)
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, a.path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("store: write %s: %w", a.path, err)
	}
	return nil
}

// Abort discards the temporary file. The target path is not touched.
// Abort after Commit or Abort is a no-op.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	_ = a.f.Close()
	_ = os.Remove(a.f.Name())
}

// finish commits if err is nil and aborts otherwise, returning the first
// error. It lets one-shot writers end with `return af.finish(err)`.
func (a *AtomicFile) finish(err error) error {
	if err != nil {
		a.Abort()
		var pe *fileError
		if errors.As(err, &pe) {
			return err
		}
		return fmt.Errorf("store: write %s: %w", a.path, err)
	}
	return a.Commit()
}

// fileError is an error that already names its file.
type fileError struct {
	path string
	msg  string
}

func (e *fileError) Error() string { return "store: " + e.path + ": " + e.msg }

func errorf(path, format string, args ...any) error {
	return &fileError{path: path, msg: fmt.Sprintf(format, args...)}
}
