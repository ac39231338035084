package config

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// MaxFileBytes is the largest config document Load, ExperimentName and
// ReadFile accept (1 MiB; the largest example is a few KB). The TOML
// parser's time grows with the input (a 31 MB file of unknown keys took
// 42 s), so the bound is checked before parsing.
const MaxFileBytes = 1 << 20

// MaxDepth bounds the nesting of arrays and inline tables and the number of
// dotted parts of one key. The TOML parser's time and memory grow
// quadratically with both (20 KB of nested inline tables took 40 s and
// 1.4 GB); engram's configs use at most 3 levels and 3 parts.
const MaxDepth = 16

// ReadFile reads a config file: it must be a regular file (a FIFO or a
// device would block or never end) of at most MaxFileBytes. Errors name
// the path.
func ReadFile(path string) ([]byte, error) {
	// O_NONBLOCK: opening a FIFO would otherwise wait for a writer (it
	// changes nothing for regular files); Stat then refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot read config: %v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read config: %v", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("config %s is not a regular file (%v)", path, st.Mode().Type())
	}
	if st.Size() > MaxFileBytes {
		return nil, sizeError(path, st.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read config %s: %v", path, err)
	}
	if len(data) > MaxFileBytes { // grew since Stat
		return nil, sizeError(path, int64(len(data)))
	}
	return data, nil
}

func sizeError(file string, n int64) error {
	return fmt.Errorf("%s: %d bytes, more than the %d bytes a config file may have", file, n, MaxFileBytes)
}

// checkShape refuses, before any parsing, a document larger than
// MaxFileBytes or nested deeper than MaxDepth (arrays and inline tables, or
// dotted parts of a key). It is a small TOML lexer that knows strings
// (basic, literal, multi-line), comments, brackets and where keys stand;
// whatever it does not understand is left to the TOML parser, which runs
// only on documents it let through.
func checkShape(file string, data []byte) error {
	if len(data) > MaxFileBytes {
		return sizeError(file, int64(len(data)))
	}
	var stack []byte // open '[' and '{'
	line := 1
	inKey, parts := true, 1 // at a line start, a key (or table header) begins
	fail := func(msg string) error { return fmt.Errorf("%s:%d: %s", file, line, msg) }
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch c {
		case '\n':
			line++
			if len(stack) == 0 {
				inKey, parts = true, 1
			}
			continue
		case ' ', '\t', '\r':
			continue
		case '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
			i-- // the newline is handled by the loop
			continue
		case '"', '\'':
			end, nl := skipString(data, i)
			line += nl
			i = end
		case '[', '{':
			// a '[' where a key stands opens a table header ([a.b] or [[a]])
			header := c == '[' && inKey && (len(stack) == 0 || stack[len(stack)-1] == '[')
			stack = append(stack, c)
			if len(stack) > MaxDepth {
				return fail(fmt.Sprintf("arrays and inline tables nested deeper than %d levels", MaxDepth))
			}
			switch {
			case c == '{':
				inKey, parts = true, 1
			case !header:
				inKey = false
			}
		case ']', '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			if len(stack) == 0 {
				inKey = false // after a table header or a value: the rest of the line
			}
		case ',':
			if len(stack) > 0 && stack[len(stack)-1] == '{' {
				inKey, parts = true, 1
			}
		case '=':
			inKey = false
		case '.':
			if inKey {
				parts++
				if parts > MaxDepth {
					return fail(fmt.Sprintf("a key with more than %d dotted parts", MaxDepth))
				}
			}
		}
	}
	return nil
}

// skipString returns the index of the last byte of the string starting at
// data[i] and the number of newlines inside it. An unterminated string ends
// at the end of its line (single-line) or of the data (multi-line); the
// parser reports it.
func skipString(data []byte, i int) (end, newlines int) {
	q := data[i]
	multi := i+2 < len(data) && data[i+1] == q && data[i+2] == q
	if multi {
		j := i + 3
		for j < len(data) {
			switch {
			case data[j] == '\\' && q == '"':
				j += 2
				continue
			case data[j] == '\n':
				newlines++
			case data[j] == q && j+2 < len(data) && data[j+1] == q && data[j+2] == q:
				j += 3
				for j < len(data) && data[j] == q { // up to two quotes may close the content
					j++
				}
				return j - 1, newlines
			}
			j++
		}
		return len(data) - 1, newlines
	}
	for j := i + 1; j < len(data); j++ {
		switch {
		case data[j] == '\\' && q == '"':
			j++
		case data[j] == q:
			return j, 0
		case data[j] == '\n':
			return j - 1, 0
		}
	}
	return len(data) - 1, 0
}
