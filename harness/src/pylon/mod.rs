//! The `pylon` contract: in-process Rust trait plugins (contracts §1).

mod host;
mod plugin;
mod registry;
mod seam;

pub use host::{PylonHost, RequestRun, RouteRun, WriteRun};
pub use plugin::{Plugin, PluginError};
pub use registry::{ManifestEntry, Registry, parse_manifest};
pub use seam::HOST;
