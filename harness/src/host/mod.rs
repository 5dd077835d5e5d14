//! The host seam: what every contract's host implements once
//! ([`ContractHost`]), and the built-in hosts registered by contract
//! ([`HostEntry`]). The harness, `serve`, replay and conformance drive a
//! host only through this seam.

mod divergence;
mod registry;
mod seam;

pub use divergence::{Divergence, Handling};
pub use registry::{BUILTIN_HOSTS, HostEntry, LoadOptions, LoadedHost, entry};
pub use seam::{ContractHost, HookAnswer, store_write};
pub(crate) use seam::{error_response, write_error};
