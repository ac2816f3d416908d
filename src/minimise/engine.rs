//! The single-pass engine: walks the payload bytes once, driven by the policy's automaton,
//! writing kept parts straight to the output and skipping removed subtrees without building
//! them (they are still validated strictly).
//!
//! A container whose fate depends on its descendants is written optimistically and rolled back
//! (the output `Vec` truncated) if nothing inside was kept; its children's "not allowed" removals
//! then collapse into one entry for the container, so the receipt names removed subtree roots.

use super::receipt::RemovalReason;
use super::transform;
use crate::hashindex::{hash_bytes, mix, IdMap};
use crate::json::scan::Str;
use crate::json::{eq_bytes, DupCheck, Scanner};
use crate::policy::compile::{DState, DEAD, JUSTIFICATION};
use crate::policy::model::{
    anchor_len, Transform, T_ANY, T_ARRAY, T_BOOLEAN, T_INTEGER, T_NULL, T_NUMBER, T_OBJECT,
    T_STRING,
};
use crate::policy::{path, Inner};
use crate::sort::StringSet;
use crate::{Error, ErrorCode, Result};

#[derive(Clone, Copy)]
enum PathSeg {
    Key(Str),
    Index,
}

/// No interned id yet for this path level.
const NO_ID: u32 = u32::MAX;

/// One interned collapsed path: its parent and last segment (a member name, or `[*]`).
struct PNode {
    parent: u32,
    /// Byte range of the decoded member name in `Paths::names`; `None` for `[*]`.
    name: Option<(u32, u32)>,
    /// Next node with the same hash (`NO_ID` ends the chain).
    next: u32,
}

/// Interned collapsed paths (a trie; node 0 is `$`). A path is interned only when something
/// needs it (a removal, a transform, a `required` anchor), by one hash lookup of
/// (parent id, decoded name); its text is built once per distinct path, at the end.
struct Paths {
    nodes: Vec<PNode>,
    names: Vec<u8>,
    heads: IdMap,
    /// A direct-mapped cache in front of `heads`: node ids by an unkeyed hash of (parent,
    /// name), each hit checked against the node itself. Records repeat the same member names,
    /// so most lookups end here without the keyed hash; a collision (crafted or not) is only a
    /// miss, never a wrong answer.
    cache: Vec<u32>,
}

/// Slots in [`Paths::cache`] (a power of two).
const PATH_CACHE: usize = 256;

/// The unkeyed hash of (parent id, name) that picks a [`Paths::cache`] slot.
#[inline]
fn cache_slot(parent: u32, name: Option<&[u8]>) -> usize {
    let mut h = mix(0, u64::from(parent));
    match name {
        None => h = mix(h, u64::MAX),
        Some(n) => {
            h = mix(h, n.len() as u64);
            let mut chunks = n.chunks_exact(8);
            for c in &mut chunks {
                h = mix(h, c.try_into().map_or(0, u64::from_le_bytes));
            }
            let tail = chunks
                .remainder()
                .iter()
                .rev()
                .fold(0, |acc, &b| (acc << 8) | u64::from(b));
            h = mix(h, tail);
        }
    }
    (h >> 56) as usize & (PATH_CACHE - 1)
}

/// The hash of (parent id, name); `None` (`[*]`) hashes as no name can.
fn node_hash(parent: u32, name: Option<&[u8]>) -> u64 {
    let h = mix(0, u64::from(parent));
    match name {
        None => mix(h, u64::MAX),
        Some(n) => hash_bytes(h, n),
    }
}

impl Paths {
    fn new() -> Self {
        Self {
            nodes: vec![PNode {
                parent: NO_ID,
                name: None,
                next: NO_ID,
            }],
            names: Vec::new(),
            heads: IdMap::default(),
            cache: vec![NO_ID; PATH_CACHE],
        }
    }

    /// Whether node `n` is (`parent`, `name`).
    #[inline]
    fn is(&self, n: &PNode, parent: u32, name: Option<&[u8]>) -> bool {
        n.parent == parent
            && match (self.name(n), name) {
                (Some(a), Some(b)) => eq_bytes(a, b),
                (a, b) => a.is_none() && b.is_none(),
            }
    }

    fn name(&self, n: &PNode) -> Option<&[u8]> {
        n.name
            .map(|(a, b)| self.names.get(a as usize..b as usize).unwrap_or_default())
    }

    /// The id of `parent` + one segment.
    fn child(&mut self, parent: u32, name: Option<&[u8]>) -> u32 {
        let slot = cache_slot(parent, name);
        let cached = self.cache.get(slot).copied().unwrap_or(NO_ID);
        if let Some(n) = self.nodes.get(cached as usize) {
            if self.is(n, parent, name) {
                return cached;
            }
        }
        let id = self.lookup(parent, name);
        if let Some(c) = self.cache.get_mut(slot) {
            *c = id;
        }
        id
    }

    /// [`Self::child`] without the cache.
    fn lookup(&mut self, parent: u32, name: Option<&[u8]>) -> u32 {
        let h = node_hash(parent, name);
        let head = self.heads.get(&h).copied().unwrap_or(NO_ID);
        let mut at = head;
        while let Some(n) = self.nodes.get(at as usize) {
            if self.is(n, parent, name) {
                return at;
            }
            at = n.next;
        }
        let name = name.map(|b| {
            let a = self.names.len() as u32;
            self.names.extend_from_slice(b);
            (a, self.names.len() as u32)
        });
        let id = self.nodes.len() as u32;
        self.nodes.push(PNode {
            parent,
            name,
            next: head,
        });
        self.heads.insert(h, id);
        id
    }

