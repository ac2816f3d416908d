//! The crate's one hash map type. Each `HashMap<K, V>` instantiation costs about 1.5 KiB of wasm
//! and `RandomState` (SipHash) 2 KiB more, so every lookup goes through `HashMap<u64, u32>`:
//! callers hash their keys themselves ([`hash_bytes`]) and keep the items in their own `Vec`;
//! [`HashIndex`] maps a hash to those items' ids, chaining ids whose hashes collide.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Passes a `u64` key through: the keys are hashes already.
#[derive(Default)]
pub(crate) struct IdHasher(u64);
impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map from a precomputed 64-bit hash (or a small integer key) to a `u32`.
pub(crate) type IdMap = HashMap<u64, u32, BuildHasherDefault<IdHasher>>;

/// No id.
const NONE: u32 = u32::MAX;

/// Dense ids (0, 1, 2, … in insertion order) by hash; equality is the caller's to check.
#[derive(Default)]
pub(crate) struct HashIndex {
    heads: IdMap,
    /// For each id, the previous id with the same hash (`NONE` ends the chain).
    prev: Vec<u32>,
}

impl HashIndex {
    /// The latest id with hash `h` for which `eq` holds.
    pub(crate) fn find(&self, h: u64, mut eq: impl FnMut(usize) -> bool) -> Option<usize> {
        let mut at = self.heads.get(&h).copied().unwrap_or(NONE);
        while at != NONE {
            if eq(at as usize) {
                return Some(at as usize);
            }
            at = self.prev.get(at as usize).copied().unwrap_or(NONE);
        }
        None
    }

    /// Gives the next id (the number of ids so far) hash `h`, and returns it.
    pub(crate) fn push(&mut self, h: u64) -> usize {
        let id = self.prev.len();
        let prev = self.heads.insert(h, id as u32).unwrap_or(NONE);
        self.prev.push(prev);
        id
    }
}

/// FxHash-style mixing of one word into `h`.
#[inline]
pub(crate) fn mix(h: u64, w: u64) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    (h.rotate_left(5) ^ w).wrapping_mul(K)
}

/// Hashes `h` and `bytes` with SipHash-2-4 under a per-process random key.
///
/// The bytes are often the sender's (payload member names in the engine and in duplicate-key
/// checks): with an unkeyed hash such as Fx, anyone can compute thousands of names with one
/// hash, and every lookup would walk a chain of all of them (quadratic time on a receiving
/// server). With a secret key, colliding names cannot be found. `mix` stays unkeyed: it only
/// combines numbers the crate made (ids, states).
pub(crate) fn hash_bytes(h: u64, bytes: &[u8]) -> u64 {
    let (k0, k1) = sip_keys();
    // `SipHasher` (2-4) is the only keyed SipHash in core; the deprecation points to
    // `DefaultHasher`, which cannot be keyed by the caller.
    #[allow(deprecated)]
    let mut s = core::hash::SipHasher::new_with_keys(k0, k1);
    s.write_u64(h);
    s.write(bytes);
    s.finish()
}

/// The process's SipHash key, drawn once by [`ensure_key`].
static KEYS: std::sync::OnceLock<(u64, u64)> = std::sync::OnceLock::new();

/// Draws the process's SipHash key from the system random source if it has none yet;
/// `randomness_unavailable` if the source fails (nothing is kept then: a later call tries again).
///
/// Every public entry point that hashes its input calls this first: `json::check_size`, which
/// every JSON parse and `minimise` passes before scanning, and `Policy::assemble`, before the
/// compiler hashes path names. So a host whose random source fails gets an error, the same one
/// sealing gives, and never a result computed under a guessable key. The alternatives are
/// worse: a fixed key is public, and with it anyone can compute names that collide in the
/// tables (hash flooding back exactly when the host misbehaves); a key from clocks or addresses
/// is predictable in wasm, which has no address randomisation and may have no clock.
pub(crate) fn ensure_key() -> crate::Result<()> {
    if !failing() && KEYS.get().is_some() {
        return Ok(());
    }
    let mut b = [0u8; 16];
    if failing() || getrandom::fill(&mut b).is_err() {
        return Err(crate::Error::new(
            crate::ErrorCode::RandomnessUnavailable,
            "the system random source failed (it keys the hash tables that resist hash flooding)",
        ));
    }
    let (lo, hi) = b.split_at(8);
    let word = |s: &[u8]| s.try_into().map_or(0, u64::from_le_bytes);
    // Another thread may have set it meanwhile; either key is as good.
    let _ = KEYS.set((word(lo), word(hi)));
    Ok(())
}

/// The key [`ensure_key`] drew. Every public path to here has called it, so the key is there;
/// only the crate's own unit tests reach here first, and draw it now.
fn sip_keys() -> (u64, u64) {
    if let Some(k) = KEYS.get() {
        return *k;
    }
    let _ = ensure_key();
    KEYS.get().copied().unwrap_or((0, 0))
}

#[cfg(test)]
thread_local! {
    /// Makes [`ensure_key`] fail on this thread, as when the random source fails.
    static FAIL: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

#[cfg(test)]
fn failing() -> bool {
    FAIL.with(core::cell::Cell::get)
}

#[cfg(not(test))]
#[inline(always)]
fn failing() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_through_collisions() {
        let items = ["a", "b", "c"];
        let mut ix = HashIndex::default();
        for _ in items {
            ix.push(7); // all collide
        }
        for (i, s) in items.iter().enumerate() {
            assert_eq!(ix.find(7, |j| items[j] == *s), Some(i));
        }
        assert_eq!(ix.find(7, |_| false), None);
        assert_eq!(ix.find(8, |_| true), None);
        assert_ne!(hash_bytes(0, b"ab"), hash_bytes(0, b"ab\0"));
    }

    /// With the random source failing, every entry point that hashes input reports
    /// `randomness_unavailable` before hashing, instead of hashing under a fixed key.
    #[test]
    fn a_failing_random_source_is_an_error_not_a_fixed_key() {
        use crate::policy::Policy;
        use crate::ErrorCode::RandomnessUnavailable;
        let policy = Policy::builtin("2ap/art7-order").unwrap();
        let doc = policy.canonical_json().to_owned();
        let opts = crate::minimise::MinimiseOptions::default();
        FAIL.with(|f| f.set(true));
        let limits = crate::json::Limits::default();
        let codes = [
            ensure_key().map(drop),
            crate::json::validate(b"{}", &limits),
            crate::json::compact(b"{}", &limits).map(drop),
            crate::json::value::parse(b"{}").map(drop),
            Policy::from_json(doc.as_bytes()).map(drop),
            Policy::builtin("2ap/art7-order").map(drop),
            crate::minimise::minimise(&policy, b"{}", &opts).map(drop),
        ]
        .map(|r| r.map_err(|e| e.code()));
        FAIL.with(|f| f.set(false));
        assert_eq!(codes, [Err(RandomnessUnavailable); 7]);
        assert!(ensure_key().is_ok());
        assert!(Policy::from_json(doc.as_bytes()).is_ok());
    }
}
