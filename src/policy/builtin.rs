//! The built-in profiles for the Second Additional Protocol, compiled into the crate.
//! Each is data (`policies/*.json`), so a lawyer can correct a field list without touching code.

/// `(id, JSON source)` of every built-in profile, in display order.
pub(crate) const PROFILES: &[(&str, &str)] = &[];
