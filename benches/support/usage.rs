//! What a benchmark's child process (the crawler) and the benchmark itself
//! cost: exit code, CPU seconds and peak RSS from `wait4`/`getrusage`.

/// Waits for the child and returns its exit code and resource usage.
pub fn wait_with_usage(pid: libc::pid_t) -> (i32, libc::rusage) {
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4 failed");
    (libc::WEXITSTATUS(status), usage)
}

/// User plus system CPU seconds of a resource usage.
pub fn cpu_seconds(usage: &libc::rusage) -> f64 {
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// CPU seconds this process has used so far.
#[allow(dead_code)] // not every bench times itself
pub fn own_cpu() -> f64 {
    // SAFETY: rusage is plain data that getrusage fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to it.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    cpu_seconds(&usage)
}

fn tv(t: libc::timeval) -> f64 {
    t.tv_sec as f64 + t.tv_usec as f64 / 1e6
}
