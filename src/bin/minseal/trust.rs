//! Trusted signing keys, the opening options they make, and how a signature is reported.

use crate::args::TrustArgs;
use crate::io::{prefix, read_text};
use minseal::seal::{EnvelopeLimits, Header, OpenOptions, SignatureInfo};
use minseal::{Result, VerifyingKey};
use std::path::PathBuf;

/// Every key in the given files (each one public JWK or a JWK Set), in order.
pub fn load_signers(paths: &[PathBuf]) -> Result<Vec<VerifyingKey>> {
    let mut keys = Vec::new();
    for path in paths {
        let set = VerifyingKey::parse_set(&read_text(Some(path))?)
            .map_err(|e| prefix(e, &format!("{}: ", path.display())))?;
        keys.extend(set);
    }
    Ok(keys)
}

/// The opening options for `open`: limits, trusted signers, `allow_unsigned`, and the time
/// expiry is checked against (the system clock unless `--now`).
pub fn open_options(t: &TrustArgs, limits: EnvelopeLimits) -> Result<OpenOptions> {
    let now = t.now.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    });
    Ok(OpenOptions::default()
        .with_limits(limits)
        .trust(load_signers(&t.signers)?)
        .allow_unsigned(t.allow_unsigned)
        .at(now))
}

/// `{"alg":…,"kid":…,"verified":…}`, or `null` when unsigned.
pub fn signature_json(sig: Option<&SignatureInfo>) -> serde_json::Value {
    match sig {
        Some(s) => serde_json::json!({"alg": s.alg.as_str(), "kid": s.kid, "verified": s.verified}),
        None => serde_json::Value::Null,
    }
}

/// The header as a serde_json value (members sorted, as in its JCS form).
pub fn header_json(header: &Header) -> serde_json::Value {
    minseal::jcs::canonicalize(&header.to_value())
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// What `open` says on stderr about the signature: nothing for an unsigned envelope nobody
/// asked to be signed.
pub fn signature_line(sig: Option<&SignatureInfo>, trusted: bool) -> Option<String> {
    match (sig, trusted) {
        (Some(s), _) if s.verified => Some(format!(
            "signed by {} ({}): verified against a trusted key",
            s.kid, s.alg
        )),
        (Some(s), _) => Some(format!(
            "signed by {} ({}): NOT verified (no --signer given)",
            s.kid, s.alg
        )),
        (None, true) => Some("unsigned: accepted (--allow-unsigned)".to_owned()),
        (None, false) => None,
    }
}
