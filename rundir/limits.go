package rundir

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// Slurm identifies the Slurm job a run belongs to.
type Slurm struct {
	JobID       string `json:"job_id"`
	ArrayJobID  string `json:"array_job_id,omitempty"`
	ArrayTaskID string `json:"array_task_id,omitempty"`
	CPUsPerTask string `json:"cpus_per_task,omitempty"`
	MemPerNode  string `json:"mem_per_node_mib,omitempty"`
	MemPerCPU   string `json:"mem_per_cpu_mib,omitempty"`
	Node        string `json:"node,omitempty"`
}

// SlurmFromEnv reads the job's ids from the environment Slurm gives a
// task (getenv is os.Getenv in production); nil outside a job.
func SlurmFromEnv(getenv func(string) string) *Slurm {
	id := getenv("SLURM_JOB_ID")
	if id == "" {
		return nil
	}
	return &Slurm{JobID: id, ArrayJobID: getenv("SLURM_ARRAY_JOB_ID"), ArrayTaskID: getenv("SLURM_ARRAY_TASK_ID"),
		CPUsPerTask: getenv("SLURM_CPUS_PER_TASK"), MemPerNode: getenv("SLURM_MEM_PER_NODE"), MemPerCPU: getenv("SLURM_MEM_PER_CPU"),
		Node: getenv("SLURMD_NODENAME")}
}

// String is "job 12 (array 11, task 3)".
func (s *Slurm) String() string {
	out := "job " + s.JobID
	if s.ArrayJobID != "" {
		out += fmt.Sprintf(" (array %s, task %s)", s.ArrayJobID, s.ArrayTaskID)
	}
	return out
}

// JobCPUs returns the CPUs Slurm allocated to this task
// (SLURM_CPUS_PER_TASK), or 0 outside a job or when it is not set.
func JobCPUs(getenv func(string) string) int {
	n, err := strconv.Atoi(strings.TrimSpace(getenv("SLURM_CPUS_PER_TASK")))
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// MemoryLimit returns the memory this process may use in bytes and where
// the number comes from: the smallest of the machine's RAM
// (/proc/meminfo), the cgroup limit (cgroup v2 memory.max, v1
// memory.limit_in_bytes) and the Slurm job's allocation
// (SLURM_MEM_PER_NODE, or SLURM_MEM_PER_CPU × SLURM_CPUS_PER_TASK, in
// MiB). 0 when nothing is known.
func MemoryLimit(getenv func(string) string) (int64, string) {
	best, src := TotalRAM(), "RAM (/proc/meminfo)"
	take := func(b int64, from string) {
		if b > 0 && (best == 0 || b < best) {
			best, src = b, from
		}
	}
	take(cgroupLimit(), "cgroup memory limit")
	if mib, err := strconv.ParseInt(strings.TrimSpace(getenv("SLURM_MEM_PER_NODE")), 10, 64); err == nil && mib > 0 {
		take(mib<<20, "SLURM_MEM_PER_NODE")
	} else if mib, err := strconv.ParseInt(strings.TrimSpace(getenv("SLURM_MEM_PER_CPU")), 10, 64); err == nil && mib > 0 {
		cpus := int64(max(1, JobCPUs(getenv)))
		take(mib<<20*cpus, "SLURM_MEM_PER_CPU × SLURM_CPUS_PER_TASK")
	}
	return best, src
}

// cgroupLimit reads this process's cgroup memory limit (0: none found).
func cgroupLimit() int64 {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil || runtime.GOOS != "linux" {
		return 0
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 {
			continue
		}
		var p string
		switch {
		case f[0] == "0" && f[1] == "": // v2
			p = "/sys/fs/cgroup" + f[2] + "/memory.max"
		case strings.Contains(","+f[1]+",", ",memory,"): // v1
			p = "/sys/fs/cgroup/memory" + f[2] + "/memory.limit_in_bytes"
		default:
			continue
		}
		if v := readLimit(p); v > 0 {
			return v
		}
	}
	return 0
}

func readLimit(p string) int64 {
	b, err := os.ReadFile(p)
	if err != nil {
		return 0
	}
	s := strings.TrimSpace(string(b))
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 || v >= 1<<60 { // "max", or v1's "unlimited" 2^63-4096
		return 0
	}
	return v
}
