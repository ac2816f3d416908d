//! Interned collapsed paths (array indices as `[*]`): the receipt's and the errors' paths,
//! built once per distinct path and found by one hash lookup per level.

use crate::hashindex::{hash_bytes, mix, IdMap};
use crate::json::eq_bytes;
use crate::policy::path;

/// No interned id yet for this path level.
pub(super) const NO_ID: u32 = u32::MAX;

/// One interned collapsed path: its parent and last segment (a member name, or `[*]`).
pub(super) struct PNode {
    parent: u32,
    /// Byte range of the decoded member name in `Paths::names`; `None` for `[*]`.
    name: Option<(u32, u32)>,
    /// Next node with the same hash (`NO_ID` ends the chain).
    next: u32,
}

/// Interned collapsed paths (a trie; node 0 is `$`). A path is interned only when something
/// needs it (a removal, a transform, a `required` anchor), by one hash lookup of
/// (parent id, decoded name); its text is built once per distinct path, at the end.
pub(super) struct Paths {
    pub(super) nodes: Vec<PNode>,
    names: Vec<u8>,
    heads: IdMap,
    /// A direct-mapped cache in front of `heads`: node ids by an unkeyed hash of (parent,
    /// name), each hit checked against the node itself. Records repeat the same member names,
    /// so most lookups end here without the keyed hash; a collision (crafted or not) is only a
    /// miss, never a wrong answer.
    cache: Vec<u32>,
}

/// Slots in [`Paths::cache`] (a power of two).
pub(super) const PATH_CACHE: usize = 256;

/// The unkeyed hash of (parent id, name) that picks a [`Paths::cache`] slot.
#[inline]
pub(super) fn cache_slot(parent: u32, name: Option<&[u8]>) -> usize {
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
pub(super) fn node_hash(parent: u32, name: Option<&[u8]>) -> u64 {
    let h = mix(0, u64::from(parent));
    match name {
        None => mix(h, u64::MAX),
        Some(n) => hash_bytes(h, n),
    }
}

impl Paths {
    pub(super) fn new() -> Self {
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
    pub(super) fn is(&self, n: &PNode, parent: u32, name: Option<&[u8]>) -> bool {
        n.parent == parent
            && match (self.name(n), name) {
                (Some(a), Some(b)) => eq_bytes(a, b),
                (a, b) => a.is_none() && b.is_none(),
            }
    }

    pub(super) fn name(&self, n: &PNode) -> Option<&[u8]> {
        n.name
            .map(|(a, b)| self.names.get(a as usize..b as usize).unwrap_or_default())
    }

    /// The id of `parent` + one segment.
    pub(super) fn child(&mut self, parent: u32, name: Option<&[u8]>) -> u32 {
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
    pub(super) fn lookup(&mut self, parent: u32, name: Option<&[u8]>) -> u32 {
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

    pub(super) fn push_seg(&self, n: &PNode, out: &mut String) {
        match self.name(n) {
            None => out.push_str("[*]"),
            Some(b) => path::push_name(out, &String::from_utf8_lossy(b)),
        }
    }

    /// The text of one path.
    pub(super) fn text(&self, id: u32) -> String {
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
    pub(super) fn texts(&self) -> Vec<String> {
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
