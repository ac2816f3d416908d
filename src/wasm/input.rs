//! Converting JS arguments into what the core takes. Every JS type is checked here: a wrong
//! type, `null` or `undefined` is `invalid_argument`, never a panic or a coercion.

use super::error::{invalid_argument, to_js, JsResult};
use crate::{Error, ErrorCode};
use js_sys::{Object, Reflect, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};

/// A JS string, or `None` if `v` is not one.
pub(crate) fn string(v: &JsValue) -> Option<String> {
    v.as_string()
}

/// A `Uint8Array`'s bytes, or `None` if `v` is not one.
pub(crate) fn bytes(v: &JsValue) -> Option<Vec<u8>> {
    v.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec)
}

/// True for a plain object or array (not null, not a typed array, not a function).
fn is_object(v: &JsValue) -> bool {
    v.is_object() && !v.is_function() && !v.is_instance_of::<Uint8Array>()
}

/// `JSON.stringify(v)` for an object or array: JS's own number formatting (shortest round
/// trip of the double), key order as enumerated. Nesting too deep for the JS engine (its
/// `RangeError`) is `too_deep`; a cycle or a BigInt (`TypeError`) is `invalid_argument`. The
/// core then applies its own depth and size limits to the text.
pub(crate) fn stringify(v: &JsValue, what: &str) -> JsResult<String> {
    match JSON::stringify(v) {
        Ok(s) => s
            .as_string()
            .ok_or_else(|| invalid_argument(format!("{what} cannot be converted to JSON"))),
        Err(e) if e.is_instance_of::<js_sys::RangeError>() => Err(to_js(&Error::new(
            ErrorCode::TooDeep,
            format!("{what} is nested too deeply to convert to JSON"),
        ))),
        Err(_) => Err(invalid_argument(format!(
            "{what} cannot be converted to JSON (a cycle or a BigInt)"
        ))),
    }
}

/// JSON text from a string, `Uint8Array` (UTF-8) or plain object; anything else is
/// `invalid_argument` naming `what`.
pub(crate) fn json_bytes(v: &JsValue, what: &str) -> JsResult<Vec<u8>> {
    if let Some(s) = string(v) {
        return Ok(s.into_bytes());
    }
    if let Some(b) = bytes(v) {
        return Ok(b);
    }
    if is_object(v) {
        return Ok(stringify(v, what)?.into_bytes());
    }
    Err(invalid_argument(format!(
        "{what} must be a JSON string, a Uint8Array of UTF-8 JSON or a plain object"
    )))
}

/// JSON text (string) from a string or an object (keys: JWKs, JSON envelopes).
pub(crate) fn json_text(v: &JsValue, what: &str) -> JsResult<String> {
    if let Some(s) = string(v) {
        return Ok(s);
    }
    if is_object(v) {
        return stringify(v, what);
    }
    Err(invalid_argument(format!(
        "{what} must be a string or an object"
    )))
}

/// Parses JSON text the core produced into a plain JS value.
pub(crate) fn parse_own_json(text: &str) -> JsResult<JsValue> {
    JSON::parse(text).map_err(|_| {
        to_js(&Error::new(
            ErrorCode::InvalidArgument,
            "internal: the core produced JSON the JS engine refused",
        ))
    })
}

/// An options object: `undefined` → `None`; a plain object whose keys are all in `known` →
/// `Some`; anything else (null, a string, an unknown key, e.g. a typo) → `invalid_argument`.
pub(crate) fn options(v: &JsValue, what: &str, known: &[&str]) -> JsResult<Option<Object>> {
    if v.is_undefined() {
        return Ok(None);
    }
    if !is_object(v) || js_sys::Array::is_array(v) {
        return Err(invalid_argument(format!(
            "{what} must be an object or undefined"
        )));
    }
    let obj: Object = v.clone().unchecked_into();
    for key in Object::keys(&obj).iter() {
        let k = key.as_string().unwrap_or_default();
        if !known.contains(&k.as_str()) {
            return Err(invalid_argument(format!(
                "{what}: unknown option `{k}` (known: {})",
                known.join(", ")
            )));
        }
    }
    Ok(Some(obj))
}

