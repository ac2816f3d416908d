//! The JSON envelope, for web APIs:
//! `{"minseal":2,"header":{…},"recipients":[{"kid":…,"enc":…,"ct":…}],"mac":…,"payload":…}`.
//!
//! The payload is one base64url string of every byte after the MAC in the binary form: all
//! chunk ciphertexts concatenated (chunk boundaries follow from `header.chunk_size`) and, when
//! signed, the signature record. So the JSON and binary forms hold identical bytes and convert
//! losslessly. The JSON form is read strictly: the text must be exactly what
//! [`Envelope::to_json`] writes (one byte form per envelope, so a digest of the text
//! identifies the envelope).

use super::header::{Header, FORMAT_VERSION};
use super::hpke_stanza::{Stanza, ENC_LEN, STANZA_CT_LEN};
use super::limits::EnvelopeLimits;
use super::schedule::MAC_LEN;
use super::stream::TAG_LEN;
use super::Envelope;
use crate::json::{Object, Value};
use crate::keys::{base64url_decode, base64url_encode};
use crate::{Error, ErrorCode, Result};

fn malformed(msg: impl Into<String>) -> Error {
    Error::new(ErrorCode::MalformedEnvelope, msg)
}

/// Decodes `recipients[i].<field>`; the name is formatted only for an error, so the loop over
/// stanzas allocates nothing on success.
fn decode_fixed<const N: usize>(v: Option<&Value>, i: usize, field: &str) -> Result<[u8; N]> {
    let fail = |what: &dyn core::fmt::Display| malformed(format!("recipients[{i}].{field} {what}"));
    let s = v
        .and_then(Value::as_str)
        .ok_or_else(|| fail(&"must be a string"))?;
    if s.len() > (N * 4).div_ceil(3) {
        return Err(fail(&format_args!("is longer than {N} bytes")));
    }
    base64url_decode(s)
        .and_then(|b| <[u8; N]>::try_from(b.as_slice()).ok())
        .ok_or_else(|| {
            fail(&format_args!(
                "must be {N} bytes of unpadded, canonical base64url"
            ))
        })
}

impl Envelope {
    /// The JSON form: members in the order `minseal`, `header` (its canonical bytes verbatim),
    /// `recipients`, `mac`, `payload`; no whitespace.
    pub fn to_json(&self) -> String {
        let mut tail = self.payload.clone();
        if let Some(rec) = &self.signature {
            tail.extend_from_slice(rec);
        }
        let payload = base64url_encode(&tail);
        let mut out = json_prefix(&self.header_bytes, &self.stanzas, &self.mac, payload.len());
        out.push_str(&payload);
        out.push_str(JSON_SUFFIX);
        out
    }

    /// Parses the JSON form strictly: the text must be byte for byte what [`Envelope::to_json`]
    /// writes (no whitespace, members in order, the header in RFC 8785 form, no escapes, no
    /// trailing newline). Duplicate or unknown members, another version or suite,
    /// non-canonical base64url, stanzas that disagree with the header: `malformed_envelope`
    /// (or the version, suite and limit codes).
    pub fn from_json(text: &str) -> Result<Envelope> {
        Self::from_json_with_limits(text, &EnvelopeLimits::default())
    }

    /// [`Envelope::from_json`] within `limits` (the text's size first, then recipients,
    /// metadata, and the chunk count the payload's length implies).
    pub fn from_json_with_limits(text: &str, limits: &EnvelopeLimits) -> Result<Envelope> {
        limits.check_size(text.len() as u64)?;
        let value = crate::json::value::parse(text.as_bytes())
            .map_err(|e| malformed(format!("envelope: {}", e.message())))?;
        let Value::Object(m) = value else {
            return Err(malformed("envelope must be a JSON object"));
        };
        match m.get("minseal").map(Value::as_u64) {
            Some(Some(FORMAT_VERSION)) => {}
            Some(Some(n)) => {
                return Err(Error::new(
                    ErrorCode::UnsupportedVersion,
                    format!("envelope version {n} is not supported"),
                ))
            }
            Some(None) => return Err(malformed("\"minseal\" must be an integer")),
            None => return Err(malformed("missing member \"minseal\"")),
        }
        let header_value = m
            .get("header")
            .ok_or_else(|| malformed("missing member \"header\""))?;
        let header = Header::from_value(header_value)?;
        limits.check_header(&header)?;
        let header_bytes = header.canonical_bytes_for_parse()?;
        if crate::jcs::canonicalize(header_value).ok().as_deref() != Some(&header_bytes[..]) {
            return Err(malformed("header has members in a non-canonical form"));
        }
        for k in m.keys() {
            if !matches!(k, "minseal" | "header" | "recipients" | "mac" | "payload") {
                return Err(malformed(format!("unknown member \"{k}\"")));
            }
        }
        let stanzas = parse_stanzas(m.get("recipients"), &header)?;
        let mac = decode_member::<MAC_LEN>(m.get("mac"), "mac")?;
        let (text_b64, payload) = match m.get("payload") {
            Some(Value::String(s)) => (
                s,
                base64url_decode(s).ok_or_else(|| {
                    malformed("\"payload\" must be unpadded, canonical base64url")
                })?,
            ),
            Some(_) => return Err(malformed("\"payload\" must be a string")),
            None => return Err(malformed("missing member \"payload\"")),
        };
        // One byte form: everything but the payload text is compared with what `to_json`
        // writes, and the payload text must stand in the text unescaped.
        let prefix = json_prefix(&header_bytes, &stanzas, &mac, 0);
        let canonical = text.len() == prefix.len() + text_b64.len() + JSON_SUFFIX.len()
            && text.starts_with(&prefix)
            && text.ends_with(JSON_SUFFIX)
            && text.get(prefix.len()..text.len() - JSON_SUFFIX.len()) == Some(text_b64.as_str());
        if !canonical {
            return Err(malformed(
                "the JSON envelope is not in its one canonical form (member order, whitespace, escapes or a trailing newline)",
            ));
        }
        let (chunks, signature) = super::envelope_binary::split_signature(&payload, header.signed)?;
        limits.check_chunk_region(chunks.len(), header.chunk_size as usize + TAG_LEN)?;
        Ok(Envelope {
            stanzas,
            mac,
            payload: chunks.to_vec(),
            signature,
            header,
            header_bytes,
        })
    }
}

