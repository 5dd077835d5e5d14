//! The library's errors: [`Error`], and the typed reason a native plugin
//! did not load ([`LoadError`], re-exported by the FeatherFly host that
//! produces it).

mod library;
mod native_load;

pub use library::{Error, Result};
pub use native_load::LoadError;
