//! Compiles rule and forbidden paths into a deterministic automaton over path steps.
//!
//! Paths first form a trie (an NFA: `..name` becomes a state that loops on every step); subset
//! construction then gives a DFA whose states hold everything the engine needs at a node: which
//! rules match (merged), whether it is forbidden, and the `required` bookkeeping. The engine does
//! one table lookup per member or element and never looks at path text.

use super::model::{Doc, RuleDef, T_ANY};
use super::path::Seg;
use crate::hashindex::{hash_bytes, mix, HashIndex};
use std::sync::Arc;

/// Most path segments in one policy, rules and forbidden paths together (`$` not counted;
/// `..name` counts once). The built-in profiles have under 200; the automaton's input (the trie)
/// has at most two states per segment.
pub const MAX_PATH_SEGMENTS: usize = 16_384;

/// Most automaton states. Descendant segments (`..name`) make the subset construction
/// exponential in the worst case; the built-in profiles need under 200 states.
pub const MAX_STATES: usize = 10_000;

/// Most subset-construction steps ([`Budget`]): what bounds compile time and memory. The state
/// limit alone does not: a few thousand states, each a set of thousands of trie states with
/// thousands of transitions, took seconds and hundreds of MB. Within this budget the costliest
/// policy compiles in tens of milliseconds natively (docs/POLICY.md, "Limits"); the built-in
/// profiles use at most 2.2 % of it (`builtin_profiles_are_far_inside_the_limits`).
pub(crate) const MAX_COMPILE_STEPS: u64 = 2_000_000;

/// The dead state: nothing can match here or below.
pub(crate) const DEAD: u32 = 0;

/// The id in [`DState::satisfies`] that marks the `sensitive.justification` node (rules and
/// `required_any_of` groups have the ids below).
pub(crate) const JUSTIFICATION: u16 = u16::MAX;

#[derive(Default, Debug)]
struct NState {
    /// `(name id, target)`; ids are ranks in byte order once `Nfa::rank_names` has run.
    named: Vec<(u32, u32)>,
    wild: Option<u32>,
    desc: Option<u32>,
    loops: bool,
    rules: Vec<u16>,
    forbidden: bool,
    anchors: Vec<u16>,
    satisfies: Vec<(u16, u16)>,
}

/// What the rules matching a node say, merged (a node may match several paths).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Match {
    /// Types every matching rule admits (normalised bits).
    pub(crate) types: u8,
    /// `Some(all categories allowed)` when any matching rule has a category.
    pub(crate) sensitive: Option<bool>,
    /// The first matching rule (in document order) with a transform.
    pub(crate) transform: Option<u16>,
    /// Some matching rule says `subtree`.
    pub(crate) subtree: bool,
}

/// One DFA state.
#[derive(Debug)]
pub(crate) struct DState {
    /// Member-name transitions, sorted by name; names not listed go to `other`.
    named: Box<[(Arc<[u8]>, u32)]>,
    /// Transition for array elements and for unnamed members.
    pub(crate) other: u32,
    pub(crate) matched: Option<Match>,
    pub(crate) forbidden: bool,
    /// `required` rules checked at this node: their suffix must appear below.
    pub(crate) anchors: Box<[u16]>,
    /// `(rule, k)`: a kept node here satisfies rule's requirement opened `k` levels up.
    pub(crate) satisfies: Box<[(u16, u16)]>,
    /// Some rule matches here or in a state reachable from here: outside a `subtree`, a node
    /// in a state without this can never be kept (the engine then skips it without writing).
    pub(crate) can_keep: bool,
    /// A forbidden state is reachable from here (this one included): a removed subtree must
    /// still be walked to report forbidden fields inside it.
    pub(crate) forbid_below: bool,
}

impl DState {
    /// The state for member `name` (decoded key bytes).
    #[inline]
    pub(crate) fn child(&self, name: &[u8]) -> u32 {
        if self.named.len() <= 8 {
            for (n, s) in self.named.iter() {
                if **n == *name {
                    return *s;
                }
            }
            return self.other;
        }
        match self.named.binary_search_by(|(n, _)| (**n).cmp(name)) {
            Ok(i) => self.named.get(i).map_or(self.other, |e| e.1),
            Err(_) => self.other,
        }
    }
}

/// The automaton.
#[derive(Debug)]
pub(crate) struct Automaton {
    pub(crate) states: Vec<DState>,
    pub(crate) start: u32,
}

