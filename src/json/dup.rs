//! Duplicate-key detection per object, cheap enough to run on skipped subtrees too: small
//! objects compare against a short list of keys (length and first 8 bytes first, so most
//! comparisons are two integer compares); large ones switch to a set of hashes. Buffers are
//! reused across objects: no allocation per object.

use crate::hashindex::IdMap;

/// Objects with more keys than this get a hash set.
const LINEAR_MAX: usize = 16;

/// One key of an open object.
#[derive(Clone, Copy, Debug)]
struct Key {
    /// Byte range of the key: of the raw text in the input when `owned` is false (no escapes,
    /// so raw == decoded), else of the decoded bytes in `DupCheck::owned`.
    start: usize,
    end: usize,
    owned: bool,
    /// The first 8 bytes (zero-padded), little-endian.
    head: u64,
}

/// Key hashes seen (the crate's one map type; the values are unused).
type HashSet64 = IdMap;

// Small and plain (32 bytes, no `Option<HashMap>`): one is pushed per object opened, and the
// 56-byte frame with the set inside was pushed through an out-of-line `Vec::push` whose copy
// stalled (~3.8 % of a native bench call in `perf`).
struct Frame {
    start: usize,
    owned_start: usize,
    /// This object switched to a hash set: the last of `DupCheck::sets`.
    has_set: bool,
    /// One bit per key of this object (from its length and first 8 bytes): a key whose bit is
    /// clear cannot equal any key seen, so the list is not scanned.
    bloom: u64,
}

/// A stack of open objects and the keys seen in each.
#[derive(Default)]
pub(crate) struct DupCheck {
    keys: Vec<Key>,
    owned: Vec<u8>,
    frames: Vec<Frame>,
    /// The hash sets of the open objects that have one, innermost last (an object gets one
    /// only while it is the innermost, so they nest like the frames).
    sets: Vec<HashSet64>,
    /// The first 8 bytes (zero-padded, little-endian) of the key last given to `insert`
    /// (decoded): the engine's transition cache keys on them too, and reads them here instead
    /// of loading them again.
    last_head: u64,
    /// Emptied hash sets of closed large objects, for reuse.
    spare: Vec<HashSet64>,
}

/// A key's hash: keyed (see `hashindex::hash_bytes`), so a sender cannot pick thousands of
/// names that share one and make every insert scan them all.
fn key_hash(bytes: &[u8]) -> u64 {
    crate::hashindex::hash_bytes(0, bytes)
}

#[inline]
fn head(bytes: &[u8]) -> u64 {
    match bytes.first_chunk::<8>() {
        Some(w) => u64::from_le_bytes(*w),
        None => bytes
            .iter()
            .rev()
            .fold(0, |acc, &b| (acc << 8) | u64::from(b)),
    }
}

/// [`head`] of `buf[start..start + len]`, reading 8 bytes at once when the buffer has them
/// (short keys are followed by at least their closing quote and `:`), masked to `len`.
#[inline(always)]
pub(crate) fn head_at(buf: &[u8], start: usize, len: usize) -> u64 {
    if len < 8 {
        if let Some(w) = buf.get(start..).and_then(|r| r.first_chunk::<8>()) {
            return u64::from_le_bytes(*w) & ((1u64 << (8 * len)) - 1);
        }
    }
    head(buf.get(start..start + len).unwrap_or_default())
}

/// `a == b`, 8 bytes at a time (overlapping at the end): names are short, and `memcmp` is a
/// call (in wasm, a byte loop).
#[inline]
pub(crate) fn eq_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a == b;
    }
    let word = |s: &[u8], i: usize| {
        s.get(i..)
            .and_then(|r| r.first_chunk::<8>())
            .map(|w| u64::from_le_bytes(*w))
    };
    let mut i = 0;
    while i + 8 < n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

/// The bytes of key `k` (in `owned` or the input `buf`).
#[inline]
fn bytes<'b>(k: &Key, owned: &'b [u8], buf: &'b [u8]) -> &'b [u8] {
    let src = if k.owned { owned } else { buf };
    src.get(k.start..k.end).unwrap_or_default()
}

/// Whether key `k` is `new` (first 8 bytes `h`).
#[inline]
fn same(k: &Key, owned: &[u8], buf: &[u8], new: &[u8], h: u64) -> bool {
    let len = new.len();
    k.head == h && k.end - k.start == len && (len <= 8 || eq_bytes(bytes(k, owned, buf), new))
}

