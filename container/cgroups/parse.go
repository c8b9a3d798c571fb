package cgroups

import (
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
)

// sizeExample is what a refused size is told to look like.
const sizeExample = "want e.g. 64M, 1G, 512K or bytes"

// ParseSize reads a size in bytes the way the run command's --memory flag
// takes it: a whole number with an optional suffix K, M or G (any case;
// powers of 1024), so "64M" is 67108864 and "100" is 100 bytes. Empty,
// zero, negative, fractional or unknown sizes ("64X") are refused with an
// error that shows an accepted one.
func ParseSize(s string) (int64, error) {
	num := strings.TrimSpace(s)
	if num == "" {
		return 0, fmt.Errorf("size %q: empty (%s)", s, sizeExample)
	}
	unit := int64(1)
	switch num[len(num)-1] {
	case 'k', 'K':
		unit = 1 << 10
	case 'm', 'M':
		unit = 1 << 20
	case 'g', 'G':
		unit = 1 << 30
	}
	if unit > 1 {
		num = num[:len(num)-1]
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("size %q: not a whole number with a K, M or G suffix (%s)", s, sizeExample)
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	switch {
	case err != nil && num == "":
		return 0, fmt.Errorf("size %q: no number before the suffix (%s)", s, sizeExample)
	case err != nil || n > math.MaxInt64/unit:
		return 0, fmt.Errorf("size %q: too large (%s)", s, sizeExample)
	case n == 0:
		return 0, fmt.Errorf("size %q: must be more than 0 (%s)", s, sizeExample)
	}
	return n * unit, nil
}

// ParseCPUs reads a CPU limit the way the run command's --cpus flag takes
// it: a number of CPUs, fractions allowed ("0.5" is half of one CPU). It
// refuses what is not a number, 0 and less, less than 0.01 (the kernel's
// smallest quota) and more CPUs than this host has (runtime.NumCPU).
func ParseCPUs(s string) (float64, error) {
	n := runtime.NumCPU()
	example := fmt.Sprintf("want e.g. 0.5, or up to %d: the CPUs this host has", n)
	cpus, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	switch {
	case err != nil || math.IsNaN(cpus) || math.IsInf(cpus, 0):
		return 0, fmt.Errorf("cpus %q: not a number (%s)", s, example)
	case cpus <= 0:
		return 0, fmt.Errorf("cpus %q: must be more than 0 (%s)", s, example)
	case cpus > float64(n):
		return 0, fmt.Errorf("cpus %q: this host has only %d CPUs (%s)", s, n, example)
	}
	if _, err := cpuQuota(cpus); err != nil {
		return 0, fmt.Errorf("cpus %q: below 0.01, the kernel's smallest quota (%s)", s, example)
	}
	return cpus, nil
}