struct Nfa {
    s: Vec<NState>,
    /// Every member name the paths use, by id.
    names: Vec<String>,
    /// `names` by hash.
    ids: HashIndex,
    /// Every named transition `(from, name id, to)`, and them by hash of `(from, name id)`.
    edges: Vec<(u32, u32, u32)>,
    edge_ix: HashIndex,
}

impl Nfa {
    fn new_state(&mut self, loops: bool) -> u32 {
        self.s.push(NState {
            loops,
            ..NState::default()
        });
        (self.s.len() - 1) as u32
    }

    /// Adds a path; returns the state after each prefix (`len + 1` states).
    fn insert(&mut self, path: &[Seg]) -> Vec<u32> {
        let mut cur = 0u32;
        let mut trail = vec![0];
        for seg in path {
            cur = match seg {
                Seg::Child(n) => self.named(cur, n),
                Seg::Wild => match self.s[cur as usize].wild {
                    Some(w) => w,
                    None => {
                        let w = self.new_state(false);
                        self.s[cur as usize].wild = Some(w);
                        w
                    }
                },
                Seg::Desc(n) => {
                    let d = match self.s[cur as usize].desc {
                        Some(d) => d,
                        None => {
                            let d = self.new_state(true);
                            self.s[cur as usize].desc = Some(d);
                            d
                        }
                    };
                    self.named(d, n)
                }
            };
            trail.push(cur);
        }
        trail
    }

    fn named(&mut self, from: u32, n: &str) -> u32 {
        let h = hash_bytes(0, n.as_bytes());
        let names = &self.names;
        let id = match self.ids.find(h, |i| names.get(i).is_some_and(|s| s == n)) {
            Some(id) => id as u32,
            None => {
                self.names.push(n.to_owned());
                self.ids.push(h) as u32
            }
        };
        // Found by hash, not by a scan of `from`'s transitions: a state with thousands of
        // them (`$.a0` … `$.a4095`) made loading quadratic.
        let h = mix(mix(0, from.into()), id.into());
        let edges = &self.edges;
        if let Some(e) = self.edge_ix.find(h, |e| {
            edges.get(e).is_some_and(|e| e.0 == from && e.1 == id)
        }) {
            return self.edges.get(e).map_or(DEAD, |e| e.2);
        }
        let t = self.new_state(false);
        self.s[from as usize].named.push((id, t));
        self.edges.push((from, id, t));
        self.edge_ix.push(h);
        t
    }

    /// Renumbers name ids in byte order of the names (so sorting transitions by id sorts them
    /// by name) and returns the names in that order.
    fn rank_names(&mut self) -> Vec<Arc<[u8]>> {
        let mut sorted: Vec<&str> = self.names.iter().map(String::as_str).collect();
        crate::sort::sort_by(&mut sorted, |a, b| a.cmp(b));
        // Names are distinct, so each is found at its rank.
        let rank: Vec<u32> = self
            .names
            .iter()
            .map(|n| sorted.binary_search(&n.as_str()).map_or(0, |i| i as u32))
            .collect();
        let sorted: Vec<Arc<[u8]>> = sorted.iter().map(|n| n.as_bytes().into()).collect();
        for st in &mut self.s {
            for e in &mut st.named {
                e.0 = rank[e.0 as usize];
            }
        }
        sorted
    }

    /// Adds the `..` state of every member of `set` (a `..` state has no `..` state of its own:
    /// a path's step after `..` is a name), then sorts it: linear, not a `contains` scan per
    /// member (sets of thousands of states made that quadratic).
    fn close(&self, set: &mut Vec<u32>, budget: &mut Budget) -> Result<(), String> {
        budget.spend(set.len())?;
        let mut i = 0;
        while let Some(&q) = set.get(i) {
            set.extend(self.s.get(q as usize).and_then(|st| st.desc));
            i += 1;
        }
        crate::sort::sort_by(set, u32::cmp);
        set.dedup();
        Ok(())
    }
}

/// The subset construction's work counter. Every step that costs time or keeps memory spends
/// from it: each trie state of a set visited, each transition gathered, each member of a new
/// set built, hashed or compared, each rule, anchor and requirement copied into a state. So the
/// automaton's size and the time to build it are both bounded by [`MAX_COMPILE_STEPS`], whatever
/// the policy (a state or segment limit alone bounds neither).
pub(crate) struct Budget {
    /// Steps spent so far.
    pub(crate) used: u64,
    max: u64,
}

