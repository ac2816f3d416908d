//! The receipt: what a minimisation removed and transformed (paths and counts, never values),
//! and the digest of the exact output bytes.

use crate::json::write_string;

/// Why a subtree was removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RemovalReason {
    /// No rule keeps it.
    NotAllowed,
    /// The policy forbids it.
    Forbidden,
    /// An Art. 14(4) category the policy does not allow, or no justification in the payload.
    Sensitive,
    /// Its type is not the rule's `type`.
    TypeMismatch,
}

impl RemovalReason {
    /// The snake_case name used in receipts.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAllowed => "not_allowed",
            Self::Forbidden => "forbidden",
            Self::Sensitive => "sensitive",
            Self::TypeMismatch => "type_mismatch",
        }
    }
}

/// Policy identification in a receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptPolicy {
    /// Policy id.
    pub id: String,
    /// Policy version.
    pub version: String,
    /// SHA-256 of the policy's JCS bytes, lowercase hex.
    pub digest: String,
}

/// Leaf counts (a leaf is a scalar or an empty object/array).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Leaves in the input.
    pub input_leaves: u64,
    /// Leaves copied unchanged.
    pub kept: u64,
    /// Leaves under transformed nodes.
    pub transformed: u64,
    /// Leaves removed.
    pub removed: u64,
}

/// One removed path (array indices collapsed to `[*]`), merged over occurrences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemovedEntry {
    /// Root of the removed subtree.
    pub path: String,
    /// Why.
    pub reason: RemovalReason,
    /// How many subtrees at this path were removed.
    pub count: u64,
    /// Leaves in them, in total.
    pub leaves: u64,
}

/// One transformed path, merged over occurrences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransformedEntry {
    /// The transformed node's path.
    pub path: String,
    /// The transform's `op`.
    pub op: &'static str,
    /// How many values at this path were transformed.
    pub count: u64,
}

/// Digest of the minimised payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayloadDigest {
    /// SHA-256 of the output bytes, lowercase hex; empty in a receipt bound to an envelope
    /// (see [`ReceiptEnvelope::payload_hmac_sha256`]), which must not let its holder confirm a
    /// guessed payload.
    pub sha256: String,
    /// Length of the output.
    pub bytes: u64,
}

/// The record of one minimisation (POLICY.md, "Receipt").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// Always 1.
    pub minseal_receipt: u32,
    /// Which policy.
    pub policy: ReceiptPolicy,
    /// Leaf counts.
    pub counts: Counts,
    /// Removed subtrees, sorted by path then reason.
    pub removed: Vec<RemovedEntry>,
    /// Transformed values, sorted by path.
    pub transformed: Vec<TransformedEntry>,
    /// The output's digest.
    pub payload: PayloadDigest,
    /// The envelope the payload was sealed in; `None` for a minimisation that was not sealed.
    pub envelope: Option<ReceiptEnvelope>,
}

/// What binds a receipt to its envelope (docs/POLICY.md, "Receipt").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptEnvelope {
    /// The envelope's `message_id` (base64url).
    pub message_id: String,
    /// SHA-256 of the envelope's canonical header bytes, lowercase hex.
    pub header_sha256: String,
    /// HMAC-SHA256(receipt key, SHA-256(payload)), lowercase hex: the receipt key is derived
    /// from the envelope's content key, which only the sender and the recipients hold.
    pub payload_hmac_sha256: String,
}

fn field(out: &mut Vec<u8>, name: &str) {
    write_string(name, out);
    out.push(b':');
}

fn num(out: &mut Vec<u8>, name: &str, n: u64) {
    field(out, name);
    out.extend_from_slice(n.to_string().as_bytes());
}

fn string(out: &mut Vec<u8>, name: &str, v: &str) {
    field(out, name);
    write_string(v, out);
}

impl Receipt {
    /// Compact JSON with fixed key order: byte-identical natively and in wasm.
    pub fn to_json(&self) -> String {
        let mut o = Vec::with_capacity(256);
        o.extend_from_slice(b"{");
        num(&mut o, "minseal_receipt", u64::from(self.minseal_receipt));
        o.extend_from_slice(b",\"policy\":{");
        string(&mut o, "id", &self.policy.id);
        o.push(b',');
        string(&mut o, "version", &self.policy.version);
        o.push(b',');
        string(&mut o, "digest", &self.policy.digest);
        o.extend_from_slice(b"},\"counts\":{");
        num(&mut o, "input_leaves", self.counts.input_leaves);
        o.push(b',');
        num(&mut o, "kept", self.counts.kept);
        o.push(b',');
        num(&mut o, "transformed", self.counts.transformed);
        o.push(b',');
        num(&mut o, "removed", self.counts.removed);
        o.extend_from_slice(b"},\"removed\":[");
        for (i, e) in self.removed.iter().enumerate() {
            if i > 0 {
                o.push(b',');
            }
            o.push(b'{');
            string(&mut o, "path", &e.path);
            o.push(b',');
            string(&mut o, "reason", e.reason.as_str());
            o.push(b',');
            num(&mut o, "count", e.count);
            o.push(b',');
            num(&mut o, "leaves", e.leaves);
            o.push(b'}');
        }
        o.extend_from_slice(b"],\"transformed\":[");
        for (i, e) in self.transformed.iter().enumerate() {
            if i > 0 {
                o.push(b',');
            }
            o.push(b'{');
            string(&mut o, "path", &e.path);
            o.push(b',');
            string(&mut o, "op", e.op);
            o.push(b',');
            num(&mut o, "count", e.count);
            o.push(b'}');
        }
        o.extend_from_slice(b"],\"payload\":{");
        match &self.envelope {
            None => string(&mut o, "sha256", &self.payload.sha256),
            Some(e) => string(&mut o, "hmac_sha256", &e.payload_hmac_sha256),
        }
        o.push(b',');
        num(&mut o, "bytes", self.payload.bytes);
        o.push(b'}');
        if let Some(e) = &self.envelope {
            o.extend_from_slice(b",\"envelope\":{");
            string(&mut o, "message_id", &e.message_id);
            o.push(b',');
            string(&mut o, "header_sha256", &e.header_sha256);
            o.push(b'}');
        }
        o.push(b'}');
        String::from_utf8(o).unwrap_or_default()
    }

    /// Binds the receipt to the envelope its payload was sealed in: records `envelope` and
    /// drops the plain SHA-256 of the payload.
    pub fn bind(&mut self, envelope: ReceiptEnvelope) {
        self.payload.sha256.clear();
        self.envelope = Some(envelope);
    }

    /// The leaf counts.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Removed subtrees.
    pub fn removed(&self) -> &[RemovedEntry] {
        &self.removed
    }

    /// Transformed values.
    pub fn transformed(&self) -> &[TransformedEntry] {
        &self.transformed
    }
}
