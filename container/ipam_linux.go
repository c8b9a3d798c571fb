package container

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// The IPAM hands out the bridge subnet's addresses: one file per address
// under <state dir>/net/leases, named by the address and holding the PID
// of the runtime that leased it and the container's ID. A lock file next
// to it (flock(2)) keeps two runtimes from taking one address. A lease
// whose runtime is gone (killed before it could give the address back) is
// free again, by the same test the state directory uses for leftovers.

// lease is one container's address.
type lease struct {
	path    string
	address *net.IPNet // with the subnet's mask
}

func leasesDir(stateDir string) string { return filepath.Join(stateDir, "net", "leases") }

// lockIPAM takes the IPAM's lock; the returned function gives it back.
func lockIPAM(stateDir string) (unlock func(), err error) {
	dir := filepath.Join(stateDir, "net")
	if err := os.MkdirAll(filepath.Join(dir, "leases"), 0o700); err != nil {
		return nil, &Error{Code: ExitRuntimeError, Op: "ipam", Path: dir, Err: err}
	}
	path := filepath.Join(dir, "ipam.lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, &Error{Code: ExitRuntimeError, Op: "ipam", Path: path, Err: err}
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, &Error{Code: ExitRuntimeError, Op: "lock", Path: path, Err: err}
	}
	return func() { f.Close() }, nil // closing the file drops the lock
}

// leaseAddress gives container id the next free address of subnet after
// the one leased last (round-robin, as Docker's IPAM does: an address just
// given back may still have a veth going, and other hosts' ARP caches may
// still know it), skipping the network, gateway and broadcast addresses.
func leaseAddress(stateDir string, subnet *net.IPNet, id string) (*lease, error) {
	unlock, err := lockIPAM(stateDir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	dir := leasesDir(stateDir)
	taken := map[string]bool{}
	for _, name := range liveLeases(dir, true) {
		taken[name] = true
	}
	network := binary.BigEndian.Uint32(subnet.IP.To4())
	ones, bits := subnet.Mask.Size()
	count := uint32(1)<<(bits-ones) - 3 // all but network, gateway, broadcast
	lastPath := filepath.Join(stateDir, "net", "last")
	start := uint32(0) // the offset after network+1 to try first
	if data, err := os.ReadFile(lastPath); err == nil {
		if ip := net.ParseIP(strings.TrimSpace(string(data))).To4(); ip != nil && subnet.Contains(ip) {
			start = (binary.BigEndian.Uint32(ip) - network - 1) % count // the one after it
		}
	}
	for i := uint32(0); i < count; i++ {
		ip := make(net.IP, 4)
		binary.BigEndian.PutUint32(ip, network+2+(start+i)%count)
		if taken[ip.String()] {
			continue
		}
		_ = os.WriteFile(lastPath, []byte(ip.String()+"\n"), 0o600)
		path := filepath.Join(dir, ip.String())
		owner := strconv.Itoa(os.Getpid()) + " " + id + "\n"
		if err := os.WriteFile(path, []byte(owner), 0o600); err != nil {
			return nil, &Error{Code: ExitRuntimeError, Op: "ipam", Path: path, Err: err}
		}
		return &lease{path: path, address: &net.IPNet{IP: ip, Mask: subnet.Mask}}, nil
	}
	return nil, &Error{Code: ExitRuntimeError, Op: "ipam", Path: dir, Err: fmt.Errorf("every address of %s is taken (want a larger subnet, e.g. %s)", subnet, DefaultSubnet)}
}

// release gives the address back. Safe on a nil lease.
func (l *lease) release() {
	if l != nil {
		_ = os.Remove(l.path)
	}
}

// liveLeases lists the addresses leased by runtimes that still run; with
// reclaim, it removes the leases of runtimes that are gone. Call it with
// the lock held.
func liveLeases(dir string, reclaim bool) []string {
	entries, _ := os.ReadDir(dir)
	var live []string
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		pidText, _, _ := strings.Cut(string(data), " ")
		pid, err := strconv.Atoi(pidText)
		// The state directory's test: kill(pid, 0) succeeds while the
		// runtime lives (state_linux.go, removeStale).
		if err == nil && pid > 0 && syscall.Kill(pid, 0) == nil {
			live = append(live, e.Name())
			continue
		}
		if reclaim {
			_ = os.Remove(path)
		}
	}
	return live
}

// reclaimLeases removes the leases of runtimes that are gone and returns
// their paths, and how many leases are live.
func reclaimLeases(stateDir string) (removed []string, live int, err error) {
	dir := leasesDir(stateDir)
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return nil, 0, nil
	}
	unlock, err := lockIPAM(stateDir)
	if err != nil {
		return nil, 0, err
	}
	defer unlock()
	entries, _ := os.ReadDir(dir)
	liveNames := liveLeases(dir, true)
	isLive := map[string]bool{}
	for _, n := range liveNames {
		isLive[n] = true
	}
	for _, e := range entries {
		if !isLive[e.Name()] {
			removed = append(removed, filepath.Join(dir, e.Name()))
		}
	}
	return removed, len(liveNames), nil
}
