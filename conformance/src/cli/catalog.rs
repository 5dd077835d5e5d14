//! The contracts this executable checks, chosen once by its `main`.

use hookcheck_conformance::Catalog;

/// The contracts this executable checks: set once, before the arguments
/// are parsed (a profile name is one of them).
static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();

/// The contracts this executable checks ([`Catalog::builtin`] unless
/// [`main`] was given another).
pub(crate) fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(Catalog::builtin)
}

/// Sets the contracts, before the arguments are parsed.
pub(crate) fn set(catalog: Catalog) {
    let _ = CATALOG.set(catalog);
}
