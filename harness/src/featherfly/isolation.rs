//! The native runner's isolation, by construction rather than by a list
//! of refused calls. `hookcheck native-runner` starts as a *shim* that
//! hookcheck sees; the plugin runs two processes below it:
//!
//! ```text
//! hookcheck ── shim (hookcheck's PID namespace, unprivileged)
//!                └─ init (PID 1 of a new PID namespace; a mount namespace of its own)
//!                     └─ runner (PID 2: the plugin, confined)
//! ```
//!
//! - **Namespaces.** The shim drops root (to `nobody`) when it is root,
//!   then makes a user namespace (mapping only its own uid, never 0) and
//!   a PID namespace; init makes a mount namespace in which every mount is
//!   read-only but a size-capped tmpfs on `/tmp` (the plugin's scratch,
//!   its working directory) and a fresh `/proc` that shows only the
//!   namespace. When init dies, the kernel ends every process in the
//!   namespace: nothing a plugin starts outlives its runner, and no pid in
//!   it names hookcheck.
//! - **Limits** on the runner: address space, CPU time, open files, file
//!   size, threads, no core dumps; no capabilities, `no_new_privs`.
//! - **Seccomp, as a second wall that reports.** The runner's filter hands
//!   every call that reaches outside the runner — a signal at another
//!   process or group, `F_SETOWN` at another process, a new process,
//!   `exec`, a new session, `PR_SET_PDEATHSIG`, a write outside `/tmp` —
//!   to the shim (`SECCOMP_RET_USER_NOTIF`), which records it as a
//!   [`HostileAct`] on a pipe hookcheck reads and refuses it (writes go on
//!   to the read-only mount, which refuses them). A plugin cannot hide an
//!   act: the shim is another process it cannot reach.
//!
//! Where the kernel refuses a namespace (a container without user
//! namespaces), the runner runs without it and the [`Protections`] say
//! so; hookcheck prints them in every report header. Never silently
//! weaker.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use serde::{Deserialize, Serialize};

use super::sandbox::{
    NO_NAMESPACES_ENV, REPORT_FD, RUNNER_ADDRESS_SPACE, RUNNER_CPU_SECONDS, RUNNER_OPEN_FILES,
};
use crate::engine::HostileAct;

/// The size of the plugin's scratch directory (`/tmp`, a tmpfs).
pub const SCRATCH_BYTES: u64 = 64 << 20;
/// The largest file the runner may write (`RLIMIT_FSIZE`): past it the
/// kernel sends `SIGXFSZ`.
pub const RUNNER_FILE_BYTES: u64 = 64 << 20;
/// Threads the runner may start beyond those its user already runs
/// (`RLIMIT_NPROC` counts threads per user).
pub const RUNNER_TASKS: u64 = 64;
/// Hostile acts reported in full per runner; past it they are counted.
pub const ACTS_REPORTED: usize = 64;
/// The user a root hookcheck runs plugins as.
const NOBODY: u32 = 65_534;
/// The environment variable that names the plugin files (one per line) a
/// runner will load: the shim opens them before it changes user and mounts,
/// so the runner loads what hookcheck named whatever it can see.
pub(crate) const PLUGINS_ENV: &str = "HOOKCHECK_RUNNER_PLUGINS";

/// The plugin files opened before the runner's mounts changed.
static OPENED: std::sync::OnceLock<Vec<(std::path::PathBuf, OwnedFd)>> = std::sync::OnceLock::new();

/// The path to load `path` from: the descriptor opened for it before the
/// runner's mounts changed, when there is one.
pub(crate) fn opened(path: &std::path::Path) -> std::path::PathBuf {
    OPENED
        .get()
        .and_then(|files| files.iter().find(|(p, _)| p == path))
        .map_or_else(
            || path.to_owned(),
            |(_, fd)| format!("/proc/self/fd/{}", fd.as_raw_fd()).into(),
        )
}

/// Opens the files [`PLUGINS_ENV`] names (as the user hookcheck runs as).
fn open_plugins() {
    let files = std::env::var(PLUGINS_ENV)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty())
        .filter_map(|l| {
            let file = std::fs::File::open(l).ok()?;
            Some((std::path::PathBuf::from(l), OwnedFd::from(file)))
        })
        .collect();
    let _ = OPENED.set(files);
}

