//go:build !linux

package container

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/unboxed-go/unboxed/container/cgroups"
)

// errNotLinux is what every operation says on a system without namespaces.
var errNotLinux = errors.New("unboxed needs Linux (GOOS=" + runtime.GOOS + "): use the Vagrant VM (vagrant up && vagrant ssh)")

// CloneFlags returns 0: there are no namespaces here.
func CloneFlags(...Namespace) uintptr { return 0 }

// Register records nothing on this system.
func Register(string, func()) {}

// Init returns false: there are no children to run here.
func Init() bool { return false }

// Command returns a command that fails to start.
func Command(name string, args ...string) *exec.Cmd { return exec.Command(name, args...) }

// Self is the current binary.
func Self() string { p, _ := os.Executable(); return p }

// RunProcess says that unboxed needs Linux.
func RunProcess([]string, io.Reader, io.Writer, io.Writer) (int, error) {
	return ExitRuntimeError, errNotLinux
}

// Supervise returns ExitRuntimeError: there is no PID namespace to
// supervise here.
func Supervise(int, <-chan os.Signal, bool) int { return ExitRuntimeError }

// StartFailureCode returns ExitRuntimeError.
func StartFailureCode(error) int { return ExitRuntimeError }

// UserNamespacesBlocked says that unboxed needs Linux.
func UserNamespacesBlocked() error { return errNotLinux }

// Container is a started container (never, on this system).
type Container struct{}

// Run says that unboxed needs Linux.
func Run(context.Context, Config) (int, error) { return ExitRuntimeError, errNotLinux }

// Start says that unboxed needs Linux.
func Start(context.Context, Config) (*Container, error) { return nil, errNotLinux }

// Pid returns 0.
func (*Container) Pid() int { return 0 }

// Signal says that unboxed needs Linux.
func (*Container) Signal(os.Signal) error { return errNotLinux }

// Wait says that unboxed needs Linux.
func (*Container) Wait() (int, error) { return ExitRuntimeError, errNotLinux }

// Stats returns false: no container ran here.
func (*Container) Stats() (cgroups.Stats, bool) { return cgroups.Stats{}, false }

// Usage returns false: no container runs here.
func (*Container) Usage() (cgroups.Stats, bool) { return cgroups.Stats{}, false }

// Upper returns "": no container has an overlay here.
func (*Container) Upper() string { return "" }

// Changes says that unboxed needs Linux.
func Changes(string, ...string) ([]Change, error) { return nil, errNotLinux }

// DefaultStateDir is unboxed/state in the user's cache directory; nothing is
// kept there on this system.
func DefaultStateDir() string {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	return filepath.Join(cache, "unboxed", "state")
}

// ApplyLayer says that unboxed needs Linux.
func ApplyLayer(io.Reader, string) error { return errNotLinux }

// OpenImageStore says that unboxed needs Linux.
func OpenImageStore(string) (*ImageStore, error) { return nil, errNotLinux }

// Dir is the store's directory.
func (s *ImageStore) Dir() string { return s.dir }

// Pull says that unboxed needs Linux.
func (s *ImageStore) Pull(context.Context, ImageRef, PullOptions) (*Image, error) {
	return nil, errNotLinux
}

// Get says that unboxed needs Linux.
func (s *ImageStore) Get(ImageRef) (*Image, error) { return nil, errNotLinux }

// List says that unboxed needs Linux.
func (s *ImageStore) List() ([]ImageInfo, error) { return nil, errNotLinux }

// Remove says that unboxed needs Linux.
func (s *ImageStore) Remove(ImageRef) (int64, error) { return 0, errNotLinux }

// Prune says that unboxed needs Linux.
func (s *ImageStore) Prune() (int64, error) { return 0, errNotLinux }
