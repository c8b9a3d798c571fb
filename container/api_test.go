package container

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSameAPIOnEverySystem checks that the package's exported names and
// signatures are the same for linux as for darwin and windows, so code that
// builds here (the workshop CLI, cmd/unboxed) builds on a learner's Mac too.
// The files are read as each GOOS would select them; nothing is compiled.
func TestSameAPIOnEverySystem(t *testing.T) {
	for _, dir := range []string{".", "cgroups"} {
		linux := exportedAPI(t, "linux", dir)
		require.NotEmpty(t, linux, "want the exported API of the linux build of %s", dir)
		for _, goos := range []string{"darwin", "windows"} {
			assert.Equal(t, linux, exportedAPI(t, goos, dir),
				"want the same exported API of %s for GOOS=%s as for linux: declare it in an untagged file, or add the missing names to unsupported.go (cgroups: other.go)", dir, goos)
		}
	}
}

// exportedAPI lists one line per exported declaration of the package as
// goos builds it: "func Name(type, type) result", "method (*T) Name(...)",
// "type Name", "value Name". Parameter names are left out.
func exportedAPI(t *testing.T, goos, dir string) []string {
	t.Helper()
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = goos, "amd64", false
	pkg, err := ctx.ImportDir(dir, 0)
	require.NoError(t, err, "list the files of GOOS=%s", goos)
	fset := token.NewFileSet()
	var api []string
	for _, name := range pkg.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(pkg.Dir, name), nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			api = append(api, declAPI(fset, decl)...)
		}
	}
	sort.Strings(api)
	return api
}

func declAPI(fset *token.FileSet, decl ast.Decl) []string {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if !d.Name.IsExported() {
			return nil
		}
		kind := "func "
		if d.Recv != nil {
			recv := typeString(fset, d.Recv.List[0].Type)
			if !ast.IsExported(strings.TrimPrefix(recv, "*")) {
				return nil // a method of an unexported type is no one's API
			}
			kind = "method (" + recv + ") "
		}
		return []string{kind + d.Name.Name + signature(fset, d.Type)}
	case *ast.GenDecl:
		var out []string
		for _, spec := range d.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				if s.Name.IsExported() {
					out = append(out, "type "+s.Name.Name)
				}
			case *ast.ValueSpec:
				for _, n := range s.Names {
					if n.IsExported() {
						out = append(out, "value "+n.Name)
					}
				}
			}
		}
		return out
	}
	return nil
}

// signature prints a function type's parameter and result types without
// their names.
func signature(fset *token.FileSet, ft *ast.FuncType) string {
	fields := func(fl *ast.FieldList) string {
		if fl == nil {
			return ""
		}
		var types []string
		for _, f := range fl.List {
			n := max(len(f.Names), 1)
			for range n {
				types = append(types, typeString(fset, f.Type))
			}
		}
		return strings.Join(types, ", ")
	}
	return "(" + fields(ft.Params) + ") (" + fields(ft.Results) + ")"
}

func typeString(fset *token.FileSet, e ast.Expr) string {
	var b strings.Builder
	_ = printer.Fprint(&b, fset, e)
	return b.String()
}
