//! The runner's seccomp filter, and the shim's answers to what it hands
//! over. The filter lets through what keeps to the runner (its own
//! threads, signals at itself, reads, writes to open descriptors) and
//! hands to the shim (`SECCOMP_RET_USER_NOTIF`) every call that reaches
//! out: a signal at another process or group, `F_SETOWN` at another
//! process, a new process, `exec`, a new session, `PR_SET_PDEATHSIG`, a
//! file opened for writing, created, renamed or removed. The shim records
//! each as a [`HostileAct`] and refuses it — or, for a write inside the
//! scratch directory, lets it go on. Calls that reach into other
//! processes' memory are refused outright, `clone3` answers `ENOSYS` (so
//! threads are made with `clone`, whose flags the filter can read), and a
//! foreign architecture's calls kill the runner.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use crate::engine::HostileAct;

// Classic BPF as seccomp reads it.
const LD_W_ABS: u16 = 0x20;
const JEQ_K: u16 = 0x15;
const JGE_K: u16 = 0x35;
const JSET_K: u16 = 0x45;
const RET_K: u16 = 0x06;

#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xC000_003E;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xC000_00B7;

/// The x32 ABI's flag on x86_64 syscall numbers.
const X32_SYSCALL_BIT: u32 = 0x4000_0000;
const RET_KILL_PROCESS: u32 = 0x8000_0000;

/// Offsets in `struct seccomp_data`.
const NR: u32 = 0;
const ARCH: u32 = 4;
const fn arg_low(n: u32) -> u32 {
    if cfg!(target_endian = "little") {
        16 + 8 * n
    } else {
        20 + 8 * n
    }
}

/// What the filter does with a call that reaches out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Hand it to the shim, which reports and refuses it.
    Report,
    /// Refuse it in silence (no listener could be made).
    Deny,
}

/// Where a jump lands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Label {
    /// The call is of this architecture.
    ArchOk,
    Allow,
    Notify,
    Eperm,
    Enosys,
    /// A signal call: check its first argument.
    SignalTarget,
    Fcntl,
    FcntlOwner,
    Clone,
    Prctl,
    /// Open flags in argument `n`.
    OpenFlags(u32),
}

enum Insn {
    Load(u32),
    /// Jump to `Label` when the accumulator equals / is at least / has any
    /// bit of `k`; fall through otherwise.
    If(u16, u32, Label),
    Ret(u32),
    Mark(Label),
}

/// The open flags that write.
const WRITING: u32 = (libc::O_WRONLY | libc::O_RDWR | libc::O_CREAT | libc::O_TRUNC) as u32;

fn nr(call: libc::c_long) -> u32 {
    u32::try_from(call).unwrap_or(u32::MAX)
}

/// The calls handed over whatever their arguments.
fn reported_calls() -> Vec<libc::c_long> {
    let mut calls = vec![
        libc::SYS_execve,
        libc::SYS_execveat,
        libc::SYS_setsid,
        libc::SYS_setpgid,
        libc::SYS_mkdirat,
        libc::SYS_unlinkat,
        libc::SYS_renameat,
        libc::SYS_renameat2,
        libc::SYS_symlinkat,
        libc::SYS_linkat,
        libc::SYS_truncate,
        libc::SYS_mknodat,
        libc::SYS_openat2,
    ];
    #[cfg(target_arch = "x86_64")]
    calls.extend([
        libc::SYS_fork,
        libc::SYS_vfork,
        libc::SYS_creat,
        libc::SYS_mkdir,
        libc::SYS_unlink,
        libc::SYS_rename,
        libc::SYS_rmdir,
        libc::SYS_symlink,
        libc::SYS_link,
        libc::SYS_mknod,
    ]);
    calls
}

