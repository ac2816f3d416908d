//! The single-pass engine: walks the payload bytes once, driven by the policy's automaton,
//! writing kept parts straight to the output and skipping removed subtrees without building
//! them (they are still validated strictly).
//!
//! A container whose fate depends on its descendants is written optimistically and rolled back
//! (the output `Vec` truncated) if nothing inside was kept; its children's "not allowed" removals
//! then collapse into one entry for the container, so the receipt names removed subtree roots.

mod apply;
mod justification;
mod removal;
mod required;

use super::cache::{TransCache, NO_SLOT};
use super::receipt::RemovalReason;
use super::trie::{Paths, NO_ID};
use crate::hashindex::IdMap;
use crate::json::scan::Str;
use crate::json::{DupCheck, Scanner};
use crate::policy::compile::{DState, DEAD};
use crate::policy::model::T_ANY;
use crate::policy::Inner;
use crate::sort::StringSet;
use crate::{Error, Result};
use justification::cold_justification_present;
use required::Frame;

#[derive(Clone, Copy)]
enum PathSeg {
    Key(Str),
    Index,
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
            // input) never outgrows it, so it is never reallocated and copied (a smaller
            // capacity is outgrown by any payload that keeps more of itself: a 1 MiB input
            // would copy its kept part and fault in fresh pages on every call).
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

    /// One value at the cursor, in automaton state `st`; `sub` when under a `subtree` rule.
    /// Returns whether anything of it was written to the output.
    // In wasm, what `value` does rarely is in `cold_*` methods kept out of it (`inline(never)`
    // here; scripts/build-wasm's `--no-full-inline=*::cold_*`, as binaryen inlines a
    // function with one caller whatever Rust says). With `container` and `scalar` inlined,
    // `value` is the function V8 recompiles with TurboFan once a `minimise` runs long enough:
    // 15.3 KB of wasm with the cold parts inside, 6.2 KB without, so a fresh process's first
    // 4 KiB `minimise` does not trigger the recompile, and the later one costs less. Native
    // builds inline them.
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
}
