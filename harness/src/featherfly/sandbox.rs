//! The native runner's start and its process limits. The runner starts
//! in a session of its own, dies with hookcheck (`PR_SET_PDEATHSIG`;
//! strictly, with the thread that started it, which is the host's own
//! thread: hosts are not `Send`), gets a clean environment (only `PATH`,
//! `LD_LIBRARY_PATH` and `RUST_BACKTRACE=0`: hookcheck's own tokens never
//! reach a plugin) and, once started, isolates itself: namespaces, limits,
//! no capabilities, a seccomp filter that reports (see `isolation`).
//! hookcheck makes itself non-dumpable first, so nothing of a lesser
//! process reads its memory, and kills the runner's process group when it
//! is done with it.

use std::os::unix::process::CommandExt;
use std::process::Command;

/// Address space of the runner process (`RLIMIT_AS`).
pub const RUNNER_ADDRESS_SPACE: u64 = 4 << 30;
/// CPU seconds over the runner's whole life (`RLIMIT_CPU`; every hook call
/// also has its own wall-clock deadline).
pub const RUNNER_CPU_SECONDS: u64 = 300;
/// Open files of the runner process (`RLIMIT_NOFILE`).
pub const RUNNER_OPEN_FILES: u64 = 256;

/// The descriptor on which the shim reports to hookcheck: one JSON object
/// per line, first the protections in force, then every hostile act.
pub(crate) const REPORT_FD: std::os::fd::RawFd = 3;

/// Set to `1`, the runner makes no namespace, as on a machine without
/// user namespaces (the filter still reports and refuses).
pub const NO_NAMESPACES_ENV: &str = "HOOKCHECK_SANDBOX_WITHOUT_NAMESPACES";

/// Environment variables the runner inherits; everything else is cleared.
const KEPT_ENV: [&str; 2] = ["PATH", "LD_LIBRARY_PATH"];

/// Sets up `command` to start the runner (`hookcheck native-runner`),
/// which isolates itself (see `isolation`): a session of its own, death
/// with hookcheck, a clean environment, and `report` as descriptor 3, on
/// which it reports what confines it and every act it refused.
pub(crate) fn confine(command: &mut Command, report: std::os::fd::RawFd) {
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
    // What a machine without user namespaces gets, on demand (for tests
    // and for comparing the two).
    if let Some(value) = std::env::var_os(NO_NAMESPACES_ENV) {
        command.env(NO_NAMESPACES_ENV, value);
    }
    // Nothing of a lesser process may read or write hookcheck's memory.
    // SAFETY: a plain prctl on this process.
    unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
    let parent = i32::try_from(std::process::id()).unwrap_or(i32::MAX);
    // SAFETY: the closure runs between fork and exec and calls only
    // async-signal-safe functions (setsid, prctl, getppid, dup2).
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
            // dup2 clears close-on-exec on the copy.
            if libc::dup2(report, REPORT_FD) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Empties the bounding set (so an exec as root gains nothing) and every
/// capability set. Without privilege (hookcheck not root) there is nothing
/// to drop, and the calls fail harmlessly.
pub(crate) fn drop_capabilities() -> std::io::Result<()> {
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
pub(crate) fn limit(resource: libc::__rlimit_resource_t, value: u64) -> std::io::Result<()> {
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
