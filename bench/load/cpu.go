package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// cpuUse is CPU time spent by a set of processes (user + system).
type cpuUse struct{ user, sys time.Duration }

func (c cpuUse) minus(o cpuUse) cpuUse { return cpuUse{c.user - o.user, c.sys - o.sys} }
func (c cpuUse) total() time.Duration  { return c.user + c.sys }

// clockTick is the unit of /proc/*/stat times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// procStat is what /proc/PID/stat says about one process.
type procStat struct {
	ppid                       int
	utime, stime, cutime, csys int64
}

func readStat(pid int) (procStat, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command may contain spaces and parentheses
	if i < 0 {
		return procStat{}, false
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3 (state)
	if len(f) < 15 {
		return procStat{}, false
	}
	n := func(k int) int64 { v, _ := strconv.ParseInt(f[k-3], 10, 64); return v }
	return procStat{ppid: int(n(4)), utime: n(14), stime: n(15), cutime: n(16), csys: n(17)}, true
}

// cpuOf sums the CPU time of the roots, their reaped children and their live descendants
// (PostgreSQL runs a process per connection under its postmaster).
func cpuOf(roots []int) cpuUse {
	if len(roots) == 0 {
		return cpuUse{}
	}
	all := map[int]procStat{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		if st, ok := readStat(pid); ok {
			all[pid] = st
		}
	}
	in := map[int]bool{}
	for _, r := range roots {
		in[r] = true
	}
	for changed := true; changed; { // descendants, to any depth
		changed = false
		for pid, st := range all {
			if !in[pid] && in[st.ppid] {
				in[pid], changed = true, true
			}
		}
	}
	var u cpuUse
	for pid := range in {
		st, ok := all[pid]
		if !ok {
			continue
		}
		u.user += time.Duration(st.utime+st.cutime) * clockTick
		u.sys += time.Duration(st.stime+st.csys) * clockTick
	}
	return u
}

// postmasterPID reads the PostgreSQL server's pid from its data directory.
func postmasterPID(dataDir string) (int, error) {
	f, err := os.Open(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return 0, fmt.Errorf("-watch-pg: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0, fmt.Errorf("-watch-pg: empty postmaster.pid")
	}
	return strconv.Atoi(strings.TrimSpace(sc.Text()))
}
