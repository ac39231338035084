package config

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io/fs"
	"reflect"
	"strings"
	"sync"
)

// The Go doc comment of a config field is its only documentation: Format
// (config.resolved.toml) and `engram describe` print it. Each config
// package embeds the .go files that declare its config structs
// (//go:embed) and names them in a DocSource; ParseDocs reads their field
// comments with go/parser at run time.
//
// Why embedded source rather than a generated table: nothing to
// regenerate and nothing that can go stale (the comment compiled into the
// binary is the comment in the file), no generator and no staleness test
// to maintain; it costs the size of the embedded files (tens of KB) and a
// parse of a few files per Format (about a millisecond: function bodies,
// most of the source, are blanked before parsing, see bodiesBlanked).

// DocSource is the Go source of one package's config structs.
type DocSource struct {
	// Pkg is the package's import path (reflect.Type.PkgPath of its types,
	// e.g. reflect.TypeFor[Network]().PkgPath()).
	Pkg string
	// Files holds the package's .go files that declare config structs,
	// typically an embed.FS; every *.go file at its root is parsed.
	Files fs.FS
}

// Documented is implemented by configs that name the sources of their
// field docs; Format uses them. A config embedding another package's
// sections returns that package's sources too.
type Documented interface {
	DocSources() []DocSource
}

type fieldKey struct{ pkg, typ, field string }

// Docs holds the doc comments of config struct fields.
type Docs struct {
	fields map[fieldKey]string
}

// ParseDocs parses the sources' struct field comments. An error means a
// source file does not parse (a build problem: the embedded files are the
// package's own sources).
func ParseDocs(srcs ...DocSource) (*Docs, error) {
	// the files are parsed concurrently (each into its own syntax tree) and
	// added in order, as one after the other would
	type job struct {
		pkg, name string
		src       []byte
		f         *ast.File
		err       error
	}
	var jobs []*job
	for _, s := range srcs {
		names, err := fs.Glob(s.Files, "*.go")
		if err != nil {
			return nil, fmt.Errorf("config docs of %s: %v", s.Pkg, err)
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("config docs of %s: no .go files", s.Pkg)
		}
		for _, name := range names {
			src, err := fs.ReadFile(s.Files, name)
			if err != nil {
				return nil, fmt.Errorf("config docs of %s: %v", s.Pkg, err)
			}
			jobs = append(jobs, &job{pkg: s.Pkg, name: name, src: src})
		}
	}
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() {
			const mode = parser.ParseComments | parser.SkipObjectResolution
			fset := token.NewFileSet()
			if short, ok := bodiesBlanked(j.src); ok {
				j.f, j.err = parser.ParseFile(fset, j.name, short, mode)
			}
			if j.f == nil || j.err != nil {
				j.f, j.err = parser.ParseFile(fset, j.name, j.src, mode)
			}
		})
	}
	wg.Wait()
	d := &Docs{fields: map[fieldKey]string{}}
	for _, j := range jobs {
		if j.err != nil {
			return nil, fmt.Errorf("config docs of %s: %v", j.pkg, j.err)
		}
		d.addFile(j.pkg, j.f)
	}
	return d, nil
}

// bodiesBlanked returns a copy of the Go source src with the body of
// every top-level function replaced by blanks (newlines kept, so that
// positions stay), or ok = false if src does not scan. Field docs live in
// type declarations only, and building the syntax trees of function bodies
// was nine tenths of ParseDocs' time.
func bodiesBlanked(src []byte) (out []byte, ok bool) {
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	bad := false
	s.Init(file, src, func(token.Position, string) { bad = true }, 0)
	out = append([]byte(nil), src...)
	depth := 0        // open ( [ { outside function bodies
	inSig := false    // after a top-level func keyword, before its body
	prev := token.EOF // the previous token
	for {
		pos, tok, _ := s.Scan()
		switch tok {
		case token.EOF:
			return out, !bad && depth == 0
		case token.FUNC:
			inSig = inSig || depth == 0
		case token.LPAREN, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		case token.SEMICOLON:
			if depth == 0 {
				inSig = false // a declaration without body
			}
		case token.LBRACE:
			if !inSig || depth > 0 || prev == token.STRUCT || prev == token.INTERFACE {
				depth++
				break
			}
			// the body: blank up to its closing brace
			start, open := file.Offset(pos)+1, 1
			for open > 0 {
				p, t, _ := s.Scan()
				switch t {
				case token.EOF:
					return nil, false
				case token.LBRACE:
					open++
				case token.RBRACE:
					if open--; open == 0 {
						for i := start; i < file.Offset(p); i++ {
							if out[i] != '\n' {
								out[i] = ' '
							}
						}
					}
				}
			}
			inSig, tok = false, token.RBRACE
		}
		prev = tok
	}
}

func (d *Docs) addFile(pkg string, f *ast.File) {
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			ts, ok := spec.(*ast.TypeSpec)
			if !ok {
				continue
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, fl := range st.Fields.List {
				text := fl.Doc.Text()
				if text == "" {
					text = fl.Comment.Text()
				}
				if text == "" {
					continue
				}
				names := make([]string, 0, len(fl.Names))
				for _, n := range fl.Names {
					names = append(names, n.Name)
				}
				if len(names) == 0 { // embedded: the type's name
					names = append(names, embeddedName(fl.Type))
				}
				for _, n := range names {
					d.fields[fieldKey{pkg, ts.Name.Name, n}] = text
				}
			}
		}
	}
}

func embeddedName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return embeddedName(t.X)
	case *ast.SelectorExpr:
		return t.Sel.Name
	case *ast.Ident:
		return t.Name
	}
	return ""
}

// Field returns the doc comment of the field named field of struct type t
// as one line, without the leading "Field is"/"Field are" of Go style ("" if
// there is none). d may be nil.
func (d *Docs) Field(t reflect.Type, field string) string {
	if d == nil {
		return ""
	}
	text, ok := d.fields[fieldKey{t.PkgPath(), t.Name(), field}]
	if !ok {
		return ""
	}
	s := strings.Join(strings.Fields(text), " ")
	for _, pre := range []string{field + " is ", field + " are ", field + " gives ", field + ": ", field + " "} {
		if rest, ok := strings.CutPrefix(s, pre); ok && rest != "" {
			return rest
		}
	}
	return s
}

// Undocumented lists the dotted keys of cfg whose field has neither a Go
// doc comment in d nor a legacy `doc:` tag; legacy lists those documented
// only by a `doc:` tag. Tests use it to keep every key documented once.
func Undocumented(cfg any, d *Docs) (missing, legacy []string) {
	walkDocs(reflect.TypeOf(cfg), "", d, &missing, &legacy)
	return
}

func walkDocs(t reflect.Type, prefix string, d *Docs, missing, legacy *[]string) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || tagName(f) == "-" {
			continue
		}
		if f.Anonymous && f.Tag.Get("toml") == "" {
			walkDocs(f.Type, prefix, d, missing, legacy)
			continue
		}
		key := tagName(f)
		if prefix != "" {
			key = prefix + "." + key
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		switch {
		case d.Field(t, f.Name) != "":
		case f.Tag.Get("doc") != "":
			*legacy = append(*legacy, key)
		case ft.Kind() != reflect.Struct: // sections need no doc of their own
			*missing = append(*missing, key)
		}
		if ft.Kind() == reflect.Struct {
			walkDocs(ft, key, d, missing, legacy)
		}
	}
}
