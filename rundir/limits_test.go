package rundir

import "testing"

// Inside a Slurm job the memory budget is the job's allocation when it is
// below the machine's RAM, and the ids are read from the task's
// environment (variables as sweeps-slurm.md §1 lists them).
func TestSlurmLimitsFromEnv(t *testing.T) {
	env := map[string]string{"SLURM_JOB_ID": "12", "SLURM_ARRAY_JOB_ID": "11", "SLURM_ARRAY_TASK_ID": "3", "SLURM_CPUS_PER_TASK": "2", "SLURM_MEM_PER_NODE": "100"}
	get := func(k string) string { return env[k] }
	if b, src := MemoryLimit(get); b != 100<<20 || src != "SLURM_MEM_PER_NODE" {
		t.Errorf("MemoryLimit = %d from %s, want 100 MiB from SLURM_MEM_PER_NODE", b, src)
	}
	delete(env, "SLURM_MEM_PER_NODE")
	env["SLURM_MEM_PER_CPU"] = "30"
	if b, _ := MemoryLimit(get); b != 60<<20 {
		t.Errorf("MemoryLimit = %d, want 2 × 30 MiB", b)
	}
	if n := JobCPUs(get); n != 2 {
		t.Errorf("JobCPUs = %d", n)
	}
	s := SlurmFromEnv(get)
	if s == nil || s.String() != "job 12 (array 11, task 3)" {
		t.Errorf("SlurmFromEnv = %+v", s)
	}
	if SlurmFromEnv(func(string) string { return "" }) != nil || JobCPUs(func(string) string { return "" }) != 0 {
		t.Error("ids outside a job")
	}
	if b, _ := MemoryLimit(func(string) string { return "" }); b <= 0 || b > TotalRAM() {
		t.Errorf("MemoryLimit outside a job = %d, RAM %d", b, TotalRAM())
	}
}
