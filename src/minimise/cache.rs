//! The transition cache: remembered automaton transitions by member name, with the path id of
//! each name under its parent, so that records repeating the same members need neither a state
//! lookup nor a path lookup.

use super::trie::NO_ID;
use crate::hashindex::mix;
use crate::json::eq_bytes;
use crate::policy::compile::DState;

/// One remembered automaton transition: state `st` and the member name at `start..start + len`
/// of the input (first 8 bytes `head`) lead to `child`. `start` is the last key that used the
/// slot, so a path level can tell that the slot still holds its name.
#[derive(Clone, Copy)]
pub(super) struct Trans {
    st: u32,
    child: u32,
    start: usize,
    len: usize,
    head: u64,
    /// The path id of this name under path `ppath` (both `NO_ID` until known): records repeat
    /// their members under the same parent path, so most removals need no `Paths` lookup.
    ppath: u32,
    path: u32,
}

impl Trans {
    /// Whether this entry is state `st` and `name` (first 8 bytes `head`) of `buf`.
    #[inline(always)]
    pub(super) fn holds(&self, buf: &[u8], st: u32, name: &[u8], head: u64) -> bool {
        let len = name.len();
        self.st == st
            && self.len == len
            && self.head == head
            && (len <= 8
                || buf
                    .get(self.start..self.start + len)
                    .is_some_and(|c| eq_bytes(c, name)))
    }
}

/// No transition cache slot (an escaped key).
pub(super) const NO_SLOT: u32 = u32::MAX;

/// Slots in the transition cache (a power of two): 256 sets of 2 ways.
pub(super) const TRANS_CACHE: usize = 512;

/// A two-way set-associative cache of member-name transitions ([`DState::child`], a scan or
/// binary search of the state's names), keyed by an unkeyed hash of (state, length, first 8
/// bytes). A hit is checked against the name itself, so a collision (crafted or not) is only a
/// miss. Two ways, because a slot also carries the name's remembered path id: with one way,
/// two hot names sharing a slot (on the bench payload `plan.id` and `addresses[*].street`)
/// evicted each other in every record and lost their path ids with it (~1 M Ir per MiB in
/// `Paths` lookups).
pub(super) struct TransCache {
    slots: Vec<Trans>,
}

impl TransCache {
    pub(super) fn new() -> Self {
        Self {
            slots: vec![
                Trans {
                    st: u32::MAX,
                    child: 0,
                    start: 0,
                    len: 0,
                    head: 0,
                    ppath: NO_ID,
                    path: NO_ID,
                };
                TRANS_CACHE
            ],
        }
    }

    /// `ds.child(name)` for the unescaped key `k` (its raw bytes are its name; `head`, its
    /// first 8 bytes as `head_at` gives them) in state `st`, and the slot that now holds it.
    // Forced inline (natively 1.2 M Ir less per MiB; in wasm, where minseal is built at
    // opt-level "s", forcing this and the other hot key-path helpers: minimise 5-6 % faster).
    #[inline(always)]
    pub(super) fn child(
        &mut self,
        buf: &[u8],
        ds: &DState,
        st: u32,
        (start, end): (usize, usize),
        head: u64,
    ) -> (u32, u32) {
        let name = buf.get(start..end).unwrap_or_default();
        let len = name.len();
        // The set's first way (an even slot); the second is the next one.
        let set = (mix(mix(0, u64::from(st)), head ^ ((len as u64) << 56)) >> 55) as usize
            & (TRANS_CACHE - 2);
        let Some([a, b]) = self.slots.get_mut(set..set + 2) else {
            return (ds.child(name), NO_SLOT);
        };
        if a.holds(buf, st, name, head) {
            a.start = start;
            return (a.child, set as u32);
        }
        if b.holds(buf, st, name, head) {
            b.start = start;
            return (b.child, set as u32 + 1);
        }
        // Refill the least recently used way: `start` is the last key that used each, and
        // keys come in input order.
        let slot = if a.start <= b.start { set } else { set + 1 };
        self.refill(slot, ds, st, name, start, head)
    }

    /// [`Self::child`] on a miss: looks the name up and puts it in `slot` (out of line: once
    /// the records' names are in, misses are rare, and `child` is forced inline).
    #[cold]
    #[inline(never)]
    pub(super) fn refill(
        &mut self,
        slot: usize,
        ds: &DState,
        st: u32,
        name: &[u8],
        start: usize,
        head: u64,
    ) -> (u32, u32) {
        let child = ds.child(name);
        if let Some(t) = self.slots.get_mut(slot) {
            *t = Trans {
                st,
                child,
                start,
                len: name.len(),
                head,
                ppath: NO_ID,
                path: NO_ID,
            };
            return (child, slot as u32);
        }
        (child, NO_SLOT)
    }

    /// The path id remembered in `slot` for its name under `parent`, else `NO_ID`.
    #[inline]
    pub(super) fn path(&self, slot: u32, parent: u32) -> u32 {
        match self.slots.get(slot as usize) {
            Some(t) if t.ppath == parent => t.path,
            _ => NO_ID,
        }
    }

    /// Remembers `id` as the path of the key at `start` under `parent`, if `slot` still holds
    /// that key's name (each key of the input passes through the cache once, so its start
    /// identifies it).
    #[inline]
    pub(super) fn remember(&mut self, slot: u32, start: usize, parent: u32, id: u32) {
        if let Some(t) = self.slots.get_mut(slot as usize) {
            if t.start == start {
                t.ppath = parent;
                t.path = id;
            }
        }
    }
}