impl Budget {
    pub(crate) fn new(max: u64) -> Self {
        Self { used: 0, max }
    }

    /// Pays `n` steps before they are taken; refuses (spending nothing) past the budget.
    #[inline]
    fn spend(&mut self, n: usize) -> Result<(), String> {
        let used = self.used.saturating_add(n as u64);
        if used <= self.max {
            self.used = used;
        } else {
            return Err(format!(
                "the policy's paths are too complex to compile: over the max_compile_steps limit of {}",
                self.max
            ));
        }
        Ok(())
    }
}

/// Total path segments of the rules and forbidden paths.
fn segments(doc: &Doc) -> usize {
    let rules = doc.rules.iter().map(|r| r.path.len());
    rules.chain(doc.forbidden.iter().map(Vec::len)).sum()
}

/// Builds the automaton; `Err` (naming the limit) if the policy is too complex.
pub(crate) fn compile(doc: &Doc) -> Result<Automaton, String> {
    compile_within(doc, &mut Budget::new(MAX_COMPILE_STEPS))
}

/// [`compile`], spending from `budget`.
pub(crate) fn compile_within(doc: &Doc, budget: &mut Budget) -> Result<Automaton, String> {
    let n = segments(doc);
    if n > MAX_PATH_SEGMENTS {
        return Err(format!(
            "$.rules and $.forbidden: {n} path segments in all, over the max_path_segments limit of {MAX_PATH_SEGMENTS}"
        ));
    }
    let mut nfa = Nfa {
        s: vec![NState::default()],
        names: Vec::new(),
        ids: HashIndex::default(),
        edges: Vec::new(),
        edge_ix: HashIndex::default(),
    };
    for (i, r) in doc.rules.iter().enumerate() {
        let trail = nfa.insert(&r.path);
        let last = trail.len() - 1;
        nfa.s[trail[last] as usize].rules.push(i as u16);
        if r.required {
            // The anchor is the node after the last wildcard before the final step; below it
            // the suffix is literal names (and perhaps a final [*]).
            let a = r.path[..last.saturating_sub(1)]
                .iter()
                .rposition(|s| !matches!(s, Seg::Child(_)))
                .map_or(0, |p| p + 1);
            nfa.s[trail[a] as usize].anchors.push(i as u16);
            nfa.s[trail[last] as usize]
                .satisfies
                .push((i as u16, (last - a) as u16));
        }
    }
    // `required_any_of` groups, as ids after the rules': anchored like a `required` rule, and
    // satisfied by any of their paths.
    for (g, group) in doc.any_of.iter().enumerate() {
        let id = (doc.rules.len() + g) as u16;
        let a = group.anchor_len();
        for (n, p) in group.paths.iter().enumerate() {
            let trail = nfa.insert(p);
            if n == 0 {
                nfa.s[trail[a] as usize].anchors.push(id);
            }
            nfa.s[trail[p.len()] as usize]
                .satisfies
                .push((id, (p.len() - a) as u16));
        }
    }
    if let Some(j) = &doc.justification {
        let trail = nfa.insert(j);
        nfa.s[trail[j.len()] as usize]
            .satisfies
            .push((JUSTIFICATION, 0));
    }
    for f in &doc.forbidden {
        let trail = nfa.insert(f);
        if let Some(&t) = trail.last() {
            nfa.s[t as usize].forbidden = true;
        }
    }

    let names = nfa.rank_names();

    // Subset construction: each DFA state is a closed set of NFA states ([`Subsets`]).
    let mut dfa = Subsets::default();
    dfa.intern(&[], budget)?; // DEAD
    let mut root = vec![0];
    nfa.close(&mut root, budget)?;
    dfa.intern(&root, budget)?;
    let mut states = Vec::new();
    let mut edges: Vec<u64> = Vec::new();
    let mut k = 0;
    while k < dfa.sets.len() {
        let set = core::mem::take(&mut dfa.sets[k]);
        let st = dfa.state(&nfa, &names, doc, &set, &mut edges, budget);
        dfa.sets[k] = set;
        states.push(st?);
        if dfa.sets.len() > MAX_STATES {
            return Err(format!(
                "the policy's paths are too complex to compile: over the max_states limit of {MAX_STATES} automaton states"
            ));
        }
        k += 1;
    }
    propagate_reach(&mut states, budget)?;
    Ok(Automaton { states, start: 1 })
}

