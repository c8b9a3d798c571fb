package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/unboxed-go/unboxed/container"
	"github.com/unboxed-go/unboxed/container/cgroups"
)

// vmGuestDisk is lesson 01's figure for the disk one VM's guest operating
// system takes.
const vmGuestDisk = 700 << 20

// demoDensity starts n idle containers at once on one shared rootfs,
// reports what they cost the host, and stops them all.
func demoDensity(prog string, args []string) int {
	fs := flag.NewFlagSet("demo density", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	n := fs.Int("count", 20, "containers to start")
	if err := fs.Parse(args); err != nil || *n < 1 || *n > 1000 || fs.NArg() > 0 {
		return demoUsage(prog, "demo density takes --count N, from 1 to 1000 (e.g. --count 100)")
	}
	if !needRoot(prog, "density") {
		return 1
	}
	rootfs, err := container.DefaultRootfs()
	if err != nil {
		fmt.Fprintf(os.Stderr, "unboxed demo density: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		if _, ok := <-sigs; ok {
			fmt.Println("interrupted: stopping every container")
			cancel()
		}
	}()

	mountsBefore, _ := os.ReadFile("/proc/self/mountinfo")
	usedBefore := memUsed()
	start := time.Now()
	boxes := startMany(ctx, *n, rootfs)
	took := time.Since(start)
	started := 0
	for _, b := range boxes {
		if b.err == nil {
			started++
		}
	}
	fmt.Printf("started %d of %d idle containers (sleep) at once in %s", started, *n, ms(took))
	if started > 0 {
		fmt.Printf(": %s each", ms(took/time.Duration(started)))
	}
	fmt.Println()
	for i, b := range boxes {
		if b.err != nil {
			fmt.Printf("  container %d: %v\n", i, b.err)
			if i > 5 {
				break
			}
		}
	}
	if started > 0 && ctx.Err() == nil {
		time.Sleep(300 * time.Millisecond) // let the last ones settle
		reportDensity(boxes, started, usedBefore, rootfs)
	}
	stopping := time.Now()
	cancel()
	for _, b := range boxes {
		if b.c != nil {
			_, _ = b.c.Wait()
		}
	}
	took = time.Since(stopping)
	mountsAfter, _ := os.ReadFile("/proc/self/mountinfo")
	switch {
	case string(mountsBefore) != string(mountsAfter):
		fmt.Printf("stopped all in %s, but the host's mount table changed\n", ms(took))
		return 1
	case ownState(container.DefaultStateDir()) != "":
		fmt.Printf("stopped all in %s, but %s was left with more in it\n", ms(took), container.DefaultStateDir())
		return 1
	}
	fmt.Printf("stopped and removed all in %s: the mount table is as before, the state directory as it was,\n", ms(took))
	fmt.Println("and each container's cgroup went with it")
	return 0
}

// ownState lists the containers' directories in the state directory that
// are this process's (each is named <id>-<runtime's PID>); other runs'
// containers may come and go meanwhile.
func ownState(dir string) string {
	entries, _ := os.ReadDir(dir)
	var names []string
	suffix := "-" + strconv.Itoa(os.Getpid())
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), suffix) {
			names = append(names, e.Name())
		}
	}
	return strings.Join(names, " ")
}

type box struct {
	c   *container.Container
	err error
}

func startMany(ctx context.Context, n int, rootfs string) []box {
	boxes := make([]box, n)
	var wg sync.WaitGroup
	for i := range boxes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			boxes[i].c, boxes[i].err = container.Start(ctx, container.Config{
				Args:       []string{"/bin/sleep", "3600"},
				Rootfs:     rootfs,
				Hostname:   fmt.Sprintf("box-%d", i),
				Namespaces: container.AllNamespaces,
				Overlay:    true,
				Limits:     cgroups.Limits{Memory: 64 << 20, Pids: 16},
			})
		}()
	}
	wg.Wait()
	return boxes
}

func reportDensity(boxes []box, started int, usedBefore int64, rootfs string) {
	var charged, pss, disk int64
	for _, b := range boxes {
		if b.c == nil {
			continue
		}
		if st, ok := b.c.Usage(); ok {
			charged += st.MemoryCurrent
		}
		pss += processPss(b.c.Pid())
		disk += diskUsage(b.c.Upper())
	}
	added := memUsed() - usedBefore
	per := func(v int64) int64 { return v / int64(started) }
	fmt.Printf("memory: the host's used memory (as free(1) counts it) grew by %s: %s per container\n", mib(added), mib(per(added)))
	fmt.Printf("        each container's own process (PSS): %s; charged to its cgroup: %s\n", mib(per(pss)), mib(per(charged)))
	if added <= pss {
		fmt.Println("        (the host's own comings and goings outweighed the containers: try a larger --count)")
	} else {
		fmt.Printf("        beyond its own process, a container costs the host about %s\n", mib(per(added-pss)))
	}
	fmt.Printf("disk:   the shared rootfs once: %s; the containers' upper directories on the host: %s in all\n", mib(diskUsage(rootfs)), mib(disk))
	fmt.Println("        (as root, what a container writes goes to a tmpfs of its own, counted in its memory)")
	fmt.Printf("VMs:    %d VMs would need about %.1f GB of disk for their guest systems alone (lesson 01: ~700 MB each),\n", started, float64(started)*vmGuestDisk/1e9)
	fmt.Println("        and each its own share of memory for a whole guest kernel")
}

// memUsed is the host's used memory as free(1) counts it: MemTotal less
// MemFree, Buffers, Cached and SReclaimable (proc(5), /proc/meminfo). It
// includes the kernel's own objects (namespaces, cgroups, mounts), which
// is what a container adds beyond its processes.
func memUsed() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	kb := map[string]int64{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		name, rest, ok := strings.Cut(s.Text(), ":")
		if ok {
			kb[name], _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return (kb["MemTotal"] - kb["MemFree"] - kb["Buffers"] - kb["Cached"] - kb["SReclaimable"]) << 10
}

// processPss is a process's proportional set size: its private memory plus
// its share of what it shares (smaps_rollup, Linux 4.14).
func processPss(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "Pss:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
