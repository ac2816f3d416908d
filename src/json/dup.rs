//! Duplicate-key detection per object, cheap enough to run on skipped subtrees too: small
//! objects compare against a short list of key slices; large ones switch to a set of hashes.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// Objects with more keys than this get a hash set.
const LINEAR_MAX: usize = 16;

#[derive(Debug)]
enum KeyBytes {
    /// Byte range of the raw key text (no escapes: raw == decoded).
    Raw(usize, usize),
    /// The decoded key, for keys written with escapes.
    Owned(Box<[u8]>),
}

#[derive(Default)]
struct IdHasher(u64);
impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type HashSet64 = HashSet<u64, BuildHasherDefault<IdHasher>>;

struct Frame {
    start: usize,
    set: Option<HashSet64>,
}

/// A stack of open objects and the keys seen in each.
#[derive(Default)]
pub(crate) struct DupCheck {
    keys: Vec<KeyBytes>,
    frames: Vec<Frame>,
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl DupCheck {
    /// An object opens.
    pub(crate) fn begin(&mut self) {
        self.frames.push(Frame {
            start: self.keys.len(),
            set: None,
        });
    }

    /// The innermost object closes.
    pub(crate) fn end(&mut self) {
        if let Some(f) = self.frames.pop() {
            self.keys.truncate(f.start);
        }
    }

    fn bytes<'a>(&'a self, buf: &'a [u8], k: &'a KeyBytes) -> &'a [u8] {
        match k {
            KeyBytes::Raw(s, e) => buf.get(*s..*e).unwrap_or_default(),
            KeyBytes::Owned(b) => b,
        }
    }

    /// Records a key of the innermost object; `false` if it was already there.
    /// `raw` is the key's byte range in `buf`; `decoded` is given when the key has escapes.
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
        let Some(frame) = self.frames.last() else {
            return true;
        };
        let start = frame.start;
        let n = self.keys.len() - start;
        let duplicate = if n < LINEAR_MAX && frame.set.is_none() {
            self.keys[start..].iter().any(|k| self.bytes(buf, k) == new)
        } else {
            let mut set = match self.frames.last_mut().and_then(|f| f.set.take()) {
                Some(s) => s,
                None => self.keys[start..]
                    .iter()
                    .map(|k| fnv(self.bytes(buf, k)))
                    .collect(),
            };
            let h = fnv(new);
            let dup =
                !set.insert(h) && self.keys[start..].iter().any(|k| self.bytes(buf, k) == new);
            if let Some(f) = self.frames.last_mut() {
                f.set = Some(set);
            }
            dup
        };
        if duplicate {
            return false;
        }
        self.keys.push(match decoded {
            Some(d) => KeyBytes::Owned(d.into()),
            None => KeyBytes::Raw(raw.0, raw.1),
        });
        true
    }
}