/// What confined one runner.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Protections {
    /// A user namespace that maps only the runner's own, unprivileged uid.
    pub user_namespace: bool,
    /// A PID namespace: when the runner ends, all it started ends, and no
    /// pid in it names hookcheck.
    pub pid_namespace: bool,
    /// A mount namespace: everything read-only but a private scratch
    /// `/tmp` of [`SCRATCH_BYTES`].
    pub mount_namespace: bool,
    /// The uid the plugin runs as (never 0 unless nothing else could read
    /// the plugin, which `notes` says).
    pub uid: u32,
    /// The seccomp filter is installed.
    pub seccomp: bool,
    /// Refused acts are reported (seccomp user notification); without it
    /// they are refused in silence.
    pub acts_reported: bool,
    /// The plugins run in a process apart from the shim that reports on
    /// them (false only when the shim could not fork and serves them
    /// itself, which `notes` says).
    #[serde(default)]
    pub apart: bool,
    /// Why something is weaker than it should be.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Protections {
    /// Whether every protection is in force.
    pub fn complete(&self) -> bool {
        self.user_namespace
            && self.pid_namespace
            && self.mount_namespace
            && self.uid != 0
            && self.seccomp
            && self.acts_reported
    }
}

impl std::fmt::Display for Protections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let yes = |on: bool, name: &str| {
            if on {
                name.to_owned()
            } else {
                format!("NO {name}")
            }
        };
        write!(
            f,
            "{}, {}, {}, uid {}, {}, {}",
            yes(self.user_namespace, "user namespace"),
            yes(self.pid_namespace, "PID namespace"),
            yes(self.mount_namespace, "read-only mounts with a private /tmp"),
            self.uid,
            yes(self.seccomp, "seccomp filter"),
            yes(self.acts_reported, "hostile acts reported"),
        )?;
        if !self.notes.is_empty() {
            write!(f, " ({})", self.notes.join("; "))?;
        }
        Ok(())
    }
}

/// One line the shim reports.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Report {
    /// What confines the runner (once, before the runner serves).
    Protections(Protections),
    /// An act the filter caught.
    Act(HostileAct),
    /// Acts past [`ACTS_REPORTED`], counted.
    More(usize),
}

fn os_error(what: &str) -> String {
    format!("{what}: {}", std::io::Error::last_os_error())
}

/// `hookcheck native-runner`: isolates itself and runs `serve` (the
/// protocol loop) in the confined runner. Returns the exit code of the
/// process hookcheck started; a runner killed by a signal kills the shim
/// with the same signal, so hookcheck reads the runner's real end.
pub(crate) fn runner_main(serve: fn() -> i32) -> i32 {
    // SAFETY: F_GETFD on a descriptor number: a closed one is EBADF.
    let reporting = unsafe { libc::fcntl(REPORT_FD, libc::F_GETFD) } >= 0;
    if !reporting {
        // Started by something else than hookcheck's host: confine the
        // process itself as well as it can, then serve.
        let _ = confine_runner(None, &mut Vec::new());
        return serve();
    }
    // SAFETY: fd 3 is open (checked above) and ours from here on.
    let report = unsafe { std::fs::File::from_raw_fd(REPORT_FD) };
    shim(report, serve)
}

/// The shim: unprivileged, namespaces made, init started; then the
/// supervisor of the runner's refused calls until the runner ends.
fn shim(report: std::fs::File, serve: fn() -> i32) -> i32 {
    let mut protections = Protections::default();
    open_plugins();
    let uid = drop_root(&mut protections.notes);
    protections.uid = uid;
    // SAFETY: plain getters.
    let gid = unsafe { libc::getgid() };
    let wanted = std::env::var_os(NO_NAMESPACES_ENV).is_none_or(|v| v != "1");
    // SAFETY: unshare of this process's namespaces.
    let namespaces =
        wanted && unsafe { libc::unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWPID) } == 0;
    if namespaces {
        match map_ids(uid, gid) {
            Ok(()) => {
                protections.user_namespace = true;
                protections.pid_namespace = true;
            }
            Err(e) => protections.notes.push(e),
        }
    } else if wanted {
        protections
            .notes
            .push(os_error("no user and PID namespace (unshare)"));
    } else {
        protections
            .notes
            .push(format!("no namespace ({NO_NAMESPACES_ENV}=1)"));
    }
    let Ok((control, control_child)) = socket_pair() else {
        return serve_unconfined(report, protections, serve, "no socket pair");
    };
    // SAFETY: fork; the child runs only this crate's code before serving.
    let child = unsafe { libc::fork() };
    if child < 0 {
        return serve_unconfined(report, protections, serve, "fork failed");
    }
    if child == 0 {
        drop(report);
        drop(control);
        // In the child: init (PID 1) when the namespace was made, else the
        // runner itself.
        if protections.pid_namespace {
            init(control_child, serve);
        }
        let mut notes = Vec::new();
        runner(control_child, serve, &mut notes);
    }
    drop(control_child);
    // The runner has the protocol pipes; the shim keeps only stderr.
    quiet_stdio();
    supervise(report, control, child, protections)
}

