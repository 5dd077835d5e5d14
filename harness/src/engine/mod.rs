//! The contract-neutral core: hook catalog, payloads, outcomes, profiles,
//! pipelines and traces.

mod act;
mod catalog;
mod failure;
mod guard;
mod outcome;
mod payload;
mod pipeline;
mod profile;
mod trace;
mod warning;

pub use act::HostileAct;
#[cfg(feature = "wasm")]
pub(crate) use catalog::LESSTRUCT_HOOKS;
pub use catalog::{
    Contract, HookKind, HookPoint, HookSpec, LIFECYCLE_EVENTS, LifecycleEvent, hook,
};
pub(crate) use catalog::{FEATHERFLY_HOOKS, PYLON_HOOKS, RUSTANT_HOOKS};
pub use failure::{BadOutput, Failure, HookError, ProcessEnd, TrapCode};
pub use guard::{Panicked, call_guarded, call_guarded_quiet};
pub use outcome::{Answer, Answers, Bytes, Called, Outcome};
pub use payload::{AuthContext, HttpMethod, HttpResponse, RequestMeta, WriteOp};
pub use pipeline::{Folded, Pipeline, Stop};
pub(crate) use profile::FEATHERFLY_CODES;
pub use profile::{CodeEffect, CodeMeaning, CodeTable, FEATHERFLY_CODE_HOOKS, OnError, Profile};
pub use trace::{Intent, Step, Tolerated, Trace, TraceMode};
pub use warning::LoadWarning;
