//! Removals: skipping a removed value (still validated strictly), walking one for forbidden
//! fields below it, and recording each removal by path and reason (collapsed into the removed
//! container when nothing inside it was kept).

use super::{reason_slot, Engine, Event, NO_ID};
use crate::minimise::receipt::RemovalReason;
use crate::Result;

impl Engine<'_> {
    /// Validates and skips the value at the cursor; returns its leaves. Every caller has
    /// skipped the whitespace before the value already (`value`, `hopeless`, `walk_forbidden`),
    /// so this does not again (one `skip_ws` per removed value less).
    #[inline]
    pub(super) fn skip(&mut self) -> Result<u64> {
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

    pub(super) fn remove(&mut self, reason: RemovalReason, leaves: u64) {
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
    pub(super) fn tally(&mut self, e: Event) {
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
    pub(super) fn tally_new(&mut self, e: Event) {
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

    pub(super) fn skip_removed(&mut self, reason: RemovalReason) -> Result<bool> {
        let leaves = self.skip()?;
        self.remove(reason, leaves);
        Ok(false)
    }

    /// A value in state `st`, outside any `subtree`, where no rule can match it or anything
    /// below it: it is removed. Gives the same receipt entries as [`Self::value`] would (its
    /// `not_allowed` leaves in one entry, forbidden subtrees inside it on their own), but never
    /// writes, and is walked by the automaton only when a forbidden path can lie below.
    pub(super) fn hopeless(&mut self, st: u32) -> Result<()> {
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

    /// Validates a removed value in state `st` (not itself forbidden), recording forbidden
    /// subtrees below it; returns its other leaves.
    pub(super) fn walk_forbidden(&mut self, st: u32) -> Result<u64> {
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

    /// The container at the current path was removed whole: its children's `not_allowed`
    /// entries become one entry for it; other reasons stay (they say more).
    pub(super) fn collapse(&mut self, mark: usize) {
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
}
