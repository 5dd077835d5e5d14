//! Building plugin artifacts from source with cargo, for tests and for the
//! `hookcheck fixtures` command.

mod cargo;
mod this_test;

pub use cargo::{CargoBuild, copy_artifacts, target_dir};
pub use this_test::{TestBuild, built_features};
