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

/// The process's SipHash key, drawn once from the system's random source. Without one (no
/// random source in the host: sealing fails too), a fixed key: lookups stay correct, only the
/// flooding defence is lost.
fn sip_keys() -> (u64, u64) {
    static KEYS: std::sync::OnceLock<(u64, u64)> = std::sync::OnceLock::new();
    *KEYS.get_or_init(|| {
        let mut b = [0u8; 16];
        if getrandom::fill(&mut b).is_err() {
            return (0x736f_6d65_7073_6575, 0x646f_7261_6e64_6f6d);
        }
        let (lo, hi) = b.split_at(8);
        let word = |s: &[u8]| s.try_into().map_or(0, u64::from_le_bytes);
        (word(lo), word(hi))
    })
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
}
