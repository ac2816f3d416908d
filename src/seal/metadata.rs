//! Header metadata: a list sorted by key, each key once. A sorted `Vec` rather than a
//! `BTreeMap`: at most 64 entries, and the tree's code cost ~4 KiB of wasm.

use std::collections::BTreeMap;

/// Caller metadata, string to string, kept sorted by key (UTF-8 byte order), keys unique.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    entries: Vec<(String, String)>,
}

impl Metadata {
    /// No entries.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value`; returns the value it replaces.
    pub fn insert(&mut self, key: String, value: String) -> Option<String> {
        match self.entries.binary_search_by(|e| e.0.cmp(&key)) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|e| std::mem::replace(&mut e.1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        let i = self.entries.binary_search_by(|e| e.0.as_str().cmp(key));
        i.ok()
            .and_then(|i| self.entries.get(i))
            .map(|e| e.1.as_str())
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

/// Of two equal keys the later one is kept, as with repeated [`Metadata::insert`]; sorts once
/// rather than inserting one by one, so building from many entries stays O(n log n).
impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Metadata {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let all = iter
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self {
            entries: crate::sort::by_key_last_wins(all),
        }
    }
}

impl From<BTreeMap<String, String>> for Metadata {
    fn from(map: BTreeMap<String, String>) -> Self {
        Self {
            entries: map.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Metadata;

    #[test]
    fn sorted_unique_last_wins() {
        let mut m: Metadata = [("b", "1"), ("a", "2"), ("b", "3")].into_iter().collect();
        assert_eq!(m.iter().collect::<Vec<_>>().len(), 2);
        assert_eq!(m.get("b"), Some("3"));
        assert_eq!(m.insert("a".into(), "4".into()).as_deref(), Some("2"));
        assert_eq!(m.insert("0".into(), "5".into()), None);
        let keys: Vec<&String> = m.iter().map(|e| e.0).collect();
        assert_eq!(keys, ["0", "a", "b"]);
        assert_eq!((m.len(), m.get("c")), (3, None));
    }
}
