//! The host seam: what every contract's host implements once
//! ([`ContractHost`]), and the entry each contract registers
//! ([`HostEntry`]; the built-in ones are in [`crate::contracts`]). The
//! harness, `serve`, replay and conformance drive a host only through this
//! seam.

mod divergence;
mod registry;
mod seam;

pub use divergence::{Divergence, Handling};
pub use registry::{HostEntry, LoadOptions, LoadedHost};
pub use seam::{ContractHost, HookAnswer, store_write};
pub(crate) use seam::{error_response, write_error};
