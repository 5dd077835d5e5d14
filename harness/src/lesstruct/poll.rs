//! WASI's `poll_oneoff` as the host runs it: a plugin's sleep waits
//! within its call's deadline and is charged to the call.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use wasmtime::{Caller, Extern, Linker};

use super::deadline::{Blocking, DeadlineExceeded};
use super::state::HostState;

// WASI preview 1 layouts.
const SUBSCRIPTION_SIZE: usize = 48;
const EVENT_SIZE: usize = 32;
const EVENTTYPE_CLOCK: u8 = 0;
const EVENTTYPE_FD_WRITE: u8 = 2;
const SUBCLOCKFLAGS_ABSTIME: u16 = 1;
const CLOCKID_REALTIME: u32 = 0;
const ERRNO_SUCCESS: i32 = 0;
const ERRNO_FAULT: i32 = 21;
const ERRNO_INVAL: i32 = 28;
/// More subscriptions than any sleep needs.
const MAX_SUBSCRIPTIONS: usize = 64;

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(word)
}

/// One subscription: its userdata, its type, and for a clock how long it
/// waits from now.
struct Subscription {
    userdata: u64,
    kind: u8,
    wait: Duration,
}

fn parse(bytes: &[u8]) -> Subscription {
    let kind = bytes[8];
    let wait = if kind == EVENTTYPE_CLOCK {
        let clock = u32_at(bytes, 16);
        let timeout = u64_at(bytes, 24);
        let flags = u16::from_le_bytes([bytes[40], bytes[41]]);
        if flags & SUBCLOCKFLAGS_ABSTIME != 0 {
            // An absolute time: the realtime clock is wall time; the
            // monotonic clock's origin is the host's own, so an absolute
            // monotonic time is taken as "now".
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
            if clock == CLOCKID_REALTIME {
                Duration::from_nanos(timeout.saturating_sub(now))
            } else {
                Duration::ZERO
            }
        } else {
            Duration::from_nanos(timeout)
        }
    } else {
        Duration::ZERO
    };
    Subscription {
        userdata: u64_at(bytes, 0),
        kind,
        wait,
    }
}

/// `poll_oneoff` as the host runs it: the earliest clock subscription
/// sleeps, never past the call's deadline (past it the call ends as a
/// timeout); descriptor subscriptions are reported ready at once.
fn poll_oneoff(
    caller: &mut Caller<'_, HostState>,
    subs_ptr: i32,
    events_ptr: i32,
    count: i32,
    nevents_ptr: i32,
) -> wasmtime::Result<i32> {
    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
        return Ok(ERRNO_FAULT);
    };
    let count = count.cast_unsigned() as usize;
    if count == 0 || count > MAX_SUBSCRIPTIONS {
        return Ok(ERRNO_INVAL);
    }
    let start = subs_ptr.cast_unsigned() as usize;
    let Some(raw) = start
        .checked_add(count * SUBSCRIPTION_SIZE)
        .and_then(|end| memory.data(&caller).get(start..end))
        .map(<[u8]>::to_vec)
    else {
        return Ok(ERRNO_FAULT);
    };
    let subs: Vec<Subscription> = raw.chunks_exact(SUBSCRIPTION_SIZE).map(parse).collect();
    // Clock, fd_read and fd_write are the three kinds there are.
    if subs.iter().any(|s| s.kind > EVENTTYPE_FD_WRITE) {
        return Ok(ERRNO_INVAL);
    }
    let ready_now = subs.iter().any(|s| s.kind != EVENTTYPE_CLOCK);
    let wait = if ready_now {
        Duration::ZERO
    } else {
        subs.iter().map(|s| s.wait).min().unwrap_or(Duration::ZERO)
    };
    let since = Blocking::now();
    match caller.data().budget.remaining()? {
        Some(left) if wait >= left => {
            std::thread::sleep(left);
            caller.data_mut().budget.charge_wait(since);
            return Err(DeadlineExceeded.into());
        }
        _ => std::thread::sleep(wait),
    }
    caller.data_mut().budget.charge_wait(since);
    let mut events = Vec::new();
    for s in subs
        .iter()
        .filter(|s| s.kind != EVENTTYPE_CLOCK || s.wait <= wait)
    {
        let mut event = [0u8; EVENT_SIZE];
        event[0..8].copy_from_slice(&s.userdata.to_le_bytes());
        event[10] = s.kind;
        events.extend_from_slice(&event);
    }
    let written = u32::try_from(events.len() / EVENT_SIZE).unwrap_or(0);
    let out = events_ptr.cast_unsigned() as usize;
    if memory.write(&mut *caller, out, &events).is_err()
        || memory
            .write(
                &mut *caller,
                nevents_ptr.cast_unsigned() as usize,
                &written.to_le_bytes(),
            )
            .is_err()
    {
        return Ok(ERRNO_FAULT);
    }
    Ok(ERRNO_SUCCESS)
}

/// Replaces WASI's `poll_oneoff` in `linker` (added after WASI).
pub(crate) fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    linker.allow_shadowing(true);
    linker.func_wrap(
        "wasi_snapshot_preview1",
        "poll_oneoff",
        |mut c: Caller<'_, HostState>, subs: i32, events: i32, n: i32, nevents: i32| {
            poll_oneoff(&mut c, subs, events, n, nevents)
        },
    )?;
    linker.allow_shadowing(false);
    Ok(())
}
