package workshop

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Stage is one of the runtime's steps (a field of container.Stages) as a
// learner's lesson holds it: which functions of which lesson make it, and
// whether they are written yet.
type Stage struct {
	// Name is the field of container.Stages: "PivotRoot".
	Name string
	// Lesson is the lesson whose exercise writes it.
	Lesson int
	// Funcs are the lesson's functions the stage runs ("Create",
	// "Cgroup.Add" for a method); V1Funcs are lesson 05's bonus, which
	// the stage runs instead where the cgroup controllers are v1.
	Funcs, V1Funcs []string
	// Stubs are the functions of Funcs (or V1Funcs, on a v1 host) that
	// are still a TODO, with the file each is in, relative to the root:
	// "lessons/04/mounts.go: PivotRoot". Empty once the stage is written.
	Stubs []string
}

// Written says whether the learner has written every function the stage
// runs.
func (s Stage) Written() bool { return len(s.Stubs) == 0 }

// stageTable lists every stage in the order of container.Stages.
var stageTable = []Stage{
	{Name: "RunProcess", Lesson: 1, Funcs: []string{"Run"}},
	{Name: "Command", Lesson: 1, Funcs: []string{"ChildCommand"}},
	{Name: "Chroot", Lesson: 2, Funcs: []string{"Chroot"}},
	{Name: "CloneFlags", Lesson: 3, Funcs: []string{"CloneFlags"}},
	{Name: "SetHostname", Lesson: 3, Funcs: []string{"SetHostname"}},
	{Name: "MountProc", Lesson: 3, Funcs: []string{"MountProc"}},
	{Name: "Supervise", Lesson: 3, Funcs: []string{"Supervise"}},
	{Name: "MakePrivate", Lesson: 4, Funcs: []string{"MakePrivate"}},
	{Name: "PivotRoot", Lesson: 4, Funcs: []string{"PivotRoot"}},
	{Name: "MountStandard", Lesson: 4, Funcs: []string{"MountStandard"}},
	{Name: "MountOverlay", Lesson: 6, Funcs: []string{"MountOverlay"}},
	{Name: "NewCgroup", Lesson: 5,
		Funcs:   []string{"Create", "Cgroup.SetMemory", "Cgroup.SetPids", "Cgroup.SetCPU", "Cgroup.Add", "Cgroup.Destroy"},
		V1Funcs: []string{"CreateV1", "CgroupV1.SetMemory", "CgroupV1.SetPids", "CgroupV1.SetCPU", "CgroupV1.Add", "CgroupV1.Destroy"}},
	{Name: "SetNoNewPrivs", Lesson: 8, Funcs: []string{"SetNoNewPrivs"}},
	{Name: "DropCapabilities", Lesson: 8, Funcs: []string{"DropCapabilities"}},
	{Name: "LoadSeccomp", Lesson: 8, Funcs: []string{"LoadSeccomp"}},
	{Name: "SetupVeth", Lesson: 7, Funcs: []string{"SetupVeth"}},
	{Name: "ConfigureNetwork", Lesson: 7, Funcs: []string{"ConfigureNetwork"}},
	{Name: "ApplyLayer", Lesson: 9, Funcs: []string{"ApplyLayer"}},
}

// StageNames lists the stages, in the order of container.Stages.
func StageNames() []string {
	names := make([]string, len(stageTable))
	for i, s := range stageTable {
		names[i] = s.Name
	}
	return names
}

