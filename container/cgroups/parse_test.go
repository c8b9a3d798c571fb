package cgroups

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"64M", 64 << 20},
		{"64m", 64 << 20},
		{"1G", 1 << 30},
		{"1g", 1 << 30},
		{"512K", 512 << 10},
		{"512k", 512 << 10},
		{"100", 100},
		{" 32M ", 32 << 20},
	} {
		t.Run("accepts "+tc.in, func(t *testing.T) {
			got, err := ParseSize(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got, "ParseSize(%q)", tc.in)
		})
	}
	for _, in := range []string{"64X", "", "-1", "0", "0M", "M", "1.5G", "64MB", "99999999999G", "1e6"} {
		t.Run(fmt.Sprintf("refuses %q", in), func(t *testing.T) {
			_, err := ParseSize(in)
			require.Error(t, err, "ParseSize(%q) must fail", in)
			assert.Contains(t, err.Error(), "want e.g. 64M, 1G, 512K or bytes", "the error shows an accepted size")
			assert.Contains(t, err.Error(), fmt.Sprintf("%q", in), "the error quotes the value")
		})
	}
}

func TestParseCPUs(t *testing.T) {
	n := runtime.NumCPU()
	for _, tc := range []struct {
		in   string
		want float64
	}{
		{"0.5", 0.5},
		{"0.2", 0.2},
		{"1", 1},
		{"0.01", 0.01},
		{fmt.Sprint(n), float64(n)},
	} {
		t.Run("accepts "+tc.in, func(t *testing.T) {
			got, err := ParseCPUs(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	for _, tc := range []struct{ in, says string }{
		{"0", "more than 0"},
		{"-1", "more than 0"},
		{"-0.5", "more than 0"},
		{"half", "not a number"},
		{"", "not a number"},
		{"NaN", "not a number"},
		{"Inf", "not a number"},
		{"0.001", "0.01"},
		{fmt.Sprint(n + 1), fmt.Sprintf("this host has only %d CPUs", n)},
	} {
		t.Run(fmt.Sprintf("refuses %q", tc.in), func(t *testing.T) {
			_, err := ParseCPUs(tc.in)
			require.Error(t, err, "ParseCPUs(%q) must fail", tc.in)
			assert.Contains(t, err.Error(), tc.says)
			assert.Contains(t, err.Error(), "want e.g. 0.5", "the error shows an accepted value")
		})
	}
}

func TestCgroupCPUQuota(t *testing.T) {
	for _, tc := range []struct {
		cpus  float64
		quota int64
	}{{0, 0}, {0.5, 50000}, {0.2, 20000}, {2, 200000}, {0.01, 1000}, {1.0 / 3, 33333}} {
		got, err := cpuQuota(tc.cpus)
		require.NoError(t, err, "cpus %v", tc.cpus)
		assert.Equal(t, tc.quota, got, "quota for %v CPUs per 100ms period", tc.cpus)
	}
	for _, bad := range []float64{-1, 0.001} {
		_, err := cpuQuota(bad)
		assert.Error(t, err, "cpus %v", bad)
	}
}
