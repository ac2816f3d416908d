//! Helpers shared by the integration tests: fixed keys, the error code of a failed call, the
//! built-in profile table and the paths of the policy files and fixtures. A test crate uses the
//! part it needs (`mod common;`), hence `dead_code` is allowed here.
#![allow(dead_code)]

use minseal::keys::SecretKey;
use minseal::ErrorCode;
use std::path::{Path, PathBuf};

/// The repository root.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A fixed X25519 secret key for each `i`: the raw scalar `[i; 32]`, so tests are reproducible
/// without an RNG and different `i` give different keys.
pub fn key(i: u8) -> SecretKey {
    SecretKey::from_bytes([i; 32]).expect("every 32-byte string is an X25519 secret")
}

/// The error code of a call that must fail.
pub fn code<T>(r: minseal::Result<T>) -> ErrorCode {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.code(),
    }
}

/// Every built-in profile as (id, file stem under `policies/` and `tests/fixtures/`, audience),
/// in the order of `minseal::policy::builtins()`.
pub const PROFILES: &[(&str, &str, &str)] = &[
    (
        "2ap/art6-domain-registration",
        "2ap-art6-domain-registration",
        "registrar",
    ),
    ("2ap/art7-order", "2ap-art7-order", "service_provider"),
    (
        "2ap/art7-order-notified",
        "2ap-art7-order-notified",
        "notified_authority",
    ),
    (
        "2ap/art8-subscriber",
        "2ap-art8-subscriber",
        "designated_authority",
    ),
    (
        "2ap/art8-traffic",
        "2ap-art8-traffic",
        "designated_authority",
    ),
    (
        "2ap/art8-subscriber-provider",
        "2ap-art8-subscriber-provider",
        "service_provider",
    ),
    (
        "2ap/art8-traffic-provider",
        "2ap-art8-traffic-provider",
        "service_provider",
    ),
    ("2ap/art9-emergency", "2ap-art9-emergency", "poc_24_7"),
    (
        "2ap/art9-emergency-provider",
        "2ap-art9-emergency-provider",
        "service_provider",
    ),
    (
        "2ap/art10-emergency-mla",
        "2ap-art10-emergency-mla",
        "central_authority",
    ),
    (
        "2ap/art10-emergency-mla-judicial",
        "2ap-art10-emergency-mla-judicial",
        "competent_authority",
    ),
    (
        "2ap/art10-emergency-mla-poc",
        "2ap-art10-emergency-mla-poc",
        "poc_24_7",
    ),
    (
        "2ap/subscriber-response",
        "2ap-subscriber-response",
        "competent_authority",
    ),
    (
        "2ap/subscriber-response-art8",
        "2ap-subscriber-response-art8",
        "competent_authority",
    ),
    (
        "2ap/traffic-response",
        "2ap-traffic-response",
        "competent_authority",
    ),
];

/// `policies/<stem>.json`.
pub fn policy_file(stem: &str) -> PathBuf {
    Path::new(ROOT)
        .join("policies")
        .join(format!("{stem}.json"))
}

/// `tests/fixtures/<stem>/<file>`.
pub fn fixture(stem: &str, file: &str) -> PathBuf {
    Path::new(ROOT).join("tests/fixtures").join(stem).join(file)
}

/// The bytes of `path`, naming the file if it cannot be read.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