// Stages reads the exercise files of lessons 01 to 09 under root and says,
// for every stage, whether the learner has written it: a function is
// still a stub while its body, or the body of a function of its lesson
// that it calls, holds a panic("TODO(lesson ...") call. overlay maps a
// file's absolute path to the file that replaces it, as go build's
// -overlay does (nil for none). v1 says the host's cgroup controllers are
// v1, where the cgroup stage runs lesson 05's bonus as well.
func Stages(root string, overlay map[string]string, v1 bool) ([]Stage, error) {
	lessons := map[int]*lessonFuncs{}
	var out []Stage
	for _, s := range stageTable {
		s, err := checkStage(s, root, overlay, v1, lessons)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// assemblyStage is lesson 10's Run and Init: not a field of
// container.Stages but the order the stages run in, each on its side.
// Once it is written, the learner's runtime (go run ./lessons run --mine)
// runs its containers through it.
var assemblyStage = Stage{Name: "Run", Lesson: 10, Funcs: []string{"Run", "Init"}}

// Assembly reads lesson 10 under root (through overlay, as Stages does)
// and says whether its Run and Init are written.
func Assembly(root string, overlay map[string]string) (Stage, error) {
	return checkStage(assemblyStage, root, overlay, false, map[int]*lessonFuncs{})
}

// checkStage fills s.Stubs from the source of its lesson, parsed once
// per lesson into lessons.
func checkStage(s Stage, root string, overlay map[string]string, v1 bool, lessons map[int]*lessonFuncs) (Stage, error) {
	lf, ok := lessons[s.Lesson]
	if !ok {
		var err error
		if lf, err = parseLesson(root, s.Lesson, overlay); err != nil {
			return Stage{}, err
		}
		lessons[s.Lesson] = lf
	}
	funcs := s.Funcs
	if v1 {
		funcs = append(append([]string(nil), funcs...), s.V1Funcs...)
	}
	s.Stubs = nil
	for _, name := range funcs {
		fn, ok := lf.funcs[name]
		if !ok {
			s.Stubs = append(s.Stubs, fmt.Sprintf("%s: %s is missing", Dir(s.Lesson), name))
			continue
		}
		if lf.stub(name, map[string]bool{}) {
			s.Stubs = append(s.Stubs, fmt.Sprintf("%s: %s", fn.file, name))
		}
	}
	return s, nil
}

// lessonFuncs are the functions of one lesson's package.
type lessonFuncs struct {
	funcs map[string]funcInfo // "Run", "Cgroup.Add"
}

type funcInfo struct {
	file  string   // relative to the root: "lessons/05/cgroups.go"
	todo  bool     // its own body panics with a TODO
	calls []string // the package's functions it calls, by key
}

// stub says whether the function, or one it calls, is a TODO.
func (lf *lessonFuncs) stub(name string, seen map[string]bool) bool {
	if seen[name] {
		return false
	}
	seen[name] = true
	fn, ok := lf.funcs[name]
	if !ok {
		return false
	}
	if fn.todo {
		return true
	}
	for _, c := range fn.calls {
		if lf.stub(c, seen) {
			return true
		}
	}
	return false
}

// parseLesson reads the non-test Go files of a lesson, each from its
// overlay replacement when it has one.
func parseLesson(root string, n int, overlay map[string]string) (*lessonFuncs, error) {
	dir := filepath.Join(root, Dir(n))
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	lf := &lessonFuncs{funcs: map[string]funcInfo{}}
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		src := file
		if abs, err := filepath.Abs(file); err == nil && overlay[abs] != "" {
			src = overlay[abs]
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return nil, err
		}
		rel := filepath.ToSlash(filepath.Join(Dir(n), filepath.Base(file)))
		f, err := parser.ParseFile(fset, rel, data, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("lesson %02d does not parse: %w", n, err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			key, recvType, recvName := fn.Name.Name, "", ""
			if fn.Recv != nil && len(fn.Recv.List) == 1 {
				recvType = typeName(fn.Recv.List[0].Type)
				key = recvType + "." + key
				if len(fn.Recv.List[0].Names) == 1 {
					recvName = fn.Recv.List[0].Names[0].Name
				}
			}
			info := funcInfo{file: rel}
			ast.Inspect(fn.Body, func(node ast.Node) bool {
				call, ok := node.(*ast.CallExpr)
				if !ok {
					return true
				}
				switch f := call.Fun.(type) {
				case *ast.Ident:
					if f.Name == "panic" && isTODO(call) {
						info.todo = true
					}
					info.calls = append(info.calls, f.Name)
				case *ast.SelectorExpr:
					// A method of the receiver: c.SetMemory in a method
					// of *Cgroup is Cgroup.SetMemory.
					if x, ok := f.X.(*ast.Ident); ok && recvName != "" && x.Name == recvName {
						info.calls = append(info.calls, recvType+"."+f.Sel.Name)
					}
				}
				return true
			})
			lf.funcs[key] = info
		}
	}
	return lf, nil
}

// isTODO says whether a panic call's argument starts with "TODO(lesson".
func isTODO(call *ast.CallExpr) bool {
	if len(call.Args) != 1 {
		return false
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return false
	}
	s, err := strconv.Unquote(lit.Value)
	return err == nil && strings.HasPrefix(s, "TODO(lesson")
}

// typeName is the name of a receiver's type: "Cgroup" for *Cgroup.
func typeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return typeName(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return typeName(t.X)
	}
	return ""
}

// ReadOverlay reads a go build -overlay file ({"Replace": {path: path}})
// into the map that Stages takes.
func ReadOverlay(file string) (map[string]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var o struct{ Replace map[string]string }
	if err := json.Unmarshal(data, &o); err != nil {
		return nil, fmt.Errorf("overlay %s: %w", file, err)
	}
	return o.Replace, nil
}
