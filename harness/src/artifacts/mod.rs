//! Building plugin artifacts from source with cargo, for tests and for the
//! `hookcheck fixtures` command.

mod cargo;

pub use cargo::{CargoBuild, copy_artifacts, target_dir};