/// Without a child to confine: serve here, saying so.
fn serve_unconfined(
    mut report: std::fs::File,
    mut protections: Protections,
    serve: fn() -> i32,
    why: &str,
) -> i32 {
    protections.notes.push(why.to_owned());
    let mut notes = Vec::new();
    protections.seccomp = confine_runner(None, &mut notes).is_ok();
    protections.notes.extend(notes);
    let _ = send(&mut report, &Report::Protections(protections));
    drop(report);
    serve()
}

/// Drops root to `nobody` (every group cleared). Returns the uid the
/// plugin will run as.
fn drop_root(notes: &mut Vec<String>) -> u32 {
    // SAFETY: plain getters.
    let uid = unsafe { libc::getuid() };
    if uid != 0 {
        return uid;
    }
    // SAFETY: credential changes of this process; each checked.
    let dropped = unsafe {
        libc::setgroups(0, std::ptr::null()) == 0
            && libc::setresgid(NOBODY, NOBODY, NOBODY) == 0
            && libc::setresuid(NOBODY, NOBODY, NOBODY) == 0
    };
    if dropped {
        // A changed uid makes the process non-dumpable, which leaves its
        // /proc files (uid_map among them) to root.
        // SAFETY: a plain prctl on this process.
        unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 1, 0, 0, 0) };
        NOBODY
    } else {
        notes.push(os_error("still uid 0: could not become nobody"));
        0
    }
}

/// Maps only `uid` and `gid` into the new user namespace, to themselves.
fn map_ids(uid: u32, gid: u32) -> Result<(), String> {
    let write = |file: &str, text: String| {
        std::fs::write(format!("/proc/self/{file}"), text)
            .map_err(|e| format!("no user namespace map ({file}: {e})"))
    };
    write("uid_map", format!("{uid} {uid} 1\n"))?;
    write("setgroups", "deny".into())?;
    write("gid_map", format!("{gid} {gid} 1\n"))
}

fn socket_pair() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: socketpair writes two descriptors into `fds`.
    if unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    } != 0
    {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: both descriptors are fresh and owned from here on.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Points stdin and stdout at `/dev/null` (the runner holds the protocol
/// pipes; the shim must not keep them open).
fn quiet_stdio() {
    if let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    {
        // SAFETY: dup2 onto this process's own standard descriptors.
        unsafe {
            libc::dup2(null.as_raw_fd(), 0);
            libc::dup2(null.as_raw_fd(), 1);
        }
    }
}

/// PID 1 of the namespace: makes the mounts, starts the runner, and waits
/// for it; when it ends, says how on the control socket and exits, which
/// ends everything else in the namespace.
fn init(control: OwnedFd, serve: fn() -> i32) -> ! {
    // SAFETY: a plain prctl on this process. (Had the shim died before
    // it, init's first write below fails and it ends.)
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) };
    let mut notes = Vec::new();
    let mounted = mount_namespace(&mut notes);
    let mut control = std::fs::File::from(control);
    let mut words = vec![u8::from(mounted)];
    for note in &notes {
        words.extend_from_slice(note.as_bytes());
        words.push(b'\n');
    }
    words.push(0);
    if control.write_all(&words).is_err() {
        // SAFETY: ending this process: the shim is gone.
        unsafe { libc::_exit(1) };
    }
    // SAFETY: fork; the child serves, the parent only waits.
    let runner_pid = unsafe { libc::fork() };
    if runner_pid == 0 {
        let mut notes = Vec::new();
        runner(OwnedFd::from(control), serve, &mut notes);
    }
    if runner_pid < 0 {
        // SAFETY: ending this process.
        unsafe { libc::_exit(1) };
    }
    // The runner holds the protocol pipes; init must not keep them open.
    quiet_stdio();
    loop {
        let mut status = 0;
        // SAFETY: waits for any child of init (orphans come to PID 1).
        let pid = unsafe { libc::waitpid(-1, &raw mut status, 0) };
        if pid == runner_pid {
            let _ = control.write_all(&status.to_le_bytes());
            // SAFETY: ending init ends the namespace.
            unsafe { libc::_exit(0) };
        }
        if pid < 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            // SAFETY: as above.
            unsafe { libc::_exit(0) };
        }
    }
}

