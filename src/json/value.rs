//! A small JSON tree for the few documents this crate reads whole (policies, JWKs, JWK Sets,
//! envelope headers, JSON envelopes), built by the crate's strict scanner: duplicate keys, lone
//! surrogates, bad UTF-8 and trailing bytes are refused with the same codes as
//! [`validate`](super::validate). Payloads never go through here: the minimisation engine
//! scans them in one pass.
//!
//! Our own type rather than `serde_json::Value`: serde_json, its `BTreeMap` and the serde
//! visitors would be about a third of the wasm package.

use super::{precheck, DupCheck, Limits, Scanner};
use crate::Result;

/// A JSON value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as its exact text (RFC 8259 grammar; never through a float).
    Number(String),
    /// A string, decoded.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Object),
}

/// An object's members, sorted by the keys' bytes (UTF-8 order), each key once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Object {
    members: Vec<(String, Value)>,
}

impl Object {
    /// An object of `members`; of two equal keys the later one is kept.
    pub fn new(members: Vec<(String, Value)>) -> Object {
        Object {
            members: crate::sort::by_key_last_wins(members),
        }
    }

    fn find(&self, key: &str) -> core::result::Result<usize, usize> {
        self.members.binary_search_by(|m| m.0.as_str().cmp(key))
    }

    /// The value of member `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.find(key)
            .ok()
            .and_then(|i| self.members.get(i))
            .map(|m| &m.1)
    }

    /// Whether member `key` exists.
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets member `key` to `value`, replacing any earlier value.
    pub fn insert(&mut self, key: &str, value: Value) {
        match self.find(key) {
            Ok(i) => self.members[i].1 = value,
            Err(i) => self.members.insert(i, (key.to_string(), value)),
        }
    }

    /// The value of member `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match self.find(key) {
            Ok(i) => self.members.get_mut(i).map(|m| &mut m.1),
            Err(_) => None,
        }
    }

    /// Removes and returns member `key`.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.find(key).ok().map(|i| self.members.remove(i).1)
    }

    /// The keys, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|m| m.0.as_str())
    }

    /// The members, sorted by key.
    pub fn iter(&self) -> core::slice::Iter<'_, (String, Value)> {
        self.members.iter()
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

impl<'a> IntoIterator for &'a Object {
    type Item = &'a (String, Value);
    type IntoIter = core::slice::Iter<'a, (String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.members.iter()
    }
}