    fn push_seg(&self, n: &PNode, out: &mut String) {
        match self.name(n) {
            None => out.push_str("[*]"),
            Some(b) => path::push_name(out, &String::from_utf8_lossy(b)),
        }
    }

    /// The text of one path.
    fn text(&self, id: u32) -> String {
        let mut chain = Vec::new();
        let mut at = id;
        while at != 0 {
            let Some(n) = self.nodes.get(at as usize) else {
                break;
            };
            chain.push(at);
            at = n.parent;
        }
        let mut s = String::from("$");
        for &i in chain.iter().rev() {
            if let Some(n) = self.nodes.get(i as usize) {
                self.push_seg(n, &mut s);
            }
        }
        s
    }

    /// The text of every path, by id (parents always precede their children).
    fn texts(&self) -> Vec<String> {
        let mut v: Vec<String> = Vec::with_capacity(self.nodes.len());
        for n in &self.nodes {
            let mut s = match v.get(n.parent as usize) {
                Some(p) => p.clone(),
                None => String::from("$"),
            };
            if n.parent != NO_ID {
                self.push_seg(n, &mut s);
            }
            v.push(s);
        }
        v
    }
}

/// One remembered automaton transition: state `st` and the member name at `start..start + len`
/// of the input (first 8 bytes `head`) lead to `child`. `start` is the last key that used the
/// slot, so a path level can tell that the slot still holds its name.
#[derive(Clone, Copy)]
struct Trans {
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
    fn holds(&self, buf: &[u8], st: u32, name: &[u8], head: u64) -> bool {
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
const NO_SLOT: u32 = u32::MAX;

/// Slots in the transition cache (a power of two): 256 sets of 2 ways.
const TRANS_CACHE: usize = 512;

/// A two-way set-associative cache of member-name transitions ([`DState::child`], a scan or
/// binary search of the state's names), keyed by an unkeyed hash of (state, length, first 8
/// bytes). A hit is checked against the name itself, so a collision (crafted or not) is only a
/// miss. Two ways, because a slot also carries the name's remembered path id: with one way,
/// two hot names sharing a slot (on the bench payload `plan.id` and `addresses[*].street`)
/// evicted each other in every record and lost their path ids with it (~1 M Ir per MiB in
/// `Paths` lookups).
struct TransCache {
    slots: Vec<Trans>,
}

impl TransCache {
    fn new() -> Self {
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
    fn child(
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
    fn refill(
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
    fn path(&self, slot: u32, parent: u32) -> u32 {
        match self.slots.get(slot as usize) {
            Some(t) if t.ppath == parent => t.path,
            _ => NO_ID,
        }
    }

    /// Remembers `id` as the path of the key at `start` under `parent`, if `slot` still holds
    /// that key's name (each key of the input passes through the cache once, so its start
    /// identifies it).
    #[inline]
    fn remember(&mut self, slot: u32, start: usize, parent: u32, id: u32) {
        if let Some(t) = self.slots.get_mut(slot as usize) {
            if t.start == start {
                t.ppath = parent;
                t.path = id;
            }
        }
    }
}

/// One level of the current path: its segment, its interned id once known (`NO_ID` before),
/// and for a member the transition cache slot of its name.
#[derive(Clone, Copy)]
struct Level {
    seg: PathSeg,
    id: u32,
    slot: u32,
}

/// The index of `r` in an entry of [`Outcome::removed`].
pub(crate) fn reason_slot(r: RemovalReason) -> usize {
    match r {
        RemovalReason::NotAllowed => 0,
        RemovalReason::Forbidden => 1,
        RemovalReason::Sensitive => 2,
        RemovalReason::TypeMismatch => 3,
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Event {
    pub(crate) path: u32,
    pub(crate) reason: RemovalReason,
    pub(crate) leaves: u64,
}

struct Frame {
    rule: u16,
    level: usize,
    ok: bool,
    path: u32,
    /// The types the required value had to have, when it was there but removed for its type
    /// (0: it was not there).
    wrong: u8,
}

/// Everything one pass produces.
pub(crate) struct Outcome {
    pub(crate) payload: Vec<u8>,
    pub(crate) paths: Vec<String>,
    /// Removals by path id (one entry per path) and reason ([`reason_slot`]): (count, leaves).
    pub(crate) removed: Vec<[(u64, u64); 4]>,
    /// (path id, op, count), each path id once.
    pub(crate) transformed: Vec<(u32, &'static str, u64)>,
    pub(crate) kept: u64,
    pub(crate) transformed_leaves: u64,
    /// Sorted, distinct.
    pub(crate) missing: Vec<String>,
    /// Required values present with a type their rules do not admit (`path: expected …`),
    /// sorted, distinct.
    pub(crate) wrong_type: Vec<String>,
    /// Sorted, distinct.
    pub(crate) not_transformed: Vec<String>,
}

pub(crate) struct Engine<'a> {
    s: Scanner<'a>,
    pol: &'a Inner,
    out: Vec<u8>,
    dup: DupCheck,
    stack: Vec<u8>,
    scratch: Vec<u8>,
    /// The current path: one segment per level, with its interned id once known.
    path: Vec<Level>,
    /// (array path id, its `[*]` id) of the last array whose elements' path was interned.
    index_memo: (u32, u32),
    depth: usize,
    paths: Paths,
    trans: TransCache,
    /// Removals that a container still open may yet merge into its own (see `settled`).
    events: Vec<Event>,
    /// Removals no container can merge any more, summed by path id and reason.
    removed: Vec<[(u64, u64); 4]>,
    /// The innermost open container is kept (its rule keeps it, or a member was kept): it
    /// cannot collapse, nor can any container around it, so a `not_allowed` removal in it is
    /// final and is summed into `removed` at once instead of becoming an event (on the bench
    /// payload every removal: no event list growing to 27 000 entries and read back).
    settled: bool,
    transformed: Vec<(u32, &'static str, u64)>,
    /// Path id -> index in `transformed`.
    transformed_at: IdMap,
    kept: u64,
    transformed_leaves: u64,
    frames: Vec<Frame>,
    missing: StringSet,
    /// Required values present with the wrong type: `path: expected types`.
    wrong_type: StringSet,
    not_transformed: StringSet,
    key: Option<&'a [u8]>,
    justified: bool,
    /// The justification was kept with a non-empty value.
    justification_kept: bool,
    verify: bool,
}

impl<'a> Engine<'a> {
    /// One minimisation (or verification) of `input`.
    ///
    /// Sensitive fields are kept only if the justification is kept with a non-empty value in
    /// the *output*. A sensitive field may come before the justification, so the pass first
    /// assumes what a look at the input says (present and non-empty there); if the pass then
    /// did not keep the justification non-empty, a second pass runs without it. The
    /// justification's own fate does not depend on sensitive fields (the loader refuses a
    /// justification at or below a categorised rule), so the second pass is final.
    pub(crate) fn run(
        pol: &'a Inner,
        input: &'a [u8],
        max_depth: usize,
        key: Option<&'a [u8]>,
        verify: bool,
    ) -> Result<Outcome> {
        let justified = match (&pol.doc.justification, pol.needs_justification) {
            (Some(j), true) => cold_justification_present(input, j, max_depth)?,
            _ => false,
        };
        let first = Self::pass(pol, input, max_depth, key, verify, justified);
        if !justified {
            return first.map(|(o, _)| o);
        }
        match first {
            Ok((o, true)) => Ok(o),
            // Not kept: the pass without it is the answer. An error in the first pass (e.g. a
            // transform on a sensitive field) stands only if the justification is kept.
            Ok((_, false)) | Err(_) => {
                let second = Self::pass(pol, input, max_depth, key, verify, false);
                match (first, second) {
                    (Err(e), Ok((_, true))) => Err(e),
                    (_, second) => second.map(|(o, _)| o),
                }
            }
        }
    }

    /// One pass with `justified` given; also says whether the justification was kept with a
    /// non-empty value.
    fn pass(
        pol: &'a Inner,
        input: &'a [u8],
        max_depth: usize,
        key: Option<&'a [u8]>,
        verify: bool,
        justified: bool,
    ) -> Result<(Outcome, bool)> {
        let mut e = Engine {
            s: Scanner::new(input, max_depth),
            pol,
            // The input's length: without transforms the output (a compact subset of the
            // input) never outgrows it, so it is never reallocated and copied (half the input,
            // as before, was outgrown by any payload that keeps more than half: a 1 MiB input
            // then copied 512 KiB and faulted in fresh pages on every call).
            out: Vec::with_capacity(input.len()),
            dup: DupCheck::default(),
            stack: Vec::new(),
            scratch: Vec::new(),
            path: Vec::new(),
            index_memo: (NO_ID, NO_ID),
            depth: 0,
            paths: Paths::new(),
            trans: TransCache::new(),
            events: Vec::new(),
            removed: Vec::new(),
            settled: false,
            transformed: Vec::new(),
            transformed_at: IdMap::default(),
            kept: 0,
            transformed_leaves: 0,
            frames: Vec::new(),
            missing: StringSet::default(),
            wrong_type: StringSet::default(),
            not_transformed: StringSet::default(),
            key,
            justified,
            justification_kept: false,
            verify,
        };
        e.s.skip_ws();
        let first = e.s.peek();
        let kept = if e.cold_empty_root() {
            true
        } else {
            e.value(pol.automaton.start, false)?
        };
        e.s.finish()?;
        if !kept {
            // The root itself was removed: the output is the empty form of its kind.
            e.out.clear();
            e.out.extend_from_slice(match first {
                Some(b'{') => b"{}",
                Some(b'[') => b"[]",
                _ => b"null",
            });
        }
        // The removals still pending (under containers that collapsed, or a removed root).
        e.removed.resize(e.paths.nodes.len(), [(0, 0); 4]);
        for ev in core::mem::take(&mut e.events) {
            e.tally(ev);
        }
        let outcome = Outcome {
            payload: e.out,
            paths: e.paths.texts(),
            removed: e.removed,
            transformed: e.transformed,
            kept: e.kept,
            transformed_leaves: e.transformed_leaves,
            missing: e.missing.into_sorted(),
            wrong_type: e.wrong_type.into_sorted(),
            not_transformed: e.not_transformed.into_sorted(),
        };
        Ok((outcome, e.justification_kept))
    }

    /// A root that is `{}`, `[]` or `null` is kept as it is, whatever the rules say: it is what
    /// the output of a removed root looks like, and that output must conform when minimised
    /// or verified again. Its `required` anchors are still checked. Returns whether the root
    /// was one (and has been written).
    fn cold_empty_root(&mut self) -> bool {
        let at = self.s.pos;
        let buf = self.s.buf;
        let end = match buf.get(at) {
            Some(&open @ (b'{' | b'[')) => {
                let close = if open == b'{' { b'}' } else { b']' };
                let mut i = at + 1;
                while matches!(buf.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                    i += 1;
                }
                if buf.get(i) != Some(&close) {
                    return false;
                }
                self.out.push(open);
                self.out.push(close);
                i + 1
            }
            Some(b'n') if buf.get(at..at + 4) == Some(b"null") => {
                self.out.extend_from_slice(b"null");
                at + 4
            }
            _ => return false,
        };
        self.s.pos = end;
        self.kept += 1;
        let pol = self.pol;
        let anchors = pol
            .automaton
            .states
            .get(self.pol.automaton.start as usize)
            .map(|ds| &ds.anchors[..])
            .unwrap_or_default();
        if !anchors.is_empty() {
            self.cold_open_frames(anchors, 0);
            self.cold_close_frames(0);
        }
        true
    }

    /// The state a member with key `k` leads to from state `st` (`ds`); pushes its path level.
    // Forced inline (natively 1.2 M Ir less per MiB; in wasm, where minseal is built at
    // opt-level "s", forcing this and the other hot key-path helpers: minimise 5-6 % faster).
    #[inline(always)]
    fn member_state(&mut self, ds: &DState, st: u32, k: Str) -> u32 {
        let (child, slot) = if k.escaped {
            (ds.child(self.s.decoded(k, &mut self.scratch)), NO_SLOT)
        } else {
            // The duplicate check just read the key's first 8 bytes (`Scanner::key`).
            let head = self.dup.last_head();
            debug_assert_eq!(
                head,
                crate::json::head_at(self.s.buf, k.start, k.end - k.start)
            );
            self.trans.child(self.s.buf, ds, st, (k.start, k.end), head)
        };
        let parent = self.path.last().map_or(0, |l| l.id);
        self.path.push(Level {
            seg: PathSeg::Key(k),
            id: self.trans.path(slot, parent),
            slot,
        });
        child
    }

    /// Pushes an array element's level; `id` is the previous element's (the same `[*]`).
    #[inline]
    fn push_index(&mut self, id: u32) {
        self.path.push(Level {
            seg: PathSeg::Index,
            id,
            slot: NO_SLOT,
        });
    }

    /// Pops a level; returns its id.
    #[inline]
    fn pop_level(&mut self) -> u32 {
        self.path.pop().map_or(NO_ID, |l| l.id)
    }

    /// Interns the current path (collapsed: indices are `[*]`); levels already interned are
    /// reused, so this is one hash lookup per new level.
    #[inline]
    fn path_id(&mut self) -> u32 {
        // Mostly known already (the transition cache remembers member paths).
        match self.path.last() {
            Some(l) if l.id != NO_ID => l.id,
            _ => self.intern_path(),
        }
    }

    /// [`Self::path_id`] when the last level's id is not known yet.
    // Out of line in wasm: `value` calls `path_id` (see `value`); several callers, so binaryen
    // keeps it out too.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn intern_path(&mut self) -> u32 {
        let known = self.path.iter().rposition(|l| l.id != NO_ID);
        let (mut id, from) = match known {
            Some(i) => (self.path.get(i).map_or(0, |l| l.id), i + 1),
            None => (0, 0),
        };
        for i in from..self.path.len() {
            let Some(&l) = self.path.get(i) else {
                break;
            };
            id = match l.seg {
                PathSeg::Index => self.paths.child(id, None),
                PathSeg::Key(k) => {
                    let name = self.s.decoded(k, &mut self.scratch);
                    let c = self.paths.child(id, Some(name));
                    self.trans.remember(l.slot, k.start, id, c);
                    c
                }
            };
            if let Some(e) = self.path.get_mut(i) {
                e.id = id;
            }
        }
        id
    }

    fn current_path(&mut self) -> String {
        let id = self.path_id();
        self.paths.text(id)
    }

    fn remove(&mut self, reason: RemovalReason, leaves: u64) {
        let path = self.path_id();
        let e = Event {
            path,
            reason,
            leaves,
        };
        // Only `not_allowed` entries are merged by `collapse`, and only in a container that
        // keeps nothing; the rest are final.
        if self.settled || reason != RemovalReason::NotAllowed {
            self.tally(e);
        } else {
            self.events.push(e);
        }
    }

    /// Adds one final removal to `removed`.
    #[inline]
    fn tally(&mut self, e: Event) {
        match self
            .removed
            .get_mut(e.path as usize)
            .and_then(|a| a.get_mut(reason_slot(e.reason)))
        {
            Some(s) => {
                s.0 += 1;
                s.1 += e.leaves;
            }
            None => self.tally_new(e),
        }
    }

    /// [`Self::tally`] of a path id `removed` has no entry for yet (out of line: rare).
    #[cold]
    #[inline(never)]
    fn tally_new(&mut self, e: Event) {
        let at = e.path as usize;
        if at >= self.removed.len() {
            // Room for a few more paths at once.
            self.removed.resize(at + 16, [(0, 0); 4]);
        }
        if let Some(s) = self
            .removed
            .get_mut(at)
            .and_then(|a| a.get_mut(reason_slot(e.reason)))
        {
            s.0 += 1;
            s.1 += e.leaves;
        }
    }

    /// Validates and skips the value at the cursor; returns its leaves. Every caller has
    /// skipped the whitespace before the value already (`value`, `hopeless`, `walk_forbidden`),
    /// so this does not again (one `skip_ws` per removed value less).
    #[inline]
    fn skip(&mut self) -> Result<u64> {
        debug_assert!(!matches!(self.s.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')));
        match self.s.peek() {
            // A scalar: one token (most removed members), without the container machinery.
            Some(b'"') => self.s.string().map(|_| 1),
            Some(b'-' | b'0'..=b'9') => self.s.number().map(|_| 1),
            Some(b't' | b'f' | b'n') => self.s.literal().map(|_| 1),
            _ => self.s.scan_value::<false>(
                &mut Vec::new(),
                &mut self.dup,
                &mut self.stack,
                self.depth,
            ),
        }
    }

    fn skip_removed(&mut self, reason: RemovalReason) -> Result<bool> {
        let leaves = self.skip()?;
        self.remove(reason, leaves);
        Ok(false)
    }

    /// Does the value at the cursor have one of `types`? (`cold_`: out of `value` in wasm, as
    /// only rules with a `type` need it; see `value`.)
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn cold_type_ok(&self, types: u8) -> Result<bool> {
        let bit = match self.s.peek() {
            Some(b'"') => T_STRING,
            Some(b'{') => T_OBJECT,
            Some(b'[') => T_ARRAY,
            Some(b't' | b'f') => T_BOOLEAN,
            Some(b'n') => T_NULL,
            Some(b'-' | b'0'..=b'9') => {
                if types & T_NUMBER != 0 {
                    return Ok(true);
                }
                let mut look = Scanner::new(self.s.buf, self.s.max_depth);
                look.pos = self.s.pos;
                match look.number() {
                    Ok((_, _, true)) => T_INTEGER,
                    Ok(_) => T_NUMBER,
                    Err(e) => return Err(e),
                }
            }
            // Not a value: let the parse report it.
            _ => return Ok(true),
        };
        Ok(types & bit != 0)
    }

    /// One value at the cursor, in automaton state `st`; `sub` when under a `subtree` rule.
    /// Returns whether anything of it was written to the output.
    // In wasm, what `value` does rarely is in `cold_*` methods kept out of it (`inline(never)`
    // here; scripts/build-wasm's `--no-full-inline=*::cold_*`, as binaryen inlines a
    // function with one caller whatever Rust says). With `container` and `scalar` inlined,
    // `value` is the function V8 recompiles with TurboFan once a `minimise` runs long enough:
    // 15.3 KB of wasm with the cold parts inside, 6.2 KB without; a fresh process's first
    // 4 KiB `minimise` no longer triggers the recompile, and the later one costs less
    // (docs/BENCHMARKS.md, "Session 5: the first minimise"). Native builds inline as before.
    fn value(&mut self, st: u32, sub: bool) -> Result<bool> {
        let pol = self.pol;
        self.s.skip_ws();
        let Some(ds) = pol.automaton.states.get(st as usize) else {
            return self.skip_removed(RemovalReason::NotAllowed);
        };
        if ds.forbidden {
            return self.skip_removed(RemovalReason::Forbidden);
        }
        let mut keep = sub;
        let mut sub_children = sub;
        if let Some(m) = ds.matched {
            if m.types != T_ANY && !self.cold_type_ok(m.types)? {
                if !ds.satisfies.is_empty() {
                    self.cold_wrong_type(&ds.satisfies, m.types);
                }
                return self.skip_removed(RemovalReason::TypeMismatch);
            }
            if let Some(allowed) = m.sensitive {
                if !(allowed && self.justified) {
                    return self.skip_removed(RemovalReason::Sensitive);
                }
            }
            if let Some(ri) = m.transform {
                let start = self.out.len();
                self.cold_transform(ri)?;
                self.satisfy(&ds.satisfies, start);
                return Ok(true);
            }
            keep = true;
            sub_children |= m.subtree;
        }
        let level = self.path.len();
        if !ds.anchors.is_empty() {
            self.cold_open_frames(&ds.anchors, level);
        }
        let start = self.out.len();
        let kept = match self.s.peek() {
            Some(b'{') => self.container::<b'{'>(st, keep, sub_children)?,
            Some(b'[') => self.container::<b'['>(st, keep, sub_children)?,
            _ => self.scalar(keep)?,
        };
        if !ds.anchors.is_empty() {
            self.cold_close_frames(level);
        }
        if kept {
            self.satisfy(&ds.satisfies, start);
        }
        Ok(kept)
    }

    /// A value in state `st`, outside any `subtree`, where no rule can match it or anything
    /// below it: it is removed. Gives the same receipt entries as [`Self::value`] would (its
    /// `not_allowed` leaves in one entry, forbidden subtrees inside it on their own), but never
    /// writes, and is walked by the automaton only when a forbidden path can lie below.
    fn hopeless(&mut self, st: u32) -> Result<()> {
        self.s.skip_ws();
        match self.pol.automaton.states.get(st as usize) {
            Some(ds) if ds.forbidden => {
                self.skip_removed(RemovalReason::Forbidden)?;
            }
            // A scalar has nothing below it: only a container is walked.
            Some(ds) if ds.forbid_below && matches!(self.s.peek(), Some(b'{' | b'[')) => {
                let leaves = self.walk_forbidden(st)?;
                if leaves > 0 {
                    self.remove(RemovalReason::NotAllowed, leaves);
                }
            }
            _ => {
                self.skip_removed(RemovalReason::NotAllowed)?;
            }
        }
        Ok(())
    }

    /// Opens a frame per `required` rule anchored at this value (at path level `level`).
    /// (`cold_`: out of `value` in wasm, see `value`; one call per anchored value.)
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn cold_open_frames(&mut self, anchors: &[u16], level: usize) {
        let path = self.path_id();
        for &rule in anchors {
            self.frames.push(Frame {
                rule,
                level,
                ok: false,
                path,
                wrong: 0,
            });
        }
    }

    /// Closes the frames opened at `level`, reporting the rules no value satisfied.
    /// (`cold_`: out of `value` in wasm, see `value`.)
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn cold_close_frames(&mut self, level: usize) {
        while self.frames.last().is_some_and(|f| f.level == level) {
            if let Some(f) = self.frames.pop() {
                if !f.ok {
                    self.cold_report_missing(f);
                }
            }
        }
    }

    /// Validates a removed value in state `st` (not itself forbidden), recording forbidden
    /// subtrees below it; returns its other leaves.
    fn walk_forbidden(&mut self, st: u32) -> Result<u64> {
        let pol = self.pol;
        let Some(ds) = pol.automaton.states.get(st as usize) else {
            return self.skip();
        };
        let (open, close) = match self.s.peek() {
            Some(b'{') => (b'{', b'}'),
            Some(b'[') => (b'[', b']'),
            _ => return self.skip(),
        };
        if self.depth + 1 > self.s.max_depth {
            return Err(self.s.too_deep());
        }
        self.s.pos += 1;
        self.depth += 1;
        if open == b'{' {
            self.dup.begin();
        }
        let mut leaves = 0;
        let mut index = NO_ID;
        self.s.skip_ws();
        if self.s.peek() == Some(close) {
            self.s.pos += 1;
            leaves = 1;
        } else {
            loop {
                let child = if open == b'{' {
                    let k = self.s.key(&mut self.dup, &mut self.scratch)?;
                    self.member_state(ds, st, k)
                } else {
                    self.push_index(index);
                    ds.other
                };
                self.s.skip_ws();
                match pol.automaton.states.get(child as usize) {
                    Some(c) if c.forbidden => {
                        self.skip_removed(RemovalReason::Forbidden)?;
                    }
                    // A scalar has nothing below it: skipped here, without the call (the
                    // bench's `ip_log` elements).
                    Some(c) if c.forbid_below && matches!(self.s.peek(), Some(b'{' | b'[')) => {
                        leaves += self.walk_forbidden(child)?
                    }
                    _ => leaves += self.skip()?,
                }
                index = self.pop_level();
                if self.s.comma_or_close(close)? {
                    break;
                }
            }
        }
        if open == b'{' {
            self.dup.end();
        }
        self.depth -= 1;
        Ok(leaves)
    }

    /// Marks the frames a kept value at the current path satisfies; its output starts at
    /// `start`. A `required_any_of` group (an id past the rules') needs a non-empty value.
    fn satisfy(&mut self, sat: &[(u16, u16)], start: usize) {
        for &(rule, k) in sat {
            if usize::from(rule) >= self.pol.doc.rules.len() {
                if !non_empty(self.out.get(start..).unwrap_or_default()) {
                    continue;
                }
                if rule == JUSTIFICATION {
                    self.justification_kept = true;
                    continue;
                }
            }
            let Some(level) = self.path.len().checked_sub(usize::from(k)) else {
                continue;
            };
            if let Some(f) = self
                .frames
                .iter_mut()
                .rev()
                .find(|f| f.rule == rule && f.level == level)
            {
                f.ok = true;
            }
        }
    }

    /// A value removed for its type where `required` rules end (`sat`): their frames report a
    /// type mismatch instead of a missing value, unless another value satisfies them.
    /// (`cold_`: out of `value` in wasm, see `value`.)
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn cold_wrong_type(&mut self, sat: &[(u16, u16)], types: u8) {
        let rules = self.pol.doc.rules.len();
        for &(rule, k) in sat {
            let Some(level) = self.path.len().checked_sub(usize::from(k)) else {
                continue;
            };
            if usize::from(rule) >= rules {
                continue;
            }
            if let Some(f) = self
                .frames
                .iter_mut()
                .rev()
                .find(|f| f.rule == rule && f.level == level)
            {
                f.wrong = types;
            }
        }
    }

    /// Records a `required` rule's missing value. (`cold_`: out of `value` in wasm, see
    /// `value`.)
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn cold_report_missing(&mut self, f: Frame) {
        let doc = &self.pol.doc;
        let base = self.paths.text(f.path);
        // The anchor's text followed by the part of the path below the anchor.
        let below = |p: &[path::Seg]| {
            let suffix = path::display(p.get(anchor_len(p)..).unwrap_or_default());
            format!("{base}{}", suffix.get(1..).unwrap_or_default())
        };
        let text = match doc.rules.get(usize::from(f.rule)) {
            Some(rule) if f.wrong != 0 => {
                let at = below(&rule.path);
                self.wrong_type
                    .insert(format!("{at}: expected {}", type_names(f.wrong)));
                return;
            }
            Some(rule) => below(&rule.path),
            None => {
                let Some(g) = doc.any_of.get(usize::from(f.rule) - doc.rules.len()) else {
                    return;
                };
                let paths: Vec<String> = g.paths.iter().map(|p| below(p)).collect();
                format!("any_of({})", paths.join(", "))
            }
        };
        self.missing.insert(text);
    }

    fn scalar(&mut self, keep: bool) -> Result<bool> {
        let (a, b) = match self.s.peek() {
            Some(b'"') => {
                let k = self.s.string()?;
                (k.start - 1, k.end + 1)
            }
            Some(b'-' | b'0'..=b'9') => {
                let (a, b, _) = self.s.number()?;
                (a, b)
            }
            Some(b't' | b'f' | b'n') => self.s.literal()?,
            _ => return Err(self.cold_not_a_value()),
        };
        if keep {
            self.out.extend_from_slice(self.s.slice(a, b));
            self.kept += 1;
            Ok(true)
        } else {
            self.remove(RemovalReason::NotAllowed, 1);
            Ok(false)
        }
    }

    /// The error for a byte (or the end) where a value must start. (`cold_`: the error's
    /// formatting out of `value` in wasm, see `value`.)
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn cold_not_a_value(&self) -> Error {
        match self.s.peek() {
            None => self.s.err("unexpected end of input"),
            Some(_) => self.s.err("expected a value"),
        }
    }

    fn container<const OPEN: u8>(&mut self, st: u32, keep: bool, sub: bool) -> Result<bool> {
        let pol = self.pol;
        let close = if OPEN == b'{' { b'}' } else { b']' };
        if st == DEAD {
            // Nothing below can match: copy or skip the whole subtree in one tight loop.
            if keep {
                let leaves = self.s.scan_value::<true>(
                    &mut self.out,
                    &mut self.dup,
                    &mut self.stack,
                    self.depth,
                )?;
                self.kept += leaves;
                return Ok(true);
            }
            return self.skip_removed(RemovalReason::NotAllowed);
        }
        let Some(ds) = pol.automaton.states.get(st as usize) else {
            return self.skip_removed(RemovalReason::NotAllowed);
        };
        if self.depth + 1 > self.s.max_depth {
            return Err(self.s.too_deep());
        }
        let out_mark = self.out.len();
        let ev_mark = self.events.len();
        let outer_settled = self.settled;
        self.settled = keep;
        self.s.pos += 1;
        self.out.push(OPEN);
        self.depth += 1;
        if OPEN == b'{' {
            self.dup.begin();
        }
        let mut any = false;
        let mut n = 0u64;
        // `[*]`'s id under this array's path, if the last array walked had the same path.
        let mut index = match self.path.last() {
            Some(l) if OPEN == b'[' && l.id == self.index_memo.0 => self.index_memo.1,
            None if OPEN == b'[' && self.index_memo.0 == 0 => self.index_memo.1,
            _ => NO_ID,
        };
        self.s.skip_ws();
        if self.s.peek() == Some(close) {
            self.s.pos += 1;
        } else {
            loop {
                let (child, key) = if OPEN == b'{' {
                    let k = self.s.key(&mut self.dup, &mut self.scratch)?;
                    (self.member_state(ds, st, k), Some(k))
                } else {
                    self.push_index(index);
                    (ds.other, None)
                };
                if sub
                    || pol
                        .automaton
                        .states
                        .get(child as usize)
                        .is_some_and(|d| d.can_keep)
                {
                    let mark = self.out.len();
                    if any {
                        self.out.push(b',');
                    }
                    if let Some(k) = key {
                        self.out
                            .extend_from_slice(self.s.slice(k.start - 1, k.end + 1));
                        self.out.push(b':');
                    }
                    if self.value(child, sub)? {
                        any = true;
                        self.settled = true;
                    } else {
                        self.out.truncate(mark);
                    }
                } else {
                    // Nothing here can be kept: nothing is written for it.
                    self.hopeless(child)?;
                }
                // In an array: the next element's `[*]` has the same id.
                index = self.pop_level();
                n += 1;
                if self.s.comma_or_close(close)? {
                    break;
                }
            }
        }
        // What follows is recorded (if at all) in the parent's container.
        self.settled = outer_settled;
        if OPEN == b'{' {
            self.dup.end();
        } else if index != NO_ID {
            self.index_memo = (self.path.last().map_or(0, |l| l.id), index);
        }
        self.depth -= 1;
        if n == 0 {
            // An empty container is a leaf. An empty root is kept: the output of a policy that
            // keeps nothing is the empty root, and that output must itself conform.
            if keep || self.path.is_empty() {
                self.out.push(close);
                self.kept += 1;
                return Ok(true);
            }
            self.out.truncate(out_mark);
            self.remove(RemovalReason::NotAllowed, 1);
            return Ok(false);
        }
        if any || keep {
            self.out.push(close);
            return Ok(true);
        }
        self.out.truncate(out_mark);
        self.collapse(ev_mark);
        Ok(false)
    }

    /// The container at the current path was removed whole: its children's `not_allowed`
    /// entries become one entry for it; other reasons stay (they say more).
    fn collapse(&mut self, mark: usize) {
        let mut leaves = 0;
        let mut w = mark;
        for i in mark..self.events.len() {
            let Some(&e) = self.events.get(i) else { break };
            if e.reason == RemovalReason::NotAllowed {
                leaves += e.leaves;
            } else {
                if let Some(slot) = self.events.get_mut(w) {
                    *slot = e;
                }
                w += 1;
            }
        }
        self.events.truncate(w);
        if leaves > 0 {
            self.remove(RemovalReason::NotAllowed, leaves);
        }
    }

    fn transform_failed(&mut self, op: &str, why: &str) -> Error {
        let path = self.current_path();
        Error::new(
            ErrorCode::TransformFailed,
            format!("transform `{op}` failed at {path}: {why}"),
        )
    }

    /// A value under a `transform` rule. (`cold_`: out of `value` in wasm, see `value`: 2.9 KB
    /// of wasm; each string transform is a `cold_` function of its own, src/minimise/transform.rs.)
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn cold_transform(&mut self, ri: u16) -> Result<()> {
        let pol = self.pol;
        let Some(t) = pol
            .doc
            .rules
            .get(usize::from(ri))
            .and_then(|r| r.transform.as_ref())
        else {
            return Ok(());
        };
        let op = t.op();
        let key = if self.verify { None } else { self.key };
        let mut leaves = 1;
        // A value already in the transform's output form is left as it is and counts as kept,
        // not transformed: that is what makes a second pass report nothing (POLICY.md).
        let mut changed = true;
        match (t, self.s.peek()) {
            (Transform::Replace { json }, _) => {
                let mut seen = Vec::new();
                leaves = self.s.scan_value::<true>(
                    &mut seen,
                    &mut self.dup,
                    &mut self.stack,
                    self.depth,
                )?;
                changed = seen != json.as_bytes();
                if self.verify && changed {
                    let p = self.current_path();
                    self.not_transformed.insert(p);
                }
                self.out.extend_from_slice(json.as_bytes());
            }
            (_, Some(b'"')) => {
                let k = self.s.string()?;
                let mut buf = Vec::new();
                let decoded = core::str::from_utf8(self.s.decoded(k, &mut buf))
                    .unwrap_or_default()
                    .to_owned();
                match transform::apply_str(t, &decoded, key) {
                    Ok(r) if r == decoded => {
                        changed = false;
                        self.out
                            .extend_from_slice(self.s.slice(k.start - 1, k.end + 1));
                    }
                    Ok(r) => {
                        if self.verify {
                            let p = self.current_path();
                            self.not_transformed.insert(p);
                        }
                        crate::json::write_string(&r, &mut self.out);
                    }
                    Err(why) if self.verify => {
                        let _ = why;
                        let p = self.current_path();
                        self.not_transformed.insert(p);
                    }
                    Err(why) => return Err(self.transform_failed(op, why)),
                }
            }
            (Transform::Hash { prefix }, Some(b'-' | b'0'..=b'9')) => {
                let (a, b, _) = self.s.number()?;
                if self.verify {
                    let p = self.current_path();
                    self.not_transformed.insert(p);
                } else {
                    let r = transform::hash(prefix, self.s.slice(a, b), None, key)
                        .map_err(|why| self.transform_failed(op, why))?;
                    crate::json::write_string(&r, &mut self.out);
                }
            }
            _ => {
                if self.verify {
                    let p = self.current_path();
                    self.not_transformed.insert(p);
                    leaves = self.skip()?;
                } else {
                    // Validate first so a JSON error wins over the transform error.
                    self.skip()?;
                    return Err(self
                        .transform_failed(op, "the value is not of a type this transform takes"));
                }
            }
        }
        if !changed {
            self.kept += leaves;
            return Ok(());
        }
        self.transformed_leaves += leaves;
        let id = self.path_id();
        match self.transformed_at.get(&u64::from(id)) {
            Some(&i) => {
                if let Some(t) = self.transformed.get_mut(i as usize) {
                    t.2 += 1;
                }
            }
            None => {
                let i = self.transformed.len() as u32;
                self.transformed_at.insert(u64::from(id), i);
                self.transformed.push((id, op, 1));
            }
        }
        Ok(())
    }
}

/// The type names in `types` (normalised bits), in POLICY.md's order, joined by ` or `;
/// `number` covers `integer`.
fn type_names(types: u8) -> String {
    let mut names = Vec::new();
    for (bit, name) in [
        (T_STRING, "string"),
        (T_NUMBER, "number"),
        (T_INTEGER, "integer"),
        (T_BOOLEAN, "boolean"),
        (T_NULL, "null"),
        (T_OBJECT, "object"),
        (T_ARRAY, "array"),
    ] {
        if types & bit != 0 && !(bit == T_INTEGER && types & T_NUMBER != 0) {
            names.push(name);
        }
    }
    names.join(" or ")
}

/// Whether written output `v` (one value) is a non-empty string, object or array.
fn non_empty(v: &[u8]) -> bool {
    v.len() > 2 && matches!(v.first(), Some(b'"' | b'{' | b'['))
}

/// Whether the payload holds a non-empty string, object or array at `path` (member names only).
/// A targeted walk: only the objects on the path are entered; everything else is skipped.
/// (`cold_`: out of `Engine::run` in wasm, see scripts/build-wasm: only policies with a
/// justification rule call it, the others do not compile it at their first `minimise`.)
#[cfg_attr(target_arch = "wasm32", inline(never))]
fn cold_justification_present(input: &[u8], segs: &[path::Seg], max_depth: usize) -> Result<bool> {
    let mut s = Scanner::new(input, max_depth);
    let mut dup = DupCheck::default();
    let mut stack = Vec::new();
    let mut scratch = Vec::new();
    for (depth, seg) in segs.iter().enumerate() {
        let path::Seg::Child(name) = seg else {
            return Ok(false);
        };
        s.skip_ws();
        if s.peek() != Some(b'{') || depth + 1 > max_depth {
            return Ok(false);
        }
        s.pos += 1;
        dup.begin();
        s.skip_ws();
        if s.peek() == Some(b'}') {
            return Ok(false);
        }
        loop {
            let k = s.key(&mut dup, &mut scratch)?;
            if s.decoded(k, &mut scratch) == name.as_bytes() {
                break;
            }
            s.scan_value::<false>(&mut Vec::new(), &mut dup, &mut stack, depth + 1)?;
            s.skip_ws();
            match s.peek() {
                Some(b',') => s.pos += 1,
                _ => return Ok(false),
            }
        }
    }
    s.skip_ws();
    Ok(match s.peek() {
        Some(b'"') => {
            let k = s.string()?;
            k.end > k.start
        }
        Some(b'{' | b'[') => {
            s.pos += 1;
            s.skip_ws();
            !matches!(s.peek(), Some(b'}' | b']'))
        }
        _ => false,
    })
}