/// Sets member `k` of the fresh object `o`. One out-of-line copy: each inlined `Reflect::set`
/// with its key conversion costs wasm at every call site. Setting a property on a fresh
/// ordinary object cannot fail.
#[inline(never)]
pub(crate) fn set(o: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

/// Member `name` of `obj`, `None` when absent or `undefined`.
pub(crate) fn member(obj: Option<&Object>, name: &str) -> JsResult<Option<JsValue>> {
    let Some(obj) = obj else { return Ok(None) };
    let v = Reflect::get(obj, &JsValue::from_str(name))
        .map_err(|_| invalid_argument(format!("option `{name}` cannot be read")))?;
    Ok(if v.is_undefined() { None } else { Some(v) })
}

/// An optional string option.
pub(crate) fn opt_string(obj: Option<&Object>, name: &str) -> JsResult<Option<String>> {
    member(obj, name)?
        .map(|v| {
            string(&v).ok_or_else(|| invalid_argument(format!("option `{name}` must be a string")))
        })
        .transpose()
}

/// An optional boolean option.
pub(crate) fn opt_bool(obj: Option<&Object>, name: &str) -> JsResult<Option<bool>> {
    member(obj, name)?
        .map(|v| {
            v.as_bool()
                .ok_or_else(|| invalid_argument(format!("option `{name}` must be a boolean")))
        })
        .transpose()
}

/// An optional non-negative integer option, at most `max` (and at most 2^53 − 1).
pub(crate) fn opt_uint(obj: Option<&Object>, name: &str, max: u64) -> JsResult<Option<u64>> {
    member(obj, name)?.map(|v| uint(&v, name, max)).transpose()
}

/// A non-negative integer below `max` from a JS number.
pub(crate) fn uint(v: &JsValue, name: &str, max: u64) -> JsResult<u64> {
    let max = max.min(crate::seal::MAX_SAFE_INTEGER);
    match v.as_f64() {
        Some(f) if f.fract() == 0.0 && f >= 0.0 && f <= max as f64 => Ok(f as u64),
        _ => Err(invalid_argument(format!(
            "`{name}` must be an integer from 0 to {max}"
        ))),
    }
}

/// An optional `Uint8Array` option.
pub(crate) fn opt_bytes(obj: Option<&Object>, name: &str) -> JsResult<Option<Vec<u8>>> {
    member(obj, name)?
        .map(|v| {
            bytes(&v)
                .ok_or_else(|| invalid_argument(format!("option `{name}` must be a Uint8Array")))
        })
        .transpose()
}

/// A JS string → string map option's value (e.g. `metadata`), given; `name` for the error.
pub(crate) fn string_map(v: &JsValue, name: &str) -> JsResult<Vec<(String, String)>> {
    let bad = || invalid_argument(format!("option `{name}` must be an object of strings"));
    if !is_object(v) || js_sys::Array::is_array(v) {
        return Err(bad());
    }
    let entries = Object::entries(v.unchecked_ref::<Object>());
    let mut out = Vec::with_capacity(entries.length() as usize);
    for e in entries.iter() {
        let pair: js_sys::Array = e.unchecked_into();
        let k = pair.get(0).as_string().ok_or_else(bad)?;
        let val = pair.get(1).as_string().ok_or_else(bad)?;
        out.push((k, val));
    }
    Ok(out)
}

/// The current time in Unix seconds, from the JS clock (the core never reads a clock).
pub(crate) fn now_secs() -> u64 {
    let ms = js_sys::Date::now();
    if ms.is_finite() && ms > 0.0 {
        (ms / 1000.0).floor() as u64
    } else {
        0
    }
}
