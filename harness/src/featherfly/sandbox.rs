//! The native runner's sandbox. A native plugin is arbitrary code in the
//! runner process; what it can do to hookcheck is limited here:
//!
//! - the runner starts in a session and process group of its own, so
//!   `kill(0, …)` reaches only the runner and what it forked;
//! - it dies with hookcheck (`PR_SET_PDEATHSIG`; strictly, with the thread
//!   that started it, which is the host's own thread: hosts are not
//!   `Send`), and hookcheck kills its whole process group when it is done
//!   with it;
//! - a seccomp filter refuses (`EPERM`) every signal aimed at hookcheck,
//!   its process group or every process (`kill(-1, …)`), and `ptrace`,
//!   `process_vm_writev` and `pidfd_send_signal` altogether;
//! - resource limits: address space, CPU time, open files, no core dumps;
//! - a clean environment: only `PATH`, `LD_LIBRARY_PATH` and
//!   `RUST_BACKTRACE=0` — hookcheck's own environment (tokens, keys) never
//!   reaches a plugin, so it can never leak into a crash report;
//! - after every call the runner kills whatever the plugin forked.

use std::os::unix::process::CommandExt;
use std::process::Command;

/// Address space of the runner process (`RLIMIT_AS`).
pub const RUNNER_ADDRESS_SPACE: u64 = 4 << 30;
/// CPU seconds over the runner's whole life (`RLIMIT_CPU`; every hook call
/// also has its own wall-clock deadline).
pub const RUNNER_CPU_SECONDS: u64 = 300;
/// Open files of the runner process (`RLIMIT_NOFILE`).
pub const RUNNER_OPEN_FILES: u64 = 256;

/// Environment variables the runner inherits; everything else is cleared.
const KEPT_ENV: [&str; 2] = ["PATH", "LD_LIBRARY_PATH"];

/// Sets up `command` to start the runner inside the sandbox.
pub(crate) fn confine(command: &mut Command) {
    command.env_clear();
    for key in KEPT_ENV {
        if let Some(value) = std::env::var_os(key) {
            command.env(key, value);
        }
    }
    // A plugin panic that aborts the runner is reported as the crash
    // outcome; a symbolized backtrace of it would only flood the host's
    // stderr and take seconds to print.
    command.env("RUST_BACKTRACE", "0");
    let parent = i32::try_from(std::process::id()).unwrap_or(i32::MAX);
    // SAFETY: getpgrp cannot fail and touches no memory.
    let group = unsafe { libc::getpgrp() };
    // Built before the fork: the closure below may not allocate.
    let filter = signal_filter(parent, group);
    // SAFETY: the closure runs between fork and exec and calls only
    // async-signal-safe functions (setsid, prctl, getppid, setrlimit) on
    // memory prepared before the fork.
    unsafe {
        command.pre_exec(move || {
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // hookcheck died between the fork and the prctl.
            if libc::getppid() != parent {
                return Err(std::io::Error::other("hookcheck is gone"));
            }
            limit(libc::RLIMIT_CORE, 0)?;
            limit(libc::RLIMIT_AS, RUNNER_ADDRESS_SPACE)?;
            limit(libc::RLIMIT_CPU, RUNNER_CPU_SECONDS)?;
            limit(libc::RLIMIT_NOFILE, RUNNER_OPEN_FILES)?;
            install(&filter)
        });
    }
}

