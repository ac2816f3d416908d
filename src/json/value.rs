//! A duplicate-rejecting reader into `serde_json::Value`, for the small documents this crate
//! parses itself (JWKs, JWK Sets, envelope headers and JSON envelopes). Payloads never go
//! through here: they are scanned in one pass by the minimisation engine.
//!
//! `serde_json::Value` silently keeps the last of two equal keys; a key or header that means
//! one thing to us and another to a different parser is exactly what strict parsing must
//! refuse. This wraps serde_json's tokenizer (one pass) with a map visitor that errors on a
//! repeated key.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Why strict parsing failed: a syntax error (with serde_json's line/column) or a duplicate key.
#[derive(Debug)]
pub(crate) enum StrictError {
    /// Not JSON, trailing bytes, lone surrogates, … (message names line and column only).
    Syntax(String),
    /// The same key twice in one object.
    Duplicate(String),
}

impl fmt::Display for StrictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax(s) => write!(f, "invalid JSON ({s})"),
            Self::Duplicate(s) => write!(f, "{s}"),
        }
    }
}

struct StrictValue(Value);

const DUP_PREFIX: &str = "duplicate key ";

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // Kept as a float; every schema in this crate then refuses it (integers only).
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                // The key name is structure, not a value: safe to name.
                return Err(de::Error::custom(format!("{DUP_PREFIX}\"{key}\"")));
            }
            let StrictValue(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

/// Parses `bytes` as one JSON value, refusing duplicate keys and trailing non-whitespace.
pub(crate) fn parse(bytes: &[u8]) -> Result<Value, StrictError> {
    serde_json::from_slice::<StrictValue>(bytes)
        .map(|v| v.0)
        .map_err(|e| {
            let msg = e.to_string();
            if msg.starts_with(DUP_PREFIX) {
                StrictError::Duplicate(msg)
            } else {
                // serde_json's syntax messages name a line and column, never the input.
                StrictError::Syntax(format!("line {}, column {}", e.line(), e.column()))
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_duplicates_at_any_depth_and_trailing_bytes() {
        assert!(parse(br#"{"a":1,"b":{"c":1}}"#).is_ok());
        assert!(matches!(
            parse(br#"{"a":1,"a":2}"#),
            Err(StrictError::Duplicate(_))
        ));
        assert!(matches!(
            parse(br#"{"a":[{"x":1,"x":1}]}"#),
            Err(StrictError::Duplicate(_))
        ));
        assert!(matches!(
            parse(br#"{"a":1} x"#),
            Err(StrictError::Syntax(_))
        ));
        assert!(matches!(parse(br#""\ud800""#), Err(StrictError::Syntax(_))));
    }
}