/// The key's bit in [`Frame::bloom`].
#[inline]
fn bloom_bit(head: u64, len: usize) -> u64 {
    1u64 << ((head ^ len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58)
}

impl DupCheck {
    /// An object opens.
    #[inline]
    pub(crate) fn begin(&mut self) {
        self.frames.push(Frame {
            start: self.keys.len(),
            owned_start: self.owned.len(),
            has_set: false,
            bloom: 0,
        });
    }

    /// [`Self::last_head`].
    #[inline]
    pub(crate) fn last_head(&self) -> u64 {
        self.last_head
    }

    /// [`Self::insert`]'s check in an object with a hash set, or that gets one now (more than
    /// `LINEAR_MAX` keys). Out of line: rare, and `insert` is forced inline.
    #[cold]
    #[inline(never)]
    fn large_duplicate(&mut self, buf: &[u8], new: &[u8], h: u64) -> bool {
        let Self {
            keys,
            owned,
            frames,
            sets,
            spare,
            ..
        } = self;
        let Some(frame) = frames.last_mut() else {
            return false;
        };
        let open = keys.get(frame.start..).unwrap_or_default();
        let same = |k: &Key| same(k, owned, buf, new, h);
        if !frame.has_set {
            let mut s = spare.pop().unwrap_or_default();
            s.extend(open.iter().map(|k| (key_hash(bytes(k, owned, buf)), 0)));
            sets.push(s);
            frame.has_set = true;
        }
        match sets.last_mut() {
            Some(set) => set.insert(key_hash(new), 0).is_some() && open.iter().any(same),
            None => open.iter().any(same),
        }
    }

    /// The innermost object closes.
    // Forced inline (every object closes through here; the call was ~0.6 % of a native bench
    // call), its rare hash-set case out of line.
    #[inline(always)]
    pub(crate) fn end(&mut self) {
        if let Some(f) = self.frames.pop() {
            self.keys.truncate(f.start);
            self.owned.truncate(f.owned_start);
            if f.has_set {
                self.release_set();
            }
        }
    }

    /// The innermost object's hash set goes back to `spare` (out of line: only objects of
    /// more than `LINEAR_MAX` keys have one, and `end` is forced inline).
    #[cold]
    #[inline(never)]
    fn release_set(&mut self) {
        if let Some(mut set) = self.sets.pop() {
            set.clear();
            self.spare.push(set);
        }
    }

    /// Records a key of the innermost object; `false` if it was already there.
    /// `raw` is the key's byte range in `buf`; `decoded` is given when the key has escapes.
    #[inline(always)]
    pub(crate) fn insert(
        &mut self,
        buf: &[u8],
        raw: (usize, usize),
        decoded: Option<&[u8]>,
    ) -> bool {
        let new = match decoded {
            Some(d) => d,
            None => buf.get(raw.0..raw.1).unwrap_or_default(),
        };
        let len = new.len();
        let h = match decoded {
            Some(d) => head(d),
            None => head_at(buf, raw.0, len),
        };
        // Set first, for every key: the engine's transition cache reads it.
        self.last_head = h;
        let Self {
            keys,
            owned,
            frames,
            ..
        } = self;
        let Some(frame) = frames.last_mut() else {
            return true;
        };
        let open = keys.get(frame.start..).unwrap_or_default();
        let duplicate = if open.len() < LINEAR_MAX && !frame.has_set {
            let bit = bloom_bit(h, len);
            let seen = frame.bloom & bit != 0;
            frame.bloom |= bit;
            seen && open.iter().any(|k| same(k, owned, buf, new, h))
        } else {
            self.large_duplicate(buf, new, h)
        };
        if duplicate {
            return false;
        }
        let key = match decoded {
            Some(d) => {
                let s = self.owned.len();
                self.owned.extend_from_slice(d);
                Key {
                    start: s,
                    end: self.owned.len(),
                    owned: true,
                    head: h,
                }
            }
            None => Key {
                start: raw.0,
                end: raw.1,
                owned: false,
                head: h,
            },
        };
        self.keys.push(key);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::{eq_bytes, head, head_at, DupCheck};

    #[test]
    fn eq_bytes_is_slice_equality() {
        let a = b"abcdefghijklmnopqrstuvwxyz0123456789";
        for n in 0..=a.len() {
            let x = &a[..n];
            assert!(eq_bytes(x, x));
            for i in 0..n {
                let mut y = x.to_vec();
                y[i] ^= 1;
                assert!(!eq_bytes(x, &y), "{n} {i}");
            }
            assert!(!eq_bytes(x, &a[..(n + 1).min(a.len())]) || n == a.len());
        }
    }

    #[test]
    fn head_at_equals_head() {
        let buf = b"abcdefghijklmnopq\"";
        for start in 0..buf.len() {
            for len in 0..=buf.len() - start {
                assert_eq!(
                    head_at(buf, start, len),
                    head(&buf[start..start + len]),
                    "{start} {len}"
                );
            }
        }
    }

    /// Keys that share a Bloom bit, a length or a head are still told apart exactly.
    #[test]
    fn finds_duplicates_among_similar_keys() {
        let names: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
        let half = names.join(",");
        let text = format!("{half},{half}");
        let mut starts = Vec::new();
        let mut at = 0;
        for name in &names {
            starts.push(at);
            at += name.len() + 1;
        }
        let second = half.len() + 1;
        for n in 1..names.len() {
            for probe in 0..names.len() {
                let mut d = DupCheck::default();
                d.begin();
                for (name, &a) in names[..n].iter().zip(&starts) {
                    assert!(d.insert(text.as_bytes(), (a, a + name.len()), None));
                }
                let a = second + starts[probe];
                let fresh = d.insert(text.as_bytes(), (a, a + names[probe].len()), None);
                assert_eq!(fresh, probe >= n, "{n} {probe}");
                d.end();
            }
        }
    }
}
