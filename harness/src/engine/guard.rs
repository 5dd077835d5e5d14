//! Calling plugin code so that a panic becomes an outcome, not a crash.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use super::failure::Failure;

thread_local! {
    static GUARDED: Cell<u32> = const { Cell::new(0) };
}

static QUIET_HOOK: Once = Once::new();

/// Installs, once per process, a panic hook that stays silent for panics
/// caught by [`call_guarded`] (they are reported as outcomes) and defers to
/// the previous hook for every other panic. Inlined: after the first call
/// this is one load on the hot path.
#[inline]
fn install_quiet_hook() {
    QUIET_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) == 0 {
                previous(info);
            }
        }));
    });
}

struct Depth;

impl Depth {
    #[inline]
    fn enter() -> Self {
        GUARDED.with(|g| g.set(g.get() + 1));
        Depth
    }
}

impl Drop for Depth {
    #[inline]
    fn drop(&mut self) {
        GUARDED.with(|g| g.set(g.get().saturating_sub(1)));
    }
}

/// Runs `f`, turning a panic into [`Failure::Panic`] with the panic message.
pub fn call_guarded<T>(f: impl FnOnce() -> T) -> Result<T, Failure> {
    install_quiet_hook();
    let _depth = Depth::enter();
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| Failure::Panic {
        message: panic_message(payload.as_ref()),
    })
}

/// A panic caught by [`call_guarded_quiet`], without its message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Panicked;

/// Runs `f`, turning a panic into [`Panicked`]: [`call_guarded`] for a hot
/// path, which keeps no message (the panic's own payload was allocated by
/// the panic; this adds nothing).
#[inline]
pub fn call_guarded_quiet<T>(f: impl FnOnce() -> T) -> Result<T, Panicked> {
    install_quiet_hook();
    let _depth = Depth::enter();
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| Panicked)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}
