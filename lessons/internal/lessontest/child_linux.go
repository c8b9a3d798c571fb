package lessontest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/unboxed-go/unboxed/container"
)

func runChild(name string, cloneFlags uintptr, args ...string) (Report, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	var output bytes.Buffer
	cmd := container.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &output, &output
	cmd.ExtraFiles = []*os.File{pw}
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: cloneFlags, Pdeathsig: syscall.SIGKILL}
	err = cmd.Start()
	pw.Close()
	if err != nil {
		return nil, fmt.Errorf("want child %q to start, got: %v (%s)", name, err, whyNot)
	}
	data, _ := io.ReadAll(pr)
	waitErr := cmd.Wait()
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("want a report from child %q, got none (%v); its output: %s", name, waitErr, output.String())
	}
	if msg, bad := r["error"]; bad {
		return r, fmt.Errorf("want child %q to succeed, got: %s", name, msg)
	}
	return r, nil
}