/// In init: a mount namespace of its own in which everything is
/// read-only but a fresh `/proc` and a tmpfs `/tmp`.
fn mount_namespace(notes: &mut Vec<String>) -> bool {
    let step = |ok: bool, what: &str, notes: &mut Vec<String>| {
        if !ok {
            notes.push(os_error(what));
        }
        ok
    };
    // SAFETY: namespace and mount system calls on this process, with
    // NUL-terminated constant strings.
    unsafe {
        if !step(
            libc::unshare(libc::CLONE_NEWNS) == 0,
            "no mount namespace (unshare)",
            notes,
        ) {
            return false;
        }
        if !step(
            libc::mount(
                std::ptr::null(),
                c"/".as_ptr(),
                std::ptr::null(),
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            ) == 0,
            "mounts not made private",
            notes,
        ) {
            return false;
        }
        let attr = MountAttr {
            attr_set: MOUNT_ATTR_RDONLY,
            attr_clr: 0,
            propagation: 0,
            userns_fd: 0,
        };
        if !step(
            libc::syscall(
                libc::SYS_mount_setattr,
                libc::AT_FDCWD,
                c"/".as_ptr(),
                AT_RECURSIVE,
                &raw const attr,
                std::mem::size_of::<MountAttr>(),
            ) == 0,
            "mounts not made read-only (mount_setattr)",
            notes,
        ) {
            return false;
        }
        // A /proc of this PID namespace only.
        step(
            libc::mount(
                c"proc".as_ptr(),
                c"/proc".as_ptr(),
                c"proc".as_ptr(),
                libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
                std::ptr::null(),
            ) == 0,
            "the namespace's own /proc not mounted",
            notes,
        );
        let options =
            std::ffi::CString::new(format!("size={SCRATCH_BYTES},mode=1777")).unwrap_or_default();
        if !step(
            libc::mount(
                c"scratch".as_ptr(),
                c"/tmp".as_ptr(),
                c"tmpfs".as_ptr(),
                libc::MS_NOSUID | libc::MS_NODEV,
                options.as_ptr().cast(),
            ) == 0,
            "no private /tmp",
            notes,
        ) {
            return false;
        }
        libc::chdir(c"/tmp".as_ptr());
    }
    true
}

#[repr(C)]
struct MountAttr {
    attr_set: u64,
    attr_clr: u64,
    propagation: u64,
    userns_fd: u64,
}

const MOUNT_ATTR_RDONLY: u64 = 0x0000_0001;
const AT_RECURSIVE: libc::c_int = 0x8000;

/// The runner: confined, its filter's listener handed to the shim, then
/// the protocol loop.
fn runner(control: OwnedFd, serve: fn() -> i32, notes: &mut Vec<String>) -> ! {
    // SAFETY: plain prctl; the parent (init, or the shim) must be there.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
    }
    let listener = confine_runner(Some(&control), notes);
    let mut control = std::fs::File::from(control);
    match listener {
        Ok(Some(fd)) => {
            let _ = send_fd(&control, fd.as_raw_fd());
        }
        _ => {
            let _ = send_fd(&control, -1);
        }
    }
    // Wait for the shim's word that it is listening, so no act and no
    // report line can come after the first answer.
    let mut ack = [0u8; 1];
    let _ = control.read(&mut ack);
    drop(control);
    let code = serve();
    std::process::exit(code)
}

