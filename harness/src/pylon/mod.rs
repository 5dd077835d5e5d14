//! The `pylon` contract: in-process Rust plugins, hosted as the real
//! `pylon-plugin` crate (0.3.23) hosts them, with plugins written to the
//! documentation page's trait run through an adapter.

mod adapter;
mod builtins;
mod contract;
mod divergences;
mod host;
mod plugin;
mod registry;
mod seam;

pub use adapter::{Documented, docs_auth, real_auth, real_error};
pub use builtins::{BUILTINS, Builtin, builtin_named};
pub use contract::{CONTRACT, HOOKS, PROFILE};
pub use host::{
    BeforeRun, FastRequest, PylonHost, RequestRun, RouteRun, WriteRun, on_request, write_id,
};
pub use plugin::{Plugin, PluginError};
pub use registry::{BUILTIN_PREFIX, ManifestEntry, PylonPlugin, Registry, parse_manifest};
pub use seam::HOST;

/// The crate that defines the real trait's `AuthContext`.
pub use pylon_auth;
/// The crate that defines `AppManifest`, which `PluginContext` carries.
pub use pylon_kernel;
/// The real crate, re-exported so a plugin repo and hookcheck agree on one
/// version: `hookcheck::pylon::real::Plugin` is `pylon_plugin::Plugin`.
pub use pylon_plugin as real;
