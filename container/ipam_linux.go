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
// in use in the state directory, ip-<address>, holding the PID of the
// runtime that leased it and the container's ID. A flock(2) on the state
// directory itself keeps two runtimes from taking one address, and leaves
// no lock file behind. A lease whose runtime is gone (killed before it
// could give the address back) is free again, by the same test the state
// directory uses for leftovers. The lowest free address goes first, and
// the container's MAC address is made from it (macFor), as Docker does:
// the host's ARP cache may still hold an address that was just given
// back, and then it still holds the right MAC.

// leasePrefix starts the name of a lease file. The state directory's
// sweep (removeStale) leaves these names alone: they hold no runtime PID
// after the first "-".
const leasePrefix = "ip-"

// lease is one container's address.
type lease struct {
	path    string
	address *net.IPNet // with the subnet's mask
}

// lockIPAM takes the IPAM's lock; the returned function gives it back.
func lockIPAM(stateDir string) (unlock func(), err error) {
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, &Error{Code: ExitRuntimeError, Op: "ipam", Path: stateDir, Err: err}
	}
	fd, err := unix.Open(stateDir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &Error{Code: ExitRuntimeError, Op: "ipam", Path: stateDir, Err: err}
	}
	if err := unix.Flock(fd, unix.LOCK_EX); err != nil {
		unix.Close(fd)
		return nil, &Error{Code: ExitRuntimeError, Op: "lock", Path: stateDir, Err: err}
	}
	return func() { unix.Close(fd) }, nil // closing drops the lock
}

// leaseAddress gives container id the lowest free address of subnet after
// the gateway, and never the broadcast address.
func leaseAddress(stateDir string, subnet *net.IPNet, id string) (*lease, error) {
	unlock, err := lockIPAM(stateDir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	taken := map[string]bool{}
	for _, ip := range liveLeases(stateDir, true) {
		taken[ip] = true
	}
	network := binary.BigEndian.Uint32(subnet.IP.To4())
	ones, bits := subnet.Mask.Size()
	broadcast := network + 1<<(bits-ones) - 1
	for n := network + 2; n < broadcast; n++ {
		ip := make(net.IP, 4)
		binary.BigEndian.PutUint32(ip, n)
		if taken[ip.String()] {
			continue
		}
		path := filepath.Join(stateDir, leasePrefix+ip.String())
		owner := strconv.Itoa(os.Getpid()) + " " + id + "\n"
		if err := os.WriteFile(path, []byte(owner), 0o600); err != nil {
			return nil, &Error{Code: ExitRuntimeError, Op: "ipam", Path: path, Err: err}
		}
		return &lease{path: path, address: &net.IPNet{IP: ip, Mask: subnet.Mask}}, nil
	}
	return nil, &Error{Code: ExitRuntimeError, Op: "ipam", Path: stateDir, Err: fmt.Errorf("every address of %s is taken (want a larger subnet, e.g. %s)", subnet, DefaultSubnet)}
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
func liveLeases(stateDir string, reclaim bool) []string {
	entries, _ := os.ReadDir(stateDir)
	var live []string
	for _, e := range entries {
		ip, ok := strings.CutPrefix(e.Name(), leasePrefix)
		if !ok {
			continue
		}
		path := filepath.Join(stateDir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		pidText, _, _ := strings.Cut(string(data), " ")
		pid, err := strconv.Atoi(pidText)
		// The state directory's test: kill(pid, 0) succeeds while the
		// runtime lives (state_linux.go, removeStale).
		if err == nil && pid > 0 && syscall.Kill(pid, 0) == nil {
			live = append(live, ip)
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
	if _, err := os.Stat(stateDir); os.IsNotExist(err) {
		return nil, 0, nil
	}
	unlock, err := lockIPAM(stateDir)
	if err != nil {
		return nil, 0, err
	}
	defer unlock()
	entries, _ := os.ReadDir(stateDir)
	isLive := map[string]bool{}
	for _, ip := range liveLeases(stateDir, true) {
		isLive[leasePrefix+ip] = true
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), leasePrefix) && !isLive[e.Name()] {
			removed = append(removed, filepath.Join(stateDir, e.Name()))
		}
	}
	return removed, len(isLive), nil
}

// macFor is the MAC address of the container with address ip: 02:42 (a
// locally administered, unicast address) and the four bytes of ip.
func macFor(ip net.IP) net.HardwareAddr {
	v4 := ip.To4()
	return net.HardwareAddr{0x02, 0x42, v4[0], v4[1], v4[2], v4[3]}
}