/// Limits, no capabilities, `no_new_privs` and the filter, on the calling
/// process. With `Some(control)`, the filter reports to a listener, which
/// is returned.
fn confine_runner(
    control: Option<&OwnedFd>,
    notes: &mut Vec<String>,
) -> Result<Option<OwnedFd>, ()> {
    let limits = [
        (libc::RLIMIT_CORE, 0),
        (libc::RLIMIT_AS, RUNNER_ADDRESS_SPACE),
        (libc::RLIMIT_CPU, RUNNER_CPU_SECONDS),
        (libc::RLIMIT_NOFILE, RUNNER_OPEN_FILES),
        (libc::RLIMIT_FSIZE, RUNNER_FILE_BYTES),
        (
            libc::RLIMIT_NPROC,
            tasks_of_user().saturating_add(RUNNER_TASKS),
        ),
    ];
    for (resource, value) in limits {
        if super::sandbox::limit(resource, value).is_err() {
            notes.push(os_error("a resource limit not set"));
        }
    }
    let _ = super::sandbox::drop_capabilities();
    // SAFETY: plain prctl calls on this process: the shim (same user)
    // reads refused calls' arguments from its memory.
    unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 1, 0, 0, 0) };
    // SAFETY: as above.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        notes.push(os_error("no_new_privs not set"));
        return Err(());
    }
    let me = std::process::id();
    if control.is_some() {
        let filter = super::filter::program(me, super::filter::Refusal::Report);
        if let Ok(fd) = super::filter::install_listener(&filter) {
            return Ok(Some(fd));
        }
        notes.push(os_error("acts not reported (no seccomp user notification)"));
    }
    let filter = super::filter::program(me, super::filter::Refusal::Deny);
    match super::filter::install(&filter) {
        Ok(()) => Ok(None),
        Err(e) => {
            notes.push(format!("no seccomp filter: {e}"));
            Err(())
        }
    }
}

/// Threads the current user runs now (what `RLIMIT_NPROC` counts).
fn tasks_of_user() -> u64 {
    // SAFETY: plain getter.
    let uid = unsafe { libc::getuid() };
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let mut count = 0u64;
    for entry in entries.flatten() {
        if !entry
            .file_name()
            .to_string_lossy()
            .bytes()
            .all(|b| b.is_ascii_digit())
        {
            continue;
        }
        let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok())
        };
        if field("Uid:") == Some(u64::from(uid)) {
            count += field("Threads:").unwrap_or(1);
        }
    }
    count
}

/// Sends descriptor `fd` (or none, when negative) over `socket`.
fn send_fd(socket: &std::fs::File, fd: RawFd) -> std::io::Result<()> {
    let byte = [u8::from(fd >= 0)];
    let mut iov = libc::iovec {
        iov_base: byte.as_ptr().cast_mut().cast(),
        iov_len: 1,
    };
    // Room for one descriptor's control message.
    let mut space = [0u64; 8];
    // SAFETY: an all-zero msghdr is valid; its pointers are set below.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &raw mut iov;
    msg.msg_iovlen = 1;
    if fd >= 0 {
        msg.msg_control = space.as_mut_ptr().cast();
        // SAFETY: CMSG_SPACE is a size computation.
        msg.msg_controllen = unsafe { libc::CMSG_SPACE(4) } as usize;
        // SAFETY: the control buffer holds one header with room for an fd.
        unsafe {
            let cmsg = libc::CMSG_FIRSTHDR(&raw const msg);
            (*cmsg).cmsg_level = libc::SOL_SOCKET;
            (*cmsg).cmsg_type = libc::SCM_RIGHTS;
            (*cmsg).cmsg_len = libc::CMSG_LEN(4) as usize;
            std::ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast::<RawFd>(), fd);
        }
    }
    // SAFETY: sendmsg with a message whose buffers live for the call.
    if unsafe { libc::sendmsg(socket.as_raw_fd(), &raw const msg, 0) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Receives a descriptor sent by [`send_fd`]; `None` when none was sent.
fn receive_fd(socket: &OwnedFd) -> Option<OwnedFd> {
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    let mut space = [0u64; 8];
    // SAFETY: an all-zero msghdr is valid; its pointers are set below.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &raw mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = space.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&space);
    // SAFETY: recvmsg into buffers that live for the call.
    let n = unsafe { libc::recvmsg(socket.as_raw_fd(), &raw mut msg, libc::MSG_CMSG_CLOEXEC) };
    if n <= 0 || byte[0] == 0 {
        return None;
    }
    // SAFETY: walks the control messages recvmsg filled in.
    unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&raw const msg);
        if cmsg.is_null()
            || (*cmsg).cmsg_level != libc::SOL_SOCKET
            || (*cmsg).cmsg_type != libc::SCM_RIGHTS
        {
            return None;
        }
        let fd = std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast::<RawFd>());
        (fd >= 0).then(|| OwnedFd::from_raw_fd(fd))
    }
}

