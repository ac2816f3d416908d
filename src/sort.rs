//! The crate's one sort. Each `slice::sort*` instantiation costs several KiB of wasm (driftsort
//! and its small-sorts per element type); this sorts `u32` indices with a `dyn` comparator, so
//! the sort code exists once however many element types the crate orders. Lists of up to 32
//! elements (most calls) take a few-line insertion sort per element type instead, in place.

use core::cmp::Ordering;

/// Stably sorts `v` by `cmp` (equal elements keep their order).
pub(crate) fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    // Short lists (JSON objects, the policy compiler's per-state transitions, rule ids and
    // state sets: most calls) by insertion in place, without the index and slot allocations
    // below, which would cost more than the sorting. Swapping only strictly greater neighbours
    // keeps it stable.
    if v.len() <= 32 {
        for j in 1..v.len() {
            let mut k = j;
            while k > 0 && cmp(&v[k - 1], &v[k]) == Ordering::Greater {
                v.swap(k - 1, k);
                k -= 1;
            }
        }
        return;
    }
    cold_by_indices(v, &cmp);
}

/// [`sort_by`] of a list longer than 32, through [`indices`]. (`cold_`: out of line in wasm, see
/// scripts/build-wasm: each `sort_by` instantiation inlined it, and V8 compiles a function
/// whole at its first call, though the first calls sort mostly short lists.)
#[cfg_attr(target_arch = "wasm32", inline(never))]
fn cold_by_indices<T>(v: &mut Vec<T>, cmp: &dyn Fn(&T, &T) -> Ordering) {
    let order = {
        let items = v.as_slice();
        indices(
            items.len(),
            &mut |a, b| match (items.get(a), items.get(b)) {
                (Some(x), Some(y)) => cmp(x, y),
                _ => Ordering::Equal,
            },
        )
    };
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(
        order
            .iter()
            .filter_map(|&i| slots.get_mut(i as usize).and_then(Option::take)),
    );
}

/// `(key, value)` pairs sorted by key, each key once: of equal keys the one given last wins
/// (objects and metadata built from entries, like repeated inserts).
pub(crate) fn by_key_last_wins<V>(mut pairs: Vec<(String, V)>) -> Vec<(String, V)> {
    sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
    // After a stable sort, the last of equal keys is the one given last.
    let mut out: Vec<(String, V)> = Vec::with_capacity(pairs.len());
    for p in pairs {
        match out.last_mut() {
            Some(prev) if prev.0 == p.0 => *prev = p,
            _ => out.push(p),
        }
    }
    out
}

/// `0..len` stably sorted by `cmp` on the indices. `len` fits in `u32`: every caller sorts
/// parts of one in-memory document, and a wasm address space is 32 bits.
///
/// A bottom-up merge sort, not `slice::sort_by`: std's driftsort with its quicksort and
/// small-sorts is ~5 KB of wasm, which a fresh process compiled at its first policy load
/// (docs/ARCHITECTURE.md, "Cold code"); this is a few hundred bytes. Runs already in order are
/// copied without comparing their elements, so sorted input takes one comparison per run.
fn indices(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<u32> {
    let mut src: Vec<u32> = (0..u32::try_from(len).unwrap_or(u32::MAX)).collect();
    let mut dst = src.clone();
    let mut width = 1;
    while width < src.len() {
        for (from, to) in src.chunks(2 * width).zip(dst.chunks_mut(2 * width)) {
            let (a, b) = from.split_at(width.min(from.len()));
            merge(a, b, to, cmp);
        }
        core::mem::swap(&mut src, &mut dst);
        width *= 2;
    }
    src
}

/// Merges the sorted runs `a` and `b` into `out` (`a.len() + b.len()` long), stably: of equal
/// elements, `a`'s come first.
fn merge(a: &[u32], b: &[u32], out: &mut [u32], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    let (mut i, mut j) = (0, 0);
    let in_order = match (a.last(), b.first()) {
        (Some(&x), Some(&y)) => cmp(x as usize, y as usize) != Ordering::Greater,
        _ => true,
    };
    for slot in out.iter_mut() {
        let take_b = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) => !in_order && cmp(y as usize, x as usize) == Ordering::Less,
            (None, _) => true,
            (Some(_), None) => false,
        };
        *slot = if take_b {
            j += 1;
            b.get(j - 1)
        } else {
            i += 1;
            a.get(i - 1)
        }
        .copied()
        .unwrap_or_default();
    }
}

/// A set of strings without a tree: inserts append, and the list is sorted and deduplicated
/// whenever it has doubled since, so it stays within about twice its distinct size.
#[derive(Default)]
pub(crate) struct StringSet {
    items: Vec<String>,
    distinct: usize,
}

impl StringSet {
    pub(crate) fn insert(&mut self, s: String) {
        self.items.push(s);
        if self.items.len() > 2 * self.distinct + 64 {
            self.compact();
        }
    }

    fn compact(&mut self) {
        sort_by(&mut self.items, String::cmp);
        self.items.dedup();
        self.distinct = self.items.len();
    }

    /// The distinct strings, sorted.
    pub(crate) fn into_sorted(mut self) -> Vec<String> {
        self.compact();
        self.items
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sorts_stably() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        super::sort_by(&mut v, |a, b| a.0.cmp(&b.0));
        assert_eq!(v, [(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]);
        let mut e: Vec<u8> = vec![];
        super::sort_by(&mut e, u8::cmp);
        assert!(e.is_empty());
    }

    /// The merge sort orders like std's stable sort, ties included, on lengths around the
    /// powers of two and on sorted, reversed, few-valued and scattered inputs.
    #[test]
    fn indices_sort_like_std() {
        let mut seed = 0x9e37_79b9_u32;
        for len in [0, 1, 2, 3, 33, 63, 64, 65, 100, 127, 128, 129, 1000, 4097] {
            for kind in 0..4 {
                let keys: Vec<u32> = (0..len as u32)
                    .map(|i| {
                        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                        match kind {
                            0 => i,
                            1 => len as u32 - i,
                            2 => seed >> 30,
                            _ => seed >> 8,
                        }
                    })
                    .collect();
                let got = super::indices(len, &mut |a, b| keys[a].cmp(&keys[b]));
                let mut want: Vec<u32> = (0..len as u32).collect();
                want.sort_by_key(|&i| keys[i as usize]);
                assert_eq!(got, want, "len {len}, kind {kind}");
            }
        }
    }

    #[test]
    fn string_set_dedups() {
        let mut s = super::StringSet::default();
        for i in 0..1000 {
            s.insert(format!("{}", i % 7));
        }
        assert!(s.items.len() <= 2 * 7 + 64);
        assert_eq!(s.into_sorted(), ["0", "1", "2", "3", "4", "5", "6"]);
    }
}
