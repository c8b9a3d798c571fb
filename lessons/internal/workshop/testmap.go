package workshop

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// TestSections reads the _test.go files of a lesson directory and returns,
// for each top-level test function, the notes section it names in its
// first lessontest.New(t, "section") call. A test without one maps to "".
func TestSections(dir string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	sections := map[string]string{}
	fset := token.NewFileSet()
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Test") || fn.Name.Name == "TestMain" {
				continue
			}
			sections[fn.Name.Name] = firstSection(fn.Body)
		}
	}
	return sections, nil
}

// firstSection finds the string literal given to the first lessontest.New.
func firstSection(body *ast.BlockStmt) string {
	section := ""
	ast.Inspect(body, func(n ast.Node) bool {
		if section != "" {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 2 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "New" {
			return true
		}
		if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "lessontest" {
			return true
		}
		if lit, ok := call.Args[1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			section, _ = strconv.Unquote(lit.Value)
		}
		return false
	})
	return section
}
