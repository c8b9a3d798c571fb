package cgroups

import "time"

// StatsAt reads the counters of the cgroup in dirs, the way the library's
// own cgroups read theirs: on "v2" the one directory dirs[""], on "v1"
// dirs["memory"], dirs["pids"] and dirs["cpu"] (a controller without a
// directory reads as 0, as does a file this kernel lacks). Lessons whose
// own code makes the cgroup (05, and the learner's runtime of lesson 10)
// read its counters through it too.
func StatsAt(version string, dirs map[string]string) (Stats, error) {
	s := Stats{Version: version}
	var r statReader
	if version == "v2" {
		dir := dirs[""]
		s.MemoryPeak = r.int(dir, "memory.peak") // Linux 5.19
		s.MemoryCurrent = r.int(dir, "memory.current")
		s.MemoryLimit = r.int(dir, "memory.max")
		s.OOMKills = r.key(dir, "memory.events", "oom_kill") // Linux 4.13
		s.PidsPeak = r.int(dir, "pids.peak")                 // Linux 6.1
		s.PidsMax = r.int(dir, "pids.max")
		s.ForkFailures = r.key(dir, "pids.events", "max")
		s.ThrottledPeriods = r.key(dir, "cpu.stat", "nr_throttled")
		s.ThrottledTime = time.Duration(r.key(dir, "cpu.stat", "throttled_usec")) * time.Microsecond
		return s, r.err()
	}
	mem, pids, cpu := dirs["memory"], dirs["pids"], dirs["cpu"]
	s.MemoryPeak = r.int(mem, "memory.max_usage_in_bytes")
	s.MemoryCurrent = r.int(mem, "memory.usage_in_bytes")
	s.MemoryLimit = r.int(mem, "memory.limit_in_bytes")
	s.OOMKills = r.key(mem, "memory.oom_control", "oom_kill")
	s.PidsPeak = r.int(pids, "pids.peak")
	s.PidsMax = r.int(pids, "pids.max")
	s.ForkFailures = r.key(pids, "pids.events", "max")
	s.ThrottledPeriods = r.key(cpu, "cpu.stat", "nr_throttled")
	s.ThrottledTime = time.Duration(r.key(cpu, "cpu.stat", "throttled_time")) // nanoseconds
	if s.MemoryLimit >= v1Unlimited {
		s.MemoryLimit = 0
	}
	return s, r.err()
}