fn send(report: &mut std::fs::File, line: &Report) -> std::io::Result<()> {
    let mut text = serde_json::to_vec(line).map_err(std::io::Error::other)?;
    text.push(b'\n');
    report.write_all(&text)
}

/// The shim's loop: takes the mount result and the listener, reports the
/// protections, acknowledges, then answers every refused call until the
/// runner ends; then ends as the runner did.
fn supervise(
    mut report: std::fs::File,
    control: OwnedFd,
    child: libc::pid_t,
    mut protections: Protections,
) -> i32 {
    let mut control_file = std::fs::File::from(control);
    if protections.pid_namespace {
        // init's first words: whether the mounts were made, its notes, NUL.
        let mut words = Vec::new();
        let mut byte = [0u8; 1];
        while control_file.read(&mut byte).unwrap_or(0) == 1 && byte[0] != 0 {
            words.push(byte[0]);
            if words.len() > 4096 {
                break;
            }
        }
        if let Some((&mounted, notes)) = words.split_first() {
            protections.mount_namespace = mounted == 1;
            protections.notes.extend(
                String::from_utf8_lossy(notes)
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned),
            );
        }
    }
    let control = OwnedFd::from(control_file);
    let listener = receive_fd(&control);
    protections.seccomp = true;
    protections.apart = true;
    protections.acts_reported = listener.is_some();
    if listener.is_none() && !protections.notes.iter().any(|n| n.contains("seccomp")) {
        protections
            .notes
            .push("acts not reported (no seccomp user notification)".into());
    }
    let _ = send(&mut report, &Report::Protections(protections.clone()));
    // Writes to the report pipe must never block the supervisor.
    // SAFETY: fcntl on our own descriptor.
    unsafe {
        let flags = libc::fcntl(report.as_raw_fd(), libc::F_GETFL);
        libc::fcntl(report.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK);
    }
    let mut control_file = std::fs::File::from(control);
    let _ = control_file.write_all(b"!");
    let mut reported = 0usize;
    let mut more = 0usize;
    let mut listening = listener.is_some();
    loop {
        if listening && let Some(listener) = &listener {
            match super::filter::answer_one(listener, protections.mount_namespace) {
                super::filter::Answered::Act(act) => {
                    if reported < ACTS_REPORTED && send(&mut report, &Report::Act(act)).is_ok() {
                        reported += 1;
                    } else {
                        more += 1;
                    }
                    continue;
                }
                super::filter::Answered::Quiet => continue,
                super::filter::Answered::Idle => {}
                // No process is left that the filter covers.
                super::filter::Answered::Closed => listening = false,
            }
        }
        if more > 0 {
            let _ = send(&mut report, &Report::More(more));
            more = 0;
        }
        // Has the child ended? (Blocking once nothing can be refused.)
        let mut status = 0;
        let flags = if listening { libc::WNOHANG } else { 0 };
        // SAFETY: a wait for our own child.
        let pid = unsafe { libc::waitpid(child, &raw mut status, flags) };
        if pid == child {
            if protections.pid_namespace {
                // init said how the runner ended, then exited.
                let mut word = [0u8; 4];
                if control_file.read_exact(&mut word).is_ok() {
                    status = i32::from_le_bytes(word);
                }
            }
            return end_as(status);
        }
        if pid < 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return 1;
        }
        if !listening {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}

/// Ends this process the way a process with wait status `status` ended:
/// by the same signal, or with the same exit code.
fn end_as(status: i32) -> i32 {
    if libc::WIFSIGNALED(status) {
        let signal = libc::WTERMSIG(status);
        // SAFETY: restores the default action, unblocks and raises the
        // signal on this process (no core: RLIMIT_CORE is 0 below).
        unsafe {
            let _ = super::sandbox::limit(libc::RLIMIT_CORE, 0);
            libc::signal(signal, libc::SIG_DFL);
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&raw mut set);
            libc::sigaddset(&raw mut set, signal);
            libc::sigprocmask(libc::SIG_UNBLOCK, &raw const set, std::ptr::null_mut());
            libc::raise(signal);
        }
        // A signal whose default is not to end the process.
        return 128 + signal;
    }
    libc::WEXITSTATUS(status)
}