/// A state's named transitions: `(name, successor)`, sorted by name.
type Named = Vec<(Arc<[u8]>, u32)>;

/// The DFA states found so far (closed NFA state sets), each id its index in `sets`, found by
/// hash through `ids`.
///
/// Its methods stay out of line (`#[inline(never)]` here, and `scripts/build-wasm` tells
/// wasm-opt not to inline them either): V8 runs wasm first in baseline code and recompiles a
/// function with TurboFan, on a background thread, once that function has run enough code.
/// Inlined into one 13 KiB loading function, the subset construction made V8 recompile all of
/// it during the first `Policy.builtin` of a fresh process: ~35 ms of CPU, which a loaded
/// machine takes from the cold start (docs/BENCHMARKS.md, "Less to compile at the first call").
#[derive(Default)]
struct Subsets {
    ids: HashIndex,
    sets: Vec<Vec<u32>>,
}

impl Subsets {
    /// The id of closed set `t`, added if new (looked up by slice, so only a new state
    /// allocates). Hashing, comparing and storing `t` are paid for from `budget`.
    #[inline(never)]
    fn intern(&mut self, t: &[u32], budget: &mut Budget) -> Result<u32, String> {
        budget.spend(t.len() + 1)?;
        let h = t.len() as u64;
        let h = t.iter().fold(h, |h, &q| mix(h, q.into()));
        let sets = &self.sets;
        let mut compared = 0usize;
        let found = self.ids.find(h, |i| {
            compared += t.len();
            sets.get(i).is_some_and(|s| s == t)
        });
        budget.spend(compared)?;
        if let Some(id) = found {
            return Ok(id as u32);
        }
        budget.spend(t.len())?;
        self.sets.push(t.to_vec());
        Ok(self.ids.push(h) as u32)
    }

    /// DFA state `set` (closed): its transitions, found by [`Subsets::successors`], and what
    /// its NFA states say.
    #[inline(never)]
    fn state(
        &mut self,
        nfa: &Nfa,
        names: &[Arc<[u8]>],
        doc: &Doc,
        set: &[u32],
        edges: &mut Vec<u64>,
        budget: &mut Budget,
    ) -> Result<DState, String> {
        let (other, named) = self.successors(nfa, names, set, edges, budget)?;
        let info = set.iter().filter_map(|&q| nfa.s.get(q as usize));
        budget.spend(
            info.map(|st| st.rules.len() + st.anchors.len() + st.satisfies.len())
                .sum(),
        )?;
        let mut rules: Vec<u16> = set
            .iter()
            .flat_map(|&q| nfa.s[q as usize].rules.iter().copied())
            .collect();
        crate::sort::sort_by(&mut rules, u16::cmp);
        let matched = (!rules.is_empty()).then(|| merge(&doc.rules, &rules, &doc.allow));
        check_transform_output(&doc.rules, &rules, matched.as_ref())?;
        Ok(DState {
            named: named.into(),
            other,
            matched,
            forbidden: set.iter().any(|&q| nfa.s[q as usize].forbidden),
            anchors: set
                .iter()
                .flat_map(|&q| nfa.s[q as usize].anchors.iter().copied())
                .collect(),
            satisfies: set
                .iter()
                .flat_map(|&q| nfa.s[q as usize].satisfies.iter().copied())
                .collect(),
            can_keep: matched.is_some(),
            forbid_below: set.iter().any(|&q| nfa.s[q as usize].forbidden),
        })
    }

