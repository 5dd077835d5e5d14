//! The native runner's sandbox. A native plugin is arbitrary code in the
//! runner process; what it can do to hookcheck is limited here:
//!
//! - the runner starts in a session and process group of its own, so
//!   `kill(0, …)` reaches only the runner and what it forked;
//! - it dies with hookcheck (`PR_SET_PDEATHSIG`; strictly, with the thread
//!   that started it, which is the host's own thread: hosts are not
//!   `Send`), and hookcheck kills its whole process group when it is done
//!   with it;
//! - a seccomp filter (x86_64 and aarch64) lets the signal system calls
//!   (`kill`, `tkill`, `tgkill`, `rt_sigqueueinfo`, `rt_tgsigqueueinfo`)
//!   aim only at the runner itself or its own group, refuses `ptrace`,
//!   `process_vm_readv`/`writev`, `pidfd_send_signal` and `pidfd_getfd`,
//!   refuses the x32 numbers, and kills the runner on any system call of
//!   another architecture (`int 0x80`);
//! - the runner holds no capabilities (its bounding set is emptied, so not
//!   even a root hookcheck gives it any), and hookcheck makes itself
//!   non-dumpable before the first runner starts: the runner cannot read
//!   hookcheck's memory or `/proc/<hookcheck>/environ`;
//! - resource limits: address space, CPU time, open files, no core dumps;
//! - a clean environment: only `PATH`, `LD_LIBRARY_PATH` and
//!   `RUST_BACKTRACE=0` — hookcheck's own environment (tokens, keys) never
//!   reaches a plugin, so it can never leak into a crash report;
//! - after every call in which the plugin forked, hookcheck kills whatever
//!   it left running (the runner is its subreaper, so orphans stay within
//!   reach).
//!
//! Not covered: a process that a plugin forks and that calls `setsid`
//! escapes the group kill if the runner dies before the call ends; a pids
//! cgroup or a PID namespace would close that.

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
    // Nothing of a lesser process may read or write hookcheck's memory.
    // SAFETY: a plain prctl on this process.
    unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
    let parent = i32::try_from(std::process::id()).unwrap_or(i32::MAX);
    // Built before the fork: the closure below may not allocate. The
    // runner's own pid is written into it after the fork.
    let mut filter = signal_filter();
    // SAFETY: whether this kernel has seccomp at all (0 when it has and
    // this process is not filtered yet).
    let seccomp = unsafe { libc::prctl(libc::PR_GET_SECCOMP, 0, 0, 0, 0) } >= 0;
    // SAFETY: the closure runs between fork and exec and calls only
    // async-signal-safe functions (setsid, prctl, getpid, getppid,
    // getrlimit, setrlimit, capset) on memory prepared before the fork; its
    // errors are made from raw OS codes, which do not allocate.
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
                return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
            }
            limit(libc::RLIMIT_CORE, 0)?;
            limit(libc::RLIMIT_AS, RUNNER_ADDRESS_SPACE)?;
            limit(libc::RLIMIT_CPU, RUNNER_CPU_SECONDS)?;
            limit(libc::RLIMIT_NOFILE, RUNNER_OPEN_FILES)?;
            drop_capabilities()?;
            if filter.is_empty() || !seccomp {
                return Ok(());
            }
            let me = libc::getpid();
            filter[SELF].k = me.cast_unsigned();
            filter[SELF_GROUP].k = me.wrapping_neg().cast_unsigned();
            install(&filter)
        });
    }
}

