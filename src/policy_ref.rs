//! The policy as named in an envelope header: what binds a policy to a ciphertext.

/// Identifies one exact policy: its id, its version, and the SHA-256 of its RFC 8785
/// canonical bytes (so the same policy with other whitespace or key order has the same digest).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PolicyRef {
    /// The policy's `id`, e.g. `2ap/art7-order`.
    pub id: String,
    /// The policy's `version`, e.g. `1.0.0`.
    pub version: String,
    /// SHA-256 over the policy's JCS bytes.
    pub digest: [u8; 32],
}

impl PolicyRef {
    /// The digest as lowercase hex, the form used in JSON (receipts, JSON headers).
    pub fn digest_hex(&self) -> String {
        crate::hex::encode(&self.digest)
    }
}
