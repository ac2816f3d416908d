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

/// Mixes `bytes` (and their length) into `h`, 8 bytes at a time.
pub(crate) fn hash_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = mix(h, u64::from_le_bytes(w));
    }
    let mut w = [0u8; 8];
    let rest = chunks.remainder();
    if let Some(d) = w.get_mut(..rest.len()) {
        d.copy_from_slice(rest);
    }
    h = mix(h, u64::from_le_bytes(w));
    mix(h, bytes.len() as u64)
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