impl Value {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Self::String(_))
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Self::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The number, if it is written as an integer (no fraction or exponent) in `0..2^64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Self::Number(n) if n.bytes().all(|b| b.is_ascii_digit()) => n.parse().ok(),
            _ => None,
        }
    }

    /// The number, if it is written as an integer in the `i64` range. `-0` is not one (as
    /// in serde_json, which read it as the float −0.0).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Number(n) if n != "-0" && !n.contains(['.', 'e', 'E']) => n.parse().ok(),
            _ => None,
        }
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Number(n.to_string())
    }
}

/// Nesting accepted by [`parse`] (serde_json's limit, which this reader replaced).
const MAX_DEPTH: usize = 128;

/// Parses `bytes` as one strict JSON text (at most 128 levels deep). Errors: `invalid_utf8`,
/// `invalid_json`, `duplicate_key`, `too_deep`, each naming the byte offset.
///
/// Public only with the `fuzzing` feature (for tests that build a [`Value`] from text); the
/// library reads policies, JWKs, headers and JSON envelopes through it.
#[cfg(feature = "fuzzing")]
pub fn parse(bytes: &[u8]) -> Result<Value> {
    parse_default(bytes)
}

/// See the public [`parse`] of the `fuzzing` feature.
#[cfg(not(feature = "fuzzing"))]
pub(crate) fn parse(bytes: &[u8]) -> Result<Value> {
    parse_default(bytes)
}

fn parse_default(bytes: &[u8]) -> Result<Value> {
    parse_within(
        bytes,
        &Limits {
            max_bytes: usize::MAX,
            max_depth: MAX_DEPTH,
        },
    )
}

/// [`parse`] within `limits` (`too_large` too).
pub(crate) fn parse_within(bytes: &[u8], limits: &Limits) -> Result<Value> {
    precheck(bytes, limits)?;
    let mut s = Scanner::new(bytes, limits.depth());
    let mut r = Reader {
        dup: DupCheck::default(),
        scratch: Vec::new(),
    };
    let v = r.value(&mut s, 0)?;
    s.finish()?;
    Ok(v)
}

struct Reader {
    dup: DupCheck,
    scratch: Vec<u8>,
}

impl Reader {
    fn text(&mut self, s: &Scanner, tok: super::scan::Str) -> String {
        // UTF-8 was checked up front and escapes decode to UTF-8.
        String::from_utf8_lossy(s.decoded(tok, &mut self.scratch)).into_owned()
    }

    /// One value; `depth` containers are open around it.
    fn value(&mut self, s: &mut Scanner, depth: usize) -> Result<Value> {
        s.skip_ws();
        match s.peek() {
            Some(open @ (b'{' | b'[')) => {
                if depth + 1 > s.max_depth {
                    return Err(s.too_deep());
                }
                s.pos += 1;
                s.skip_ws();
                if open == b'[' {
                    let mut items = Vec::new();
                    if s.peek() == Some(b']') {
                        s.pos += 1;
                    } else {
                        loop {
                            items.push(self.value(s, depth + 1)?);
                            if s.comma_or_close(b']')? {
                                break;
                            }
                        }
                    }
                    return Ok(Value::Array(items));
                }
                let mut members = Vec::new();
                if s.peek() == Some(b'}') {
                    s.pos += 1;
                } else {
                    self.dup.begin();
                    loop {
                        let k = s.key(&mut self.dup, &mut self.scratch)?;
                        let key = self.text(s, k);
                        members.push((key, self.value(s, depth + 1)?));
                        if s.comma_or_close(b'}')? {
                            break;
                        }
                    }
                    self.dup.end();
                }
                // Keys are unique (checked above), so nothing is dropped.
                Ok(Value::Object(Object::new(members)))
            }
            Some(b'"') => {
                let tok = s.string()?;
                Ok(Value::String(self.text(s, tok)))
            }
            Some(b'-' | b'0'..=b'9') => {
                let (a, b, _) = s.number()?;
                Ok(Value::Number(
                    String::from_utf8_lossy(s.slice(a, b)).into_owned(),
                ))
            }
            Some(b't') => s.literal().map(|_| Value::Bool(true)),
            Some(b'f') => s.literal().map(|_| Value::Bool(false)),
            Some(b'n') => s.literal().map(|_| Value::Null),
            None => Err(s.err("unexpected end of input")),
            Some(_) => Err(s.err("expected a value")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn refuses_duplicates_at_any_depth_and_trailing_bytes() {
        assert!(parse(br#"{"a":1,"b":{"c":1}}"#).is_ok());
        let code = |b: &[u8]| parse(b).unwrap_err().code();
        assert_eq!(code(br#"{"a":1,"a":2}"#), ErrorCode::DuplicateKey);
        assert_eq!(code(br#"{"a":[{"x":1,"x":1}]}"#), ErrorCode::DuplicateKey);
        assert_eq!(code(br#"{"a":1} x"#), ErrorCode::InvalidJson);
        assert_eq!(code(br#""\ud800""#), ErrorCode::InvalidJson);
        let deep = "[".repeat(129) + &"]".repeat(129);
        assert_eq!(code(deep.as_bytes()), ErrorCode::TooDeep);
    }

    #[test]
    fn reads_members_sorted_and_numbers_exactly() {
        let v = parse(br#"{"b":[1,-2,1.5,-0],"a":"\u00e9","c":null}"#).unwrap();
        let o = v.as_object().unwrap();
        assert_eq!(o.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(o.get("a").and_then(Value::as_str), Some("\u{e9}"));
        let Some(Value::Array(a)) = o.get("b") else {
            panic!()
        };
        assert_eq!(a[0].as_u64(), Some(1));
        assert_eq!((a[1].as_u64(), a[1].as_i64()), (None, Some(-2)));
        assert_eq!((a[2].as_u64(), a[2].as_i64()), (None, None));
        assert_eq!(a[3].as_i64(), None);
        assert_eq!(o.get("c"), Some(&Value::Null));
        assert_eq!(parse(b"18446744073709551616").unwrap().as_u64(), None);
    }
}