/// Lowers one resource limit (never raises it).
fn limit(resource: libc::__rlimit_resource_t, value: u64) -> std::io::Result<()> {
    let mut current = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `current` is a valid rlimit to write into.
    if unsafe { libc::getrlimit(resource, &raw mut current) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let new = libc::rlimit {
        rlim_cur: value.min(current.rlim_max),
        rlim_max: value.min(current.rlim_max),
    };
    // SAFETY: `new` is a valid rlimit.
    if unsafe { libc::setrlimit(resource, &raw const new) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Installs `filter`; a kernel without seccomp leaves the rest of the
/// sandbox in place.
fn install(filter: &[libc::sock_filter]) -> std::io::Result<()> {
    if filter.is_empty() {
        return Ok(());
    }
    let program = libc::sock_fprog {
        len: u16::try_from(filter.len()).unwrap_or(u16::MAX),
        filter: filter.as_ptr().cast_mut(),
    };
    // SAFETY: plain prctl calls; `program` points at `filter`, alive for
    // the call, and the kernel copies it.
    unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        if libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER,
            &raw const program,
            0,
            0,
        ) != 0
        {
            let error = std::io::Error::last_os_error();
            if error.raw_os_error() != Some(libc::EINVAL) {
                return Err(error);
            }
        }
    }
    Ok(())
}

// Classic BPF, as seccomp reads it: BPF_LD | BPF_W | BPF_ABS,
// BPF_JMP | BPF_JEQ | BPF_K, and BPF_RET | BPF_K.
const BPF_LD_W_ABS: u16 = 0x20;
const BPF_JMP_JEQ_K: u16 = 0x15;
const BPF_RET_K: u16 = 0x06;

#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xC000_003E;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xC000_00B7;

/// Offsets in `struct seccomp_data`: nr, arch, then the low word of args[0].
const NR: u32 = 0;
const ARCH: u32 = 4;
#[cfg(target_endian = "little")]
const ARG0_LOW: u32 = 16;
#[cfg(target_endian = "big")]
const ARG0_LOW: u32 = 20;

const fn stmt(code: u16, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

const fn jump(k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter {
        code: BPF_JMP_JEQ_K,
        jt,
        jf,
        k,
    }
}

fn nr(call: libc::c_long) -> u32 {
    u32::try_from(call).unwrap_or(u32::MAX)
}

/// The filter: signals at `parent`, at its group `group` or at every
/// process are refused; so are ptrace, process_vm_writev and
/// pidfd_send_signal.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
fn signal_filter(parent: i32, group: i32) -> Vec<libc::sock_filter> {
    let deny = libc::SECCOMP_RET_ERRNO | u32::try_from(libc::EPERM).unwrap_or(1);
    let allow = libc::SECCOMP_RET_ALLOW;
    // pid_t compared as the low 32 bits of the argument, as the kernel does.
    let parent = parent.cast_unsigned();
    let everyone = (-1i32).cast_unsigned();
    let parent_group = group.wrapping_neg().cast_unsigned();
    vec![
        // 0: a foreign architecture's numbers mean something else: allow.
        stmt(BPF_LD_W_ABS, ARCH),
        jump(AUDIT_ARCH, 1, 0),
        stmt(BPF_RET_K, allow),
        // 3: dispatch on the syscall number.
        stmt(BPF_LD_W_ABS, NR),
        jump(nr(libc::SYS_kill), 6, 0),
        jump(nr(libc::SYS_tkill), 10, 0),
        jump(nr(libc::SYS_tgkill), 9, 0),
        jump(nr(libc::SYS_ptrace), 10, 0),
        jump(nr(libc::SYS_process_vm_writev), 9, 0),
        jump(nr(libc::SYS_pidfd_send_signal), 8, 0),
        stmt(BPF_RET_K, allow),
        // 11: kill(pid, sig): not hookcheck, its group, or everyone.
        stmt(BPF_LD_W_ABS, ARG0_LOW),
        jump(parent, 5, 0),
        jump(everyone, 4, 0),
        jump(parent_group, 3, 0),
        stmt(BPF_RET_K, allow),
        // 16: tkill(tid, sig) and tgkill(tgid, tid, sig): not hookcheck.
        stmt(BPF_LD_W_ABS, ARG0_LOW),
        jump(parent, 0, 1),
        // 18: refuse.
        stmt(BPF_RET_K, deny),
        stmt(BPF_RET_K, allow),
    ]
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn signal_filter(_parent: i32, _group: i32) -> Vec<libc::sock_filter> {
    Vec::new()
}

/// In the runner, after a call: kills every process the plugin forked
/// (the runner is their subreaper, so orphans come back to it) and reaps
/// them. Costs one `waitpid` when the plugin forked nothing.
pub(crate) fn kill_forked() {
    // SAFETY: getpid cannot fail.
    let me = unsafe { libc::getpid() };
    for _ in 0..64 {
        if !reap_finished() {
            return;
        }
        let children = children_of(me);
        if children.is_empty() {
            // Children that are exiting right now: give them a moment.
            std::thread::sleep(std::time::Duration::from_millis(1));
            continue;
        }
        for pid in children {
            // SAFETY: a signal to our own child, then a wait for it.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, std::ptr::null_mut(), 0);
            }
        }
    }
}

/// Reaps ended children; `false` when the runner has no child at all.
fn reap_finished() -> bool {
    loop {
        // SAFETY: reaps one ended child, if any, without blocking.
        match unsafe { libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) } {
            0 => return true,
            pid if pid > 0 => {}
            _ => return std::io::Error::last_os_error().raw_os_error() != Some(libc::ECHILD),
        }
    }
}

/// The pids whose parent is `parent`, from `/proc/*/stat`.
fn children_of(parent: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().to_str()?.parse::<i32>().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // "pid (comm) state ppid …": comm may hold spaces and parens.
            let after = &stat[stat.rfind(')')? + 1..];
            let ppid = after.split_whitespace().nth(1)?.parse::<i32>().ok()?;
            (ppid == parent).then_some(pid)
        })
        .collect()
}