    /// The transitions of state `set`: `other` (wildcards and `..` loops only: every name no
    /// member has a transition on, and array elements) and one successor per name some member
    /// has a transition on, sorted by name. Transitions are gathered once per state and
    /// grouped by name id, so the work is linear in the edges, not names × edges.
    #[inline(never)]
    fn successors(
        &mut self,
        nfa: &Nfa,
        names: &[Arc<[u8]>],
        set: &[u32],
        edges: &mut Vec<u64>,
        budget: &mut Budget,
    ) -> Result<(u32, Named), String> {
        // What every step leads to, whatever the name: wildcards, and `..` states loop.
        let mut base = Vec::new();
        edges.clear();
        budget.spend(set.len())?;
        for &q in set {
            let st = &nfa.s[q as usize];
            base.extend(st.wild);
            if st.loops {
                base.push(q);
            }
            budget.spend(st.named.len())?;
            edges.extend(
                st.named
                    .iter()
                    .map(|&(n, t)| u64::from(n) << 32 | u64::from(t)),
            );
        }
        let mut other_set = base.clone();
        nfa.close(&mut other_set, budget)?;
        let other = self.intern(&other_set, budget)?;
        crate::sort::sort_by(edges, u64::cmp);
        let mut named: Named = Vec::new();
        let mut t = Vec::new();
        let mut i = 0;
        while let Some(&e) = edges.get(i) {
            let n = (e >> 32) as u32;
            t.clear();
            t.extend_from_slice(&base);
            while let Some(&e) = edges.get(i).filter(|&&e| (e >> 32) as u32 == n) {
                t.push(e as u32);
                i += 1;
            }
            nfa.close(&mut t, budget)?;
            budget.spend(t.len())?; // the comparison with `other_set`
            if t != other_set {
                // Ids are ranks in byte order, so `named` comes out sorted by name; the names
                // are shared, not copied, between states.
                if let Some(name) = names.get(n as usize) {
                    named.push((name.clone(), self.intern(&t, budget)?));
                }
            }
        }
        Ok((other, named))
    }
}

/// Closes `can_keep` and `forbid_below` over the transitions (a fixpoint: a state has the flag
/// if any successor has it). States are numbered in the order the subset construction found
/// them, so successors mostly come later: visiting them last to first carries the flags back
/// in about one pass, plus one that changes nothing (first to last took a pass per level of
/// the automaton, ~10 for the built-in profiles: work V8 runs in its baseline code on the first
/// `Policy.builtin` of a fresh process). A policy whose flags need many passes pays for each
/// one from `budget`.
fn propagate_reach(states: &mut [DState], budget: &mut Budget) -> Result<(), String> {
    let pass: usize = states.iter().map(|d| d.named.len() + 1).sum();
    loop {
        budget.spend(pass)?;
        let mut changed = false;
        for i in (0..states.len()).rev() {
            let Some(ds) = states.get(i) else { continue };
            let succ = ds
                .named
                .iter()
                .map(|e| e.1)
                .chain(core::iter::once(ds.other));
            let (mut keep, mut forbid) = (ds.can_keep, ds.forbid_below);
            for t in succ {
                if let Some(d) = states.get(t as usize) {
                    keep |= d.can_keep;
                    forbid |= d.forbid_below;
                }
            }
            if let Some(ds) = states.get_mut(i) {
                if (keep, forbid) != (ds.can_keep, ds.forbid_below) {
                    ds.can_keep = keep;
                    ds.forbid_below = forbid;
                    changed = true;
                }
            }
        }
        if !changed {
            return Ok(());
        }
    }
}

/// A node several rules match is kept only if its value passes every rule's `type`; if one of
/// them transforms it into a value another rule's `type` refuses, a second pass would remove
/// what the first kept. That breaks idempotence, so such a policy is refused at load.
fn check_transform_output(all: &[RuleDef], rules: &[u16], m: Option<&Match>) -> Result<(), String> {
    let Some(m) = m else { return Ok(()) };
    let Some(t) = m
        .transform
        .and_then(|i| all.get(usize::from(i))?.transform.as_ref())
    else {
        return Ok(());
    };
    let out = t.output_type();
    // A number type admits integers too (normalised bits), so test the output bit alone.
    if m.types & out != 0 {
        return Ok(());
    }
    let names: Vec<String> = rules
        .iter()
        .filter_map(|&i| all.get(usize::from(i)).map(|r| (i, r)))
        .map(|(i, r)| format!("rules[{i}] ({})", super::path::display(&r.path)))
        .collect();
    Err(format!(
        "{} match the same nodes, but the `{}` transform writes a value their `type` does not admit",
        names.join(" and "),
        t.op()
    ))
}

fn merge(all: &[RuleDef], rules: &[u16], allow: &[usize]) -> Match {
    let mut m = Match {
        types: T_ANY,
        sensitive: None,
        transform: None,
        subtree: false,
    };
    for &i in rules {
        let Some(r) = all.get(usize::from(i)) else {
            continue;
        };
        m.types &= r.types;
        if let Some(c) = r.category {
            m.sensitive = Some(m.sensitive.unwrap_or(true) && allow.contains(&c));
        }
        if m.transform.is_none() && r.transform.is_some() {
            m.transform = Some(i);
        }
        m.subtree |= r.subtree;
    }
    m
}

#[cfg(test)]
#[path = "compile_tests.rs"]
mod tests;
