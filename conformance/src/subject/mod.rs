//! What a conformance run checks: a plugin artifact (or an in-process
//! plugin), held as its contract's own subject type.

mod artifact;
mod kind;

pub(crate) use artifact::rustc_of;
pub use artifact::{Artifact, MAX_ARTIFACT_BYTES};
pub use kind::Subject;
pub(crate) use kind::{Detached, SubjectKind, detached_copy};