/// The filter for a runner whose pid is `me`.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
pub(crate) fn program(me: u32, refusal: Refusal) -> Vec<libc::sock_filter> {
    use Insn::{If, Load, Mark, Ret};
    use Label::*;
    let mut body = vec![Load(NR)];
    if cfg!(target_arch = "x86_64") {
        body.push(If(JGE_K, X32_SYSCALL_BIT, Eperm));
    }
    body.push(If(JEQ_K, nr(libc::SYS_clone3), Enosys));
    for call in [libc::SYS_kill, libc::SYS_tkill, libc::SYS_rt_sigqueueinfo] {
        body.push(If(JEQ_K, nr(call), SignalTarget));
    }
    for call in [libc::SYS_tgkill, libc::SYS_rt_tgsigqueueinfo] {
        body.push(If(JEQ_K, nr(call), SignalTarget));
    }
    body.push(If(JEQ_K, nr(libc::SYS_fcntl), Fcntl));
    body.push(If(JEQ_K, nr(libc::SYS_clone), Clone));
    body.push(If(JEQ_K, nr(libc::SYS_prctl), Prctl));
    body.push(If(JEQ_K, nr(libc::SYS_openat), OpenFlags(2)));
    #[cfg(target_arch = "x86_64")]
    body.push(If(JEQ_K, nr(libc::SYS_open), OpenFlags(1)));
    for call in reported_calls() {
        body.push(If(JEQ_K, nr(call), Notify));
    }
    for call in [
        libc::SYS_ptrace,
        libc::SYS_process_vm_readv,
        libc::SYS_process_vm_writev,
        libc::SYS_pidfd_send_signal,
        libc::SYS_pidfd_getfd,
    ] {
        body.push(If(JEQ_K, nr(call), Eperm));
    }
    body.push(Ret(libc::SECCOMP_RET_ALLOW));
    // A signal may aim at the runner itself only (pid, or tgid for
    // tgkill); `Ret(0)` in a check's fall-through stands for "hand it
    // over" and becomes the Notify return below.
    body.extend([
        Mark(SignalTarget),
        Load(arg_low(0)),
        If(JEQ_K, me, Allow),
        Ret(0),
        Mark(Fcntl),
        Load(arg_low(1)),
        If(JEQ_K, libc::F_SETOWN as u32, FcntlOwner),
        If(JEQ_K, 15 /* F_SETOWN_EX */, Notify),
        Ret(libc::SECCOMP_RET_ALLOW),
        Mark(FcntlOwner),
        Load(arg_low(2)),
        If(JEQ_K, me, Allow),
        If(JEQ_K, 0, Allow),
        Ret(0),
        // A thread (CLONE_THREAD) is the runner; anything else is a new
        // process.
        Mark(Clone),
        Load(arg_low(0)),
        If(JSET_K, libc::CLONE_THREAD as u32, Allow),
        Ret(0),
        Mark(Prctl),
        Load(arg_low(0)),
        If(JEQ_K, libc::PR_SET_PDEATHSIG as u32, Notify),
        Ret(libc::SECCOMP_RET_ALLOW),
        Mark(OpenFlags(1)),
        Load(arg_low(1)),
        If(JSET_K, WRITING, Notify),
        Ret(libc::SECCOMP_RET_ALLOW),
        Mark(OpenFlags(2)),
        Load(arg_low(2)),
        If(JSET_K, WRITING, Notify),
        Ret(libc::SECCOMP_RET_ALLOW),
        Mark(Allow),
        Ret(libc::SECCOMP_RET_ALLOW),
        Mark(Notify),
        Ret(match refusal {
            Refusal::Report => libc::SECCOMP_RET_USER_NOTIF,
            Refusal::Deny => libc::SECCOMP_RET_ERRNO | libc::EPERM as u32,
        }),
        Mark(Eperm),
        Ret(libc::SECCOMP_RET_ERRNO | libc::EPERM as u32),
        Mark(Enosys),
        Ret(libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32),
    ]);
    // `Ret(0)` above stands for "hand it over" in the fall-through of a
    // check: make it the Notify return.
    let notify = match refusal {
        Refusal::Report => libc::SECCOMP_RET_USER_NOTIF,
        Refusal::Deny => libc::SECCOMP_RET_ERRNO | libc::EPERM as u32,
    };
    let mut all = vec![
        Load(ARCH),
        If(JEQ_K, AUDIT_ARCH, ArchOk),
        Ret(RET_KILL_PROCESS),
        Mark(ArchOk),
    ];
    all.extend(body.into_iter().map(|i| match i {
        Ret(0) => Ret(notify),
        other => other,
    }));
    assemble(&all)
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
pub(crate) fn program(_me: u32, _refusal: Refusal) -> Vec<libc::sock_filter> {
    Vec::new()
}

/// Resolves labels into relative jumps.
fn assemble(code: &[Insn]) -> Vec<libc::sock_filter> {
    let mut at = std::collections::HashMap::new();
    let mut pc = 0usize;
    for insn in code {
        match insn {
            Insn::Mark(label) => {
                at.insert(*label, pc);
            }
            _ => pc += 1,
        }
    }
    let mut out = Vec::new();
    for insn in code {
        let here = out.len();
        match insn {
            Insn::Load(offset) => out.push(libc::sock_filter {
                code: LD_W_ABS,
                jt: 0,
                jf: 0,
                k: *offset,
            }),
            Insn::If(op, k, label) => {
                let target = at.get(label).copied().unwrap_or(here + 1);
                let jt = u8::try_from(target.saturating_sub(here + 1)).unwrap_or(u8::MAX);
                out.push(libc::sock_filter {
                    code: *op,
                    jt,
                    jf: 0,
                    k: *k,
                });
            }
            Insn::Ret(k) => out.push(libc::sock_filter {
                code: RET_K,
                jt: 0,
                jf: 0,
                k: *k,
            }),
            Insn::Mark(_) => {}
        }
    }
    out
}

/// Installs `filter` on the calling thread's process (all threads share
/// it from here on: `SECCOMP_FILTER_FLAG_TSYNC`).
pub(crate) fn install(filter: &[libc::sock_filter]) -> std::io::Result<()> {
    seccomp(filter, libc::SECCOMP_FILTER_FLAG_TSYNC).map(drop)
}

/// Installs `filter` with a listener for the calls it hands over.
pub(crate) fn install_listener(filter: &[libc::sock_filter]) -> std::io::Result<OwnedFd> {
    let fd = seccomp(filter, libc::SECCOMP_FILTER_FLAG_NEW_LISTENER)?;
    // SAFETY: seccomp returned a fresh listener descriptor.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn seccomp(filter: &[libc::sock_filter], flags: libc::c_ulong) -> std::io::Result<i32> {
    if filter.is_empty() {
        return Err(std::io::Error::from_raw_os_error(libc::ENOSYS));
    }
    let program = libc::sock_fprog {
        len: u16::try_from(filter.len()).unwrap_or(u16::MAX),
        filter: filter.as_ptr().cast_mut(),
    };
    // SAFETY: the seccomp system call with a program that lives for the
    // call (the kernel copies it).
    let fd = unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER,
            flags,
            &raw const program,
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(i32::try_from(fd).unwrap_or(-1))
}

/// What one turn of the shim's loop did.
pub(crate) enum Answered {
    /// Nothing waited.
    Idle,
    /// A call was answered without a finding (a write to scratch).
    Quiet,
    /// A call was refused, or let through, as this act.
    Act(HostileAct),
    /// No process is left that the filter covers.
    Closed,
}

/// How long the shim waits for a call before it looks whether the runner
/// ended.
const POLL_MS: i32 = 20;

/// Waits briefly for one handed-over call and answers it. `mounted`: the
/// runner's mounts are read-only but its scratch, so a write elsewhere may
/// go on to fail there; without them it is refused here.
pub(crate) fn answer_one(listener: &OwnedFd, mounted: bool) -> Answered {
    let mut poll = libc::pollfd {
        fd: listener.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: poll on one descriptor we own.
    let ready = unsafe { libc::poll(&raw mut poll, 1, POLL_MS) };
    if ready <= 0 {
        return Answered::Idle;
    }
    if poll.revents & libc::POLLIN == 0 {
        return Answered::Closed;
    }
    // SAFETY: an all-zero notification is what RECV requires.
    let mut request: libc::seccomp_notif = unsafe { std::mem::zeroed() };
    // SAFETY: RECV writes one notification into `request`.
    if unsafe {
        libc::ioctl(
            listener.as_raw_fd(),
            libc::SECCOMP_IOCTL_NOTIF_RECV,
            &raw mut request,
        )
    } != 0
    {
        // The caller died before we read it, or an interrupt.
        return Answered::Quiet;
    }
    let (act, let_through) = judge(&request, mounted);
    // SAFETY: an all-zero response, filled in below.
    let mut response: libc::seccomp_notif_resp = unsafe { std::mem::zeroed() };
    response.id = request.id;
    if let_through {
        response.flags = libc::SECCOMP_USER_NOTIF_FLAG_CONTINUE as u32;
    } else {
        response.error = -libc::EPERM;
    }
    // SAFETY: SEND reads the response; a caller that died is ENOENT.
    unsafe {
        libc::ioctl(
            listener.as_raw_fd(),
            libc::SECCOMP_IOCTL_NOTIF_SEND,
            &raw mut response,
        )
    };
    match act {
        Some(act) => Answered::Act(act),
        None => Answered::Quiet,
    }
}

/// The name of a handed-over call.
fn call_name(nr: libc::c_long) -> String {
    let names: &[(libc::c_long, &str)] = &[
        (libc::SYS_kill, "kill"),
        (libc::SYS_tkill, "tkill"),
        (libc::SYS_tgkill, "tgkill"),
        (libc::SYS_rt_sigqueueinfo, "rt_sigqueueinfo"),
        (libc::SYS_rt_tgsigqueueinfo, "rt_tgsigqueueinfo"),
        (libc::SYS_clone, "clone"),
        (libc::SYS_execve, "execve"),
        (libc::SYS_execveat, "execveat"),
        (libc::SYS_setsid, "setsid"),
        (libc::SYS_setpgid, "setpgid"),
        (libc::SYS_openat, "openat"),
        (libc::SYS_openat2, "openat2"),
        (libc::SYS_mkdirat, "mkdirat"),
        (libc::SYS_unlinkat, "unlinkat"),
        (libc::SYS_renameat, "renameat"),
        (libc::SYS_renameat2, "renameat2"),
        (libc::SYS_symlinkat, "symlinkat"),
        (libc::SYS_linkat, "linkat"),
        (libc::SYS_truncate, "truncate"),
        (libc::SYS_mknodat, "mknodat"),
        #[cfg(target_arch = "x86_64")]
        (libc::SYS_fork, "fork"),
        #[cfg(target_arch = "x86_64")]
        (libc::SYS_vfork, "vfork"),
        #[cfg(target_arch = "x86_64")]
        (libc::SYS_open, "open"),
        #[cfg(target_arch = "x86_64")]
        (libc::SYS_creat, "creat"),
        #[cfg(target_arch = "x86_64")]
        (libc::SYS_mkdir, "mkdir"),
        #[cfg(target_arch = "x86_64")]
        (libc::SYS_unlink, "unlink"),
        #[cfg(target_arch = "x86_64")]
        (libc::SYS_rename, "rename"),
        #[cfg(target_arch = "x86_64")]
        (libc::SYS_rmdir, "rmdir"),
        #[cfg(target_arch = "x86_64")]
        (libc::SYS_symlink, "symlink"),
        #[cfg(target_arch = "x86_64")]
        (libc::SYS_link, "link"),
        #[cfg(target_arch = "x86_64")]
        (libc::SYS_mknod, "mknod"),
    ];
    names
        .iter()
        .find(|(n, _)| *n == nr)
        .map_or_else(|| format!("syscall {nr}"), |(_, name)| (*name).to_owned())
}

/// Which argument of a write-ish call is the path it writes, and which the
/// directory descriptor it is relative to.
fn path_argument(nr: libc::c_long) -> Option<(usize, Option<usize>)> {
    let at = |n: libc::c_long| n == nr;
    if at(libc::SYS_openat) || at(libc::SYS_openat2) || at(libc::SYS_mkdirat) {
        return Some((1, Some(0)));
    }
    if at(libc::SYS_unlinkat) || at(libc::SYS_mknodat) {
        return Some((1, Some(0)));
    }
    if at(libc::SYS_renameat) || at(libc::SYS_renameat2) || at(libc::SYS_linkat) {
        return Some((3, Some(2)));
    }
    if at(libc::SYS_symlinkat) {
        return Some((2, Some(1)));
    }
    if at(libc::SYS_truncate) {
        return Some((0, None));
    }
    #[cfg(target_arch = "x86_64")]
    {
        if at(libc::SYS_open)
            || at(libc::SYS_creat)
            || at(libc::SYS_mkdir)
            || at(libc::SYS_unlink)
            || at(libc::SYS_rmdir)
            || at(libc::SYS_mknod)
        {
            return Some((0, None));
        }
        if at(libc::SYS_rename) || at(libc::SYS_symlink) || at(libc::SYS_link) {
            return Some((1, None));
        }
    }
    None
}

/// The act a handed-over call is, and whether it may go on.
fn judge(request: &libc::seccomp_notif, mounted: bool) -> (Option<HostileAct>, bool) {
    let nr = libc::c_long::from(request.data.nr);
    let args = request.data.args;
    // The kernel reads pids and signals as C ints.
    let int = |n: usize| i64::from(args[n] as u32 as i32);
    let is = |call: libc::c_long| call == nr;
    let name = call_name(nr);
    if is(libc::SYS_kill) || is(libc::SYS_tkill) || is(libc::SYS_rt_sigqueueinfo) {
        return signal(name, int(0), int(1));
    }
    if is(libc::SYS_tgkill) || is(libc::SYS_rt_tgsigqueueinfo) {
        return signal(name, int(0), int(2));
    }
    if is(libc::SYS_fcntl) {
        let target = if int(1) == i64::from(libc::F_SETOWN) {
            int(2)
        } else {
            // F_SETOWN_EX: { type, pid } in the caller's memory.
            read_memory(request.pid, args[2], 8)
                .and_then(|b| b.get(4..8).map(|p| [p[0], p[1], p[2], p[3]]))
                .map_or(0, |p| i64::from(i32::from_le_bytes(p)))
        };
        return (Some(HostileAct::SignalOwner { target }), false);
    }
    if is(libc::SYS_clone) {
        return (Some(HostileAct::Fork { call: name }), false);
    }
    #[cfg(target_arch = "x86_64")]
    if is(libc::SYS_fork) || is(libc::SYS_vfork) {
        return (Some(HostileAct::Fork { call: name }), false);
    }
    if is(libc::SYS_execve) || is(libc::SYS_execveat) {
        let at = usize::from(is(libc::SYS_execveat));
        let path = read_path(request.pid, args[at]).unwrap_or_else(|| "?".into());
        return (Some(HostileAct::Exec { path }), false);
    }
    if is(libc::SYS_setsid) || is(libc::SYS_setpgid) {
        return (Some(HostileAct::NewSession { call: name }), false);
    }
    if is(libc::SYS_prctl) {
        return (Some(HostileAct::DeathSignal { signal: int(1) }), false);
    }
    if let Some((path_arg, dir_arg)) = path_argument(nr) {
        let path = read_path(request.pid, args[path_arg]).unwrap_or_else(|| "?".into());
        let dir = dir_arg.map(int).filter(|d| *d != i64::from(libc::AT_FDCWD));
        let where_ = match dir {
            Some(fd) if !path.starts_with('/') => {
                let base = std::fs::read_link(format!("/proc/{}/fd/{fd}", request.pid))
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|_| "?".into());
                format!("{base}/{path}")
            }
            _ => path,
        };
        if in_scratch(&where_) {
            return (None, true);
        }
        return (
            Some(HostileAct::WriteOutside {
                call: name,
                path: where_,
            }),
            // The read-only mount refuses it with the error the plugin
            // would get on a read-only file system; without that mount,
            // it is refused here.
            mounted,
        );
    }
    (None, false)
}

fn signal(call: String, target: i64, signal: i64) -> (Option<HostileAct>, bool) {
    // Signal 0 only asks whether a process exists: refused, not a finding.
    let act = (signal != 0).then_some(HostileAct::Signal {
        call,
        target,
        signal,
    });
    (act, false)
}

/// Whether a path a plugin writes is in its scratch directory (relative
/// paths are relative to it, the runner's working directory) or a device
/// or its own `/proc` entry, which writing does not change the machine.
fn in_scratch(path: &str) -> bool {
    let absolute = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/tmp/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in absolute.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    matches!(parts.first(), Some(&"tmp") | Some(&"dev"))
        || matches!(parts.as_slice(), ["proc", "self" | "thread-self", ..])
}

/// Up to `len` bytes of process `pid`'s memory at `address`.
fn read_memory(pid: u32, address: u64, len: usize) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let file = std::fs::File::open(format!("/proc/{pid}/mem")).ok()?;
    let mut buf = vec![0u8; len];
    let n = file.read_at(&mut buf, address).ok()?;
    buf.truncate(n);
    Some(buf)
}

