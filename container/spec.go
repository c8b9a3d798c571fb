package container

import "errors"

// spec is what the runtime sends its container's init over the spec pipe:
// the part of Config that the child needs, in a form that survives JSON.
type spec struct {
	Args []string
	Env  []string
	Dir  string
	Init bool
}

func newSpec(cfg Config) spec {
	s := spec{Args: cfg.Args, Env: cfg.Env, Dir: cfg.Dir, Init: cfg.Init}
	if s.Env == nil {
		s.Env = defaultEnv
	}
	return s
}

// failure is what the init reports when a step fails before the command runs.
type failure struct {
	Code int
	Op   string
	Path string
	Msg  string
}

func (f failure) error() *Error {
	return &Error{Code: f.Code, Op: f.Op, Path: f.Path, Err: errors.New(f.Msg)}
}