/// In hookcheck, when a runner is done with: kills its whole process group
/// (the runner and everything it forked that stayed in the group).
pub(crate) fn kill_group(runner: u32) {
    if let Ok(pid) = i32::try_from(runner)
        && pid > 1
    {
        // SAFETY: a plain signal to the runner's own process group (the
        // runner called setsid, so its group id is its pid).
        unsafe { libc::kill(-pid, libc::SIGKILL) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the filter on one syscall as the kernel would.
    fn verdict(filter: &[libc::sock_filter], nr: u32, arg0: u32) -> u32 {
        let mut acc = 0u32;
        let mut pc = 0usize;
        loop {
            let insn = filter[pc];
            match insn.code {
                BPF_LD_W_ABS => {
                    acc = match insn.k {
                        NR => nr,
                        ARCH => AUDIT_ARCH,
                        ARG0_LOW => arg0,
                        other => panic!("load of offset {other}"),
                    };
                    pc += 1;
                }
                BPF_JMP_JEQ_K => {
                    pc += 1 + usize::from(if acc == insn.k { insn.jt } else { insn.jf });
                }
                BPF_RET_K => return insn.k,
                other => panic!("opcode {other}"),
            }
        }
    }

    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    #[test]
    fn the_filter_refuses_signals_at_hookcheck_and_allows_the_rest() {
        let filter = signal_filter(4242, 4200);
        let deny = libc::SECCOMP_RET_ERRNO | 1;
        let allow = libc::SECCOMP_RET_ALLOW;
        let kill = nr(libc::SYS_kill);
        assert_eq!(verdict(&filter, kill, 4242), deny, "kill(parent)");
        assert_eq!(verdict(&filter, kill, u32::MAX), deny, "kill(-1)");
        assert_eq!(verdict(&filter, kill, (-4200i32).cast_unsigned()), deny);
        assert_eq!(verdict(&filter, kill, 0), allow, "kill(0): own group");
        assert_eq!(verdict(&filter, kill, 7), allow, "kill(another pid)");
        assert_eq!(verdict(&filter, nr(libc::SYS_tgkill), 4242), deny);
        assert_eq!(verdict(&filter, nr(libc::SYS_tgkill), 7), allow);
        assert_eq!(verdict(&filter, nr(libc::SYS_tkill), 4242), deny);
        assert_eq!(verdict(&filter, nr(libc::SYS_ptrace), 0), deny);
        assert_eq!(verdict(&filter, nr(libc::SYS_process_vm_writev), 0), deny);
        assert_eq!(verdict(&filter, nr(libc::SYS_pidfd_send_signal), 0), deny);
        assert_eq!(verdict(&filter, nr(libc::SYS_read), 4242), allow);
    }
}