/// Empties the bounding set (so an exec as root gains nothing) and every
/// capability set. Without privilege (hookcheck not root) there is nothing
/// to drop, and the calls fail harmlessly.
fn drop_capabilities() -> std::io::Result<()> {
    #[repr(C)]
    struct Header {
        version: u32,
        pid: i32,
    }
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    const VERSION_3: u32 = 0x2008_0522;
    for cap in 0..64 {
        // SAFETY: a plain prctl; an unknown capability number is EINVAL.
        unsafe { libc::prctl(libc::PR_CAPBSET_DROP, cap, 0, 0, 0) };
    }
    // SAFETY: a plain prctl clearing the ambient set.
    unsafe {
        libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL,
            0,
            0,
            0,
        )
    };
    let header = Header {
        version: VERSION_3,
        pid: 0,
    };
    let data = [Data {
        effective: 0,
        permitted: 0,
        inheritable: 0,
    }; 2];
    // SAFETY: capset with a version-3 header and its two data words.
    let done = unsafe { libc::syscall(libc::SYS_capset, &raw const header, data.as_ptr()) };
    if done != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
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
        rlim_cur: value.min(current.rlim_cur),
        rlim_max: value.min(current.rlim_max),
    };
    // SAFETY: `new` is a valid rlimit.
    if unsafe { libc::setrlimit(resource, &raw const new) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Installs `filter`.
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
        // The kernel has seccomp (checked before the fork): a refusal here
        // is a broken filter, and the runner must not start without it.
        if libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER,
            &raw const program,
            0,
            0,
        ) != 0
        {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

// Classic BPF, as seccomp reads it: BPF_LD | BPF_W | BPF_ABS,
// BPF_JMP | BPF_JEQ | BPF_K, BPF_JMP | BPF_JGE | BPF_K, and BPF_RET | BPF_K.
const BPF_LD_W_ABS: u16 = 0x20;
const BPF_JMP_JEQ_K: u16 = 0x15;
const BPF_JMP_JGE_K: u16 = 0x35;
const BPF_RET_K: u16 = 0x06;

#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xC000_003E;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xC000_00B7;

/// The x32 ABI's flag on x86_64 syscall numbers.
const X32_SYSCALL_BIT: u32 = 0x4000_0000;
/// `SECCOMP_RET_KILL_PROCESS`.
const RET_KILL_PROCESS: u32 = 0x8000_0000;

/// Offsets in `struct seccomp_data`: nr, arch, then the low word of args[0].
const NR: u32 = 0;
const ARCH: u32 = 4;
#[cfg(target_endian = "little")]
const ARG0_LOW: u32 = 16;
#[cfg(target_endian = "big")]
const ARG0_LOW: u32 = 20;

/// The instructions whose constant is the runner's pid and its negation,
/// written after the fork.
const SELF: usize = 18;
const SELF_GROUP: usize = 19;

const fn stmt(code: u16, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

const fn jump(code: u16, k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter { code, jt, jf, k }
}

fn nr(call: libc::c_long) -> u32 {
    u32::try_from(call).unwrap_or(u32::MAX)
}

/// The filter. Signal system calls may aim only at 0 (the runner's own
/// group), the runner's pid or its group (written at [`SELF`] and
/// [`SELF_GROUP`] after the fork); the calls that reach into another
/// process are refused; x32 numbers are refused; another architecture's
/// calls kill the runner.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
fn signal_filter() -> Vec<libc::sock_filter> {
    let deny = libc::SECCOMP_RET_ERRNO | u32::try_from(libc::EPERM).unwrap_or(1);
    let allow = libc::SECCOMP_RET_ALLOW;
    let filter = vec![
        // 0: a foreign architecture's numbers mean something else.
        stmt(BPF_LD_W_ABS, ARCH),
        jump(BPF_JMP_JEQ_K, AUDIT_ARCH, 1, 0),
        stmt(BPF_RET_K, RET_KILL_PROCESS),
        // 3: dispatch on the syscall number.
        stmt(BPF_LD_W_ABS, NR),
        jump(BPF_JMP_JGE_K, X32_SYSCALL_BIT, 15, 0),
        jump(BPF_JMP_JEQ_K, nr(libc::SYS_kill), 10, 0),
        jump(BPF_JMP_JEQ_K, nr(libc::SYS_tkill), 9, 0),
        jump(BPF_JMP_JEQ_K, nr(libc::SYS_tgkill), 8, 0),
        jump(BPF_JMP_JEQ_K, nr(libc::SYS_rt_sigqueueinfo), 7, 0),
        jump(BPF_JMP_JEQ_K, nr(libc::SYS_rt_tgsigqueueinfo), 6, 0),
        jump(BPF_JMP_JEQ_K, nr(libc::SYS_ptrace), 9, 0),
        jump(BPF_JMP_JEQ_K, nr(libc::SYS_process_vm_writev), 8, 0),
        jump(BPF_JMP_JEQ_K, nr(libc::SYS_process_vm_readv), 7, 0),
        jump(BPF_JMP_JEQ_K, nr(libc::SYS_pidfd_send_signal), 6, 0),
        jump(BPF_JMP_JEQ_K, nr(libc::SYS_pidfd_getfd), 5, 0),
        stmt(BPF_RET_K, allow),
        // 16: a signal's target: 0, the runner, or the runner's group.
        stmt(BPF_LD_W_ABS, ARG0_LOW),
        jump(BPF_JMP_JEQ_K, 0, 3, 0),
        jump(BPF_JMP_JEQ_K, 0, 2, 0), // SELF: the runner's pid
        jump(BPF_JMP_JEQ_K, 0, 1, 0), // SELF_GROUP: minus the runner's pid
        // 20: refuse.
        stmt(BPF_RET_K, deny),
        stmt(BPF_RET_K, allow),
    ];
    debug_assert_eq!(filter.len(), 22);
    filter
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn signal_filter() -> Vec<libc::sock_filter> {
    Vec::new()
}

/// In the runner, after a call: reaps the children that ended, and says
/// whether any remain (the plugin forked and left something running). The
/// runner may not signal them (its filter allows only itself); hookcheck
/// kills them with [`kill_descendants`].
pub(crate) fn reap_finished() -> bool {
    loop {
        // SAFETY: reaps one ended child, if any, without blocking.
        match unsafe { libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) } {
            0 => return true,
            pid if pid > 0 => {}
            _ => return std::io::Error::last_os_error().raw_os_error() != Some(libc::ECHILD),
        }
    }
}

/// In hookcheck, after a call in which the plugin forked: kills every
/// process still running below the runner. Orphans come back to the runner
/// (its subreaper), so killing its children until none is left alive
/// reaches them all; the runner reaps them.
pub(crate) fn kill_descendants(runner: u32) {
    let Ok(runner) = i32::try_from(runner) else {
        return;
    };
    for _ in 0..64 {
        let alive = children_of(runner);
        if alive.is_empty() {
            return;
        }
        for pid in alive {
            // SAFETY: a signal to a process whose parent is our runner.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// The live (not zombie) pids whose parent is `parent`, from
/// `/proc/*/stat`.
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
            let mut fields = after.split_whitespace();
            let state = fields.next()?;
            let ppid = fields.next()?.parse::<i32>().ok()?;
            (ppid == parent && state != "Z" && state != "X").then_some(pid)
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

    /// Runs the filter on one syscall of architecture `arch` as the kernel
    /// would.
    fn verdict(filter: &[libc::sock_filter], arch: u32, nr: u32, arg0: u32) -> u32 {
        let mut acc = 0u32;
        let mut pc = 0usize;
        loop {
            let insn = filter[pc];
            let jump = |taken: bool| 1 + usize::from(if taken { insn.jt } else { insn.jf });
            match insn.code {
                BPF_LD_W_ABS => {
                    acc = match insn.k {
                        NR => nr,
                        ARCH => arch,
                        ARG0_LOW => arg0,
                        other => panic!("load of offset {other}"),
                    };
                    pc += 1;
                }
                BPF_JMP_JEQ_K => pc += jump(acc == insn.k),
                BPF_JMP_JGE_K => pc += jump(acc >= insn.k),
                BPF_RET_K => return insn.k,
                other => panic!("opcode {other}"),
            }
        }
    }

    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    #[test]
    fn signals_may_aim_only_at_the_runner_and_foreign_abis_are_refused() {
        let mut filter = signal_filter();
        let me = 4300i32;
        filter[SELF].k = me.cast_unsigned();
        filter[SELF_GROUP].k = (-me).cast_unsigned();
        let deny = libc::SECCOMP_RET_ERRNO | 1;
        let allow = libc::SECCOMP_RET_ALLOW;
        let check = |call: libc::c_long, arg0: i32| {
            verdict(&filter, AUDIT_ARCH, nr(call), arg0.cast_unsigned())
        };
        for call in [
            libc::SYS_kill,
            libc::SYS_tkill,
            libc::SYS_tgkill,
            libc::SYS_rt_sigqueueinfo,
            libc::SYS_rt_tgsigqueueinfo,
        ] {
            assert_eq!(check(call, 0), allow, "{call}(0): own group");
            assert_eq!(check(call, me), allow, "{call}(self)");
            assert_eq!(check(call, -me), allow, "{call}(-self)");
            assert_eq!(
                check(call, 4242),
                deny,
                "{call}(hookcheck or a thread of it)"
            );
            assert_eq!(check(call, -4200), deny, "{call}(another group)");
            assert_eq!(check(call, -1), deny, "{call}(-1): everyone");
        }
        for call in [
            libc::SYS_ptrace,
            libc::SYS_process_vm_readv,
            libc::SYS_process_vm_writev,
            libc::SYS_pidfd_send_signal,
            libc::SYS_pidfd_getfd,
        ] {
            assert_eq!(check(call, 0), deny, "{call}");
        }
        assert_eq!(check(libc::SYS_read, 4242), allow);
        assert_eq!(check(libc::SYS_getpid, 0), allow);
        // x32 numbers, and another architecture's calls (int 0x80).
        assert_eq!(
            verdict(
                &filter,
                AUDIT_ARCH,
                nr(libc::SYS_kill) | X32_SYSCALL_BIT,
                4242
            ),
            deny
        );
        assert_eq!(verdict(&filter, 0x4000_0003, 37, 4242), RET_KILL_PROCESS);
    }
}
