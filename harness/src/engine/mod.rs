//! The contract-neutral core: hook points, return codes, payloads, outcomes, profiles,
//! pipelines and traces.

mod act;
mod codes;
mod contract;
mod failure;
mod guard;
mod hooks;
mod outcome;
mod payload;
mod pipeline;
mod profile;
mod trace;
mod warning;

pub use act::HostileAct;
pub use codes::{CodeEffect, CodeMeaning, CodeTable};
pub use contract::Contract;
pub use failure::{BadOutput, Failure, HookError, ProcessEnd, TrapCode};
pub use guard::{Panicked, call_guarded, call_guarded_quiet};
pub use hooks::{HookKind, HookPoint, HookSpec, OnError, hook};
pub use outcome::{Answer, Answers, Bytes, Called, Outcome};
pub use payload::{AuthContext, HttpMethod, HttpResponse, RequestMeta, WriteOp};
pub use pipeline::{Folded, Pipeline, Stop};
pub use profile::Profile;
pub use trace::{Intent, Step, Tolerated, Trace, TraceMode};
pub use warning::LoadWarning;