fn parse_stanzas(v: Option<&Value>, header: &Header) -> Result<Vec<Stanza>> {
    let items = match v {
        Some(Value::Array(a)) => a,
        Some(_) => return Err(malformed("\"recipients\" must be an array")),
        None => return Err(malformed("missing member \"recipients\"")),
    };
    if items.len() != header.recipients.len() {
        return Err(malformed(format!(
            "{} recipient stanzas for {} header recipients",
            items.len(),
            header.recipients.len()
        )));
    }
    // A plain loop, not `collect::<Result<Vec<_>>>()`: smaller wasm (no `GenericShunt` adapter).
    let mut stanzas = Vec::with_capacity(items.len());
    for (i, (item, kid)) in items.iter().zip(&header.recipients).enumerate() {
        stanzas.push(parse_stanza(item, kid, i)?);
    }
    Ok(stanzas)
}

fn parse_stanza(item: &Value, kid: &str, i: usize) -> Result<Stanza> {
    let Value::Object(o) = item else {
        return Err(malformed(format!("recipients[{i}] must be an object")));
    };
    check_members(o, i)?;
    if o.get("kid").and_then(Value::as_str) != Some(kid) {
        return Err(malformed(format!(
            "recipients[{i}].kid differs from header recipients[{i}]"
        )));
    }
    Ok(Stanza {
        kid: kid.to_owned(),
        enc: decode_fixed::<ENC_LEN>(o.get("enc"), i, "enc")?,
        ct: decode_fixed::<STANZA_CT_LEN>(o.get("ct"), i, "ct")?,
    })
}

fn check_members(o: &Object, i: usize) -> Result<()> {
    for k in o.keys() {
        if !matches!(k, "kid" | "enc" | "ct") {
            return Err(malformed(format!(
                "recipients[{i}]: unknown member \"{k}\""
            )));
        }
    }
    Ok(())
}

/// What follows the base64url payload in the JSON form.
pub(crate) const JSON_SUFFIX: &str = "\"}";

/// Decodes a top-level fixed-length base64url member.
fn decode_member<const N: usize>(v: Option<&Value>, name: &str) -> Result<[u8; N]> {
    v.and_then(Value::as_str)
        .and_then(base64url_decode)
        .and_then(|b| <[u8; N]>::try_from(b.as_slice()).ok())
        .ok_or_else(|| {
            malformed(format!(
                "\"{name}\" must be {N} bytes of unpadded, canonical base64url"
            ))
        })
}

/// The JSON form up to the base64url payload text (then [`JSON_SUFFIX`] closes it), with room
/// for `payload_len` more bytes.
pub(crate) fn json_prefix(
    header_bytes: &[u8],
    stanzas: &[Stanza],
    mac: &[u8; MAC_LEN],
    payload_len: usize,
) -> String {
    let mut out = String::with_capacity(header_bytes.len() + payload_len + 200);
    out.push_str("{\"minseal\":");
    out.push_str(&FORMAT_VERSION.to_string());
    out.push_str(",\"header\":");
    // Canonical header bytes are UTF-8 JSON by construction.
    out.push_str(&String::from_utf8_lossy(header_bytes));
    out.push_str(",\"recipients\":[");
    for (i, s) in stanzas.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            "{{\"kid\":\"{}\",\"enc\":\"{}\",\"ct\":\"{}\"}}",
            s.kid,
            base64url_encode(&s.enc),
            base64url_encode(&s.ct)
        ));
    }
    out.push_str("],\"mac\":\"");
    out.push_str(&base64url_encode(mac));
    out.push_str("\",\"payload\":\"");
    out
}
