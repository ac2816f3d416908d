//! RFC 8785 JSON Canonicalization Scheme (JCS), for policies and envelope headers only.
//!
//! Payloads never go through here: JCS re-encodes numbers as IEEE-754 doubles, which would
//! round a 30-digit account number. Policies and headers only hold strings, booleans, null and
//! integers, so this implementation accepts integers in the I-JSON safe range (|n| < 2^53) and
//! rejects every other number; that keeps it exact without an ECMAScript number formatter.

use crate::json::Value;
use crate::{Error, ErrorCode, Result};

/// Puts members that are in UTF-8 (code point) order, as `json::Object` and `Metadata` keep
/// them, into RFC 8785's order (§3.2.3: by the UTF-16 code units of the keys). The two differ
/// only between keys above U+FFFF (4-byte UTF-8) and keys in U+E000..=U+FFFF, so without a
/// 4-byte character nothing moves. The one place that knows the rule, for `write_value` and the
/// envelope header's direct writer (`seal::header`).
pub(crate) fn to_utf16_key_order<T>(entries: &mut Vec<T>, key: impl Fn(&T) -> &str) {
    if entries.iter().any(|e| key(e).bytes().any(|b| b >= 0xf0)) {
        crate::sort::sort_by(entries, |a, b| {
            key(a).encode_utf16().cmp(key(b).encode_utf16())
        });
    }
}

/// Largest integer JCS (and JavaScript) represents exactly: 2^53 - 1.
const MAX_SAFE: u64 = (1 << 53) - 1;

/// The RFC 8785 canonical bytes of `value`.
///
/// Errors with [`ErrorCode::InvalidArgument`] on a non-integer or out-of-range number.
pub fn canonicalize(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    write_value(value, &mut out)?;
    Ok(out)
}

fn write_value(value: &Value, out: &mut Vec<u8>) -> Result<()> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(_) => {
            let text = match (value.as_u64(), value.as_i64()) {
                (Some(u), _) if u <= MAX_SAFE => u.to_string(),
                (_, Some(i)) if i.unsigned_abs() <= MAX_SAFE => i.to_string(),
                _ => {
                    return Err(Error::new(
                        ErrorCode::InvalidArgument,
                        "canonical JSON here takes only integers below 2^53 in magnitude",
                    ))
                }
            };
            out.extend_from_slice(text.as_bytes());
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut entries: Vec<&(String, Value)> = map.iter().collect();
            to_utf16_key_order(&mut entries, |e| &e.0);
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(k, out);
                out.push(b':');
                write_value(v, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

/// RFC 8785 §3.2.2.2 string serialisation (the ECMAScript JSON.stringify rules).
pub(crate) fn write_string(s: &str, out: &mut Vec<u8>) {
    crate::json::escape::write_str(s, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::value::parse;

    fn json(text: &str) -> Value {
        parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn sorts_keys_by_utf16_and_escapes_like_ecmascript() {
        // RFC 8785 §3.2.3 example ordering: "\r" < "1" < "\u0080" < "\u00f6" < "\u20ac" < "😀" < "ﬂ"
        let v = json(
            "{\"\u{20ac}\": 1, \"\\r\": 2, \"\u{fb33}\": 3, \"1\": 4, \"\u{1f600}\": 5, \"\u{80}\": 6, \"\u{f6}\": 7}",
        );
        let got = String::from_utf8(canonicalize(&v).unwrap()).unwrap();
        assert_eq!(
            got,
            "{\"\\r\":2,\"1\":4,\"\u{80}\":6,\"\u{f6}\":7,\"\u{20ac}\":1,\"\u{1f600}\":5,\"\u{fb33}\":3}"
        );
        let v = json(r#"{"b": [true, null, "a\u0001\"\\\/"], "a": -9007199254740991}"#);
        assert_eq!(
            String::from_utf8(canonicalize(&v).unwrap()).unwrap(),
            r#"{"a":-9007199254740991,"b":[true,null,"a\u0001\"\\/"]}"#
        );
    }

    #[test]
    fn refuses_inexact_numbers() {
        for v in [
            json("1.5"),
            json("9007199254740992"),
            json("-9007199254740992"),
            json("-0"),
        ] {
            assert_eq!(
                canonicalize(&v).unwrap_err().code(),
                ErrorCode::InvalidArgument
            );
        }
    }
}