/// A NUL-terminated path in process `pid`'s memory (at most `PATH_MAX`).
fn read_path(pid: u32, address: u64) -> Option<String> {
    let bytes = read_memory(pid, address, 4096)?;
    let end = bytes.iter().position(|b| *b == 0)?;
    Some(String::from_utf8_lossy(&bytes[..end]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the filter on one call as the kernel would.
    fn verdict(filter: &[libc::sock_filter], arch: u32, nr: u32, args: [u32; 3]) -> u32 {
        let mut acc = 0u32;
        let mut pc = 0usize;
        loop {
            let insn = filter[pc];
            let jump = |taken: bool| 1 + usize::from(if taken { insn.jt } else { insn.jf });
            match insn.code {
                LD_W_ABS => {
                    acc = match insn.k {
                        NR => nr,
                        ARCH => arch,
                        k if k == arg_low(0) => args[0],
                        k if k == arg_low(1) => args[1],
                        k if k == arg_low(2) => args[2],
                        other => panic!("load of offset {other}"),
                    };
                    pc += 1;
                }
                JEQ_K => pc += jump(acc == insn.k),
                JGE_K => pc += jump(acc >= insn.k),
                JSET_K => pc += jump(acc & insn.k != 0),
                RET_K => return insn.k,
                other => panic!("opcode {other}"),
            }
        }
    }

    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    #[test]
    fn the_filter_lets_the_runner_be_and_hands_over_what_reaches_out() {
        let me = 2u32;
        let filter = program(me, Refusal::Report);
        let notify = libc::SECCOMP_RET_USER_NOTIF;
        let allow = libc::SECCOMP_RET_ALLOW;
        let eperm = libc::SECCOMP_RET_ERRNO | libc::EPERM as u32;
        let check = |call: libc::c_long, args: [i64; 3]| {
            verdict(&filter, AUDIT_ARCH, nr(call), args.map(|a| a as i32 as u32))
        };
        for call in [libc::SYS_kill, libc::SYS_tgkill, libc::SYS_rt_sigqueueinfo] {
            assert_eq!(check(call, [2, 15, 15]), allow, "{call} at itself");
            assert_eq!(check(call, [0, 15, 15]), notify, "{call} at its group");
            assert_eq!(check(call, [1, 9, 9]), notify, "{call} at its parent");
            assert_eq!(check(call, [-1, 9, 9]), notify, "{call} at everyone");
            assert_eq!(check(call, [-2, 9, 9]), notify, "{call} at a group");
        }
        let setown = i64::from(libc::F_SETOWN);
        assert_eq!(check(libc::SYS_fcntl, [3, setown, 1]), notify);
        assert_eq!(check(libc::SYS_fcntl, [3, setown, 2]), allow);
        assert_eq!(check(libc::SYS_fcntl, [3, setown, 0]), allow);
        assert_eq!(
            check(libc::SYS_fcntl, [3, i64::from(libc::F_GETFL), 0]),
            allow
        );
        let thread = i64::from(libc::CLONE_THREAD | libc::CLONE_VM);
        assert_eq!(check(libc::SYS_clone, [thread, 0, 0]), allow);
        assert_eq!(
            check(libc::SYS_clone, [i64::from(libc::SIGCHLD), 0, 0]),
            notify
        );
        assert_eq!(
            check(libc::SYS_clone3, [0, 0, 0]),
            libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32
        );
        let pdeath = i64::from(libc::PR_SET_PDEATHSIG);
        assert_eq!(check(libc::SYS_prctl, [pdeath, 0, 0]), notify);
        assert_eq!(
            check(libc::SYS_prctl, [i64::from(libc::PR_SET_NAME), 0, 0]),
            allow
        );
        let rd = i64::from(libc::O_RDONLY | libc::O_CLOEXEC);
        let wr = i64::from(libc::O_WRONLY | libc::O_CREAT);
        assert_eq!(check(libc::SYS_openat, [-100, 0, rd]), allow);
        assert_eq!(check(libc::SYS_openat, [-100, 0, wr]), notify);
        for call in [libc::SYS_execve, libc::SYS_setsid, libc::SYS_unlinkat] {
            assert_eq!(check(call, [0, 0, 0]), notify, "{call}");
        }
        for call in [
            libc::SYS_ptrace,
            libc::SYS_process_vm_readv,
            libc::SYS_pidfd_getfd,
        ] {
            assert_eq!(check(call, [0, 0, 0]), eperm, "{call}");
        }
        assert_eq!(check(libc::SYS_read, [0, 0, 0]), allow);
        assert_eq!(check(libc::SYS_getpid, [0, 0, 0]), allow);
        // Another architecture's calls end the runner; x32 numbers are
        // refused.
        assert_eq!(verdict(&filter, 0x4000_0003, 37, [0; 3]), RET_KILL_PROCESS);
        if cfg!(target_arch = "x86_64") {
            assert_eq!(
                verdict(
                    &filter,
                    AUDIT_ARCH,
                    nr(libc::SYS_kill) | X32_SYSCALL_BIT,
                    [0; 3]
                ),
                eperm
            );
        }
        // Without a listener, what would be handed over is refused.
        let deny = program(me, Refusal::Deny);
        assert_eq!(
            verdict(&deny, AUDIT_ARCH, nr(libc::SYS_kill), [0, 15, 0]),
            eperm
        );
    }

    #[test]
    fn scratch_is_tmp_and_devices_whatever_the_dots_say() {
        for inside in [
            "/tmp/a",
            "a",
            "./b/c",
            "/dev/null",
            "/proc/self/comm",
            "x/../y",
        ] {
            assert!(in_scratch(inside), "{inside}");
        }
        for outside in [
            "/etc/passwd",
            "../etc/x",
            "/tmp/../etc/x",
            "/proc/1/mem",
            "/work/x",
        ] {
            assert!(!in_scratch(outside), "{outside}");
        }
    }
}
