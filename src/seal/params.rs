//! What the caller chooses when sealing.

use super::header::DEFAULT_CONTENT_TYPE;
use super::limits::{auto_chunk_size, EnvelopeLimits, DEFAULT_CHUNK_SIZE};
use super::Metadata;
use crate::PolicyRef;

/// Sealing parameters. `created_at` is required: the library never reads the clock
/// (`SystemTime::now` panics on wasm32); [`SealParams::now`] is a native-only convenience.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealParams {
    /// Creation time, Unix seconds (below 2^53).
    pub created_at: u64,
    /// The policy the payload conforms to; set only by [`crate::api`], which checks the
    /// payload against the policy first (a header never names a policy unchecked).
    pub(crate) policy: Option<PolicyRef>,
    /// Unix seconds after which receivers refuse the envelope (`expired`); `None`: no expiry.
    pub expires_at: Option<u64>,
    /// The payload's media type (default `application/json`).
    pub content_type: String,
    /// Plaintext bytes per chunk, 64 B to 4 MiB; `None` (the default) picks it: 64 KiB for a
    /// stream or a payload up to 1 MiB, larger for larger in-memory payloads
    /// ([`auto_chunk_size`](super::auto_chunk_size)).
    pub chunk_size: Option<u32>,
    /// Caller metadata: ≤ 64 entries, ≤ 4 KiB of keys and values (`limit_exceeded` beyond).
    pub metadata: Metadata,
    /// Recipient and metadata limits to seal within (default: the format's).
    pub limits: EnvelopeLimits,
}

impl SealParams {
    /// Defaults, with the given creation time.
    pub fn new(created_at: u64) -> Self {
        Self {
            created_at,
            policy: None,
            expires_at: None,
            content_type: DEFAULT_CONTENT_TYPE.to_owned(),
            chunk_size: None,
            metadata: Metadata::new(),
            limits: EnvelopeLimits::default(),
        }
    }

    /// Defaults, created now (native only; on wasm pass the time to [`SealParams::new`]).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn now() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::new(secs)
    }

    /// Names the policy the payload conforms to (checked by the caller).
    pub(crate) fn with_policy(mut self, policy: PolicyRef) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Sets the expiry time (Unix seconds, not before `created_at`).
    pub fn with_expiry(mut self, expires_at: u64) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// The policy the header will name, if any.
    pub fn policy(&self) -> Option<&PolicyRef> {
        self.policy.as_ref()
    }

    /// Sets the content type.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }

    /// Sets the chunk size.
    pub fn with_chunk_size(mut self, chunk_size: u32) -> Self {
        self.chunk_size = Some(chunk_size);
        self
    }

    /// The chunk size the header will name: the one set, else automatic for a payload of
    /// `payload_len` bytes (`None`: a stream of unknown length, [`DEFAULT_CHUNK_SIZE`]).
    pub fn chunk_size_for(&self, payload_len: Option<usize>) -> u32 {
        match (self.chunk_size, payload_len) {
            (Some(cs), _) => cs,
            (None, Some(n)) => auto_chunk_size(n),
            (None, None) => DEFAULT_CHUNK_SIZE,
        }
    }

    /// Sets the limits to seal within.
    pub fn with_limits(mut self, limits: EnvelopeLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Adds one metadata entry.
    pub fn with_metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }
}
