//! The envelope header: what is authenticated with every chunk and every stanza.
//!
//! Serialised as RFC 8785 (JCS) canonical JSON; those exact bytes are the AAD. One header has
//! exactly one byte form: optional members are omitted when empty, never `null` or `{}`, and a
//! parsed header must re-serialise to the very bytes it was read from.

use super::limits::*;
use super::Metadata;
use crate::jcs::write_string as write_str;
use crate::json::{Object, Value};
use crate::{Error, ErrorCode, PolicyRef, Result};

/// The format version this library writes and reads.
pub const FORMAT_VERSION: u64 = 2;
/// HPKE KEM id: DHKEM(X25519, HKDF-SHA256).
pub const KEM_ID: u16 = 0x0020;
/// HPKE KDF id: HKDF-SHA256.
pub const KDF_ID: u16 = 0x0001;
/// HPKE AEAD id: AES-256-GCM (also the payload cipher).
pub const AEAD_ID: u16 = 0x0002;
/// Content type when the caller names none.
pub const DEFAULT_CONTENT_TYPE: &str = "application/json";

/// The authenticated envelope header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Each recipient's key id (RFC 7638 thumbprint), in stanza order.
    pub recipients: Vec<String>,
    /// The minimisation policy the payload was produced under; `None` when sealed as is.
    pub policy: Option<PolicyRef>,
    /// The payload's media type, e.g. `application/json`.
    pub content_type: String,
    /// Creation time, Unix seconds, as given by the caller (the library never reads a clock).
    pub created_at: u64,
    /// Plaintext bytes per chunk (every chunk but the last holds exactly this many).
    pub chunk_size: u32,
    /// Caller-supplied metadata (≤ 64 entries, ≤ 4 KiB of keys and values together).
    pub metadata: Metadata,
    /// 16 random bytes naming this envelope (base64url in the header); receivers deduplicate
    /// on it, and it salts the key schedule.
    pub message_id: [u8; MESSAGE_ID_LEN],
    /// Unix seconds after which receivers that pass the time refuse the envelope (`expired`).
    pub expires_at: Option<u64>,
    /// Whether a signature record follows the last chunk.
    pub signed: bool,
}

/// Length of a `message_id`, in bytes (22 characters of base64url).
pub const MESSAGE_ID_LEN: usize = 16;

fn malformed(msg: impl Into<String>) -> Error {
    Error::new(ErrorCode::MalformedEnvelope, msg)
}

// The limit errors, shared by `from_value` (checked before allocating) and `check`.
fn too_many_recipients(n: usize) -> Error {
    Error::new(
        ErrorCode::LimitExceeded,
        format!("{n} recipients, over the limit of {MAX_RECIPIENTS}"),
    )
}

fn too_many_entries(n: usize) -> Error {
    Error::new(
        ErrorCode::LimitExceeded,
        format!("metadata has {n} entries, over the limit of {MAX_METADATA_ENTRIES}"),
    )
}

impl Header {
    /// The header as a JSON object (members as in docs/FORMAT.md).
    pub fn to_value(&self) -> Value {
        let num = |n: u64| Value::from(n);
        let text = |s: &str| Value::String(s.to_owned());
        let obj = |m: Vec<(&str, Value)>| {
            Value::Object(Object::new(
                m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            ))
        };
        let mut m = vec![
            ("minseal", num(FORMAT_VERSION)),
            (
                "suite",
                obj(vec![
                    ("kem", num(KEM_ID.into())),
                    ("kdf", num(KDF_ID.into())),
                    ("aead", num(AEAD_ID.into())),
                ]),
            ),
            (
                "recipients",
                Value::Array(self.recipients.iter().map(|r| text(r)).collect()),
            ),
            ("content_type", text(&self.content_type)),
            ("created_at", num(self.created_at)),
            ("chunk_size", num(self.chunk_size.into())),
            (
                "message_id",
                Value::String(crate::keys::b64::encode(&self.message_id)),
            ),
            ("signed", Value::Bool(self.signed)),
        ];
        if let Some(t) = self.expires_at {
            m.push(("expires_at", num(t)));
        }
        if let Some(p) = &self.policy {
            let pm = vec![
                ("id", text(&p.id)),
                ("version", text(&p.version)),
                ("digest", Value::String(p.digest_hex())),
            ];
            m.push(("policy", obj(pm)));
        }
        if !self.metadata.is_empty() {
            let md = self
                .metadata
                .iter()
                .map(|(k, v)| (k.clone(), text(v)))
                .collect();
            m.push(("metadata", Value::Object(Object::new(md))));
        }
        obj(m)
    }

    /// The RFC 8785 canonical bytes: the AAD of every AEAD and HPKE call.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>> {
        self.check(ErrorCode::InvalidArgument)?;
        let bytes = self.write_canonical();
        if bytes.len() > MAX_HEADER_LEN {
            return Err(Error::new(
                ErrorCode::LimitExceeded,
                format!(
                    "header is {} bytes, over the {MAX_HEADER_LEN}-byte limit",
                    bytes.len()
                ),
            ));
        }
        Ok(bytes)
    }

    /// `jcs::canonicalize(&self.to_value())`, written directly: the members in RFC 8785 order
    /// (UTF-16 order of their names: `chunk_size` < `content_type` < … < `suite`), without
    /// building a JSON value: `to_value` and `jcs` (~5.5 KB of wasm) are no longer compiled at
    /// a fresh process's first seal. Only for a checked
    /// header: `created_at` below 2^53 keeps every number exact, which is all `jcs` would
    /// refuse. A test compares the two.
    fn write_canonical(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        let num = |out: &mut Vec<u8>, name: &[u8], n: u64| {
            out.extend_from_slice(name);
            out.extend_from_slice(n.to_string().as_bytes());
        };
        num(&mut out, b"{\"chunk_size\":", self.chunk_size.into());
        out.extend_from_slice(b",\"content_type\":");
        write_str(&self.content_type, &mut out);
        num(&mut out, b",\"created_at\":", self.created_at);
        if let Some(t) = self.expires_at {
            num(&mut out, b",\"expires_at\":", t);
        }
        out.extend_from_slice(b",\"message_id\":\"");
        out.extend_from_slice(crate::keys::b64::encode(&self.message_id).as_bytes());
        out.push(b'"');
        if !self.metadata.is_empty() {
            out.extend_from_slice(b",\"metadata\":");
            cold_write_metadata(&self.metadata, &mut out);
        }
        num(&mut out, b",\"minseal\":", FORMAT_VERSION);
        if let Some(p) = &self.policy {
            out.extend_from_slice(b",\"policy\":{\"digest\":");
            write_str(&p.digest_hex(), &mut out);
            out.extend_from_slice(b",\"id\":");
            write_str(&p.id, &mut out);
            out.extend_from_slice(b",\"version\":");
            write_str(&p.version, &mut out);
            out.push(b'}');
        }
        out.extend_from_slice(b",\"recipients\":[");
        for (i, kid) in self.recipients.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_str(kid, &mut out);
        }
        out.extend_from_slice(if self.signed {
            b"],\"signed\":true"
        } else {
            b"],\"signed\":false"
        });
        num(&mut out, b",\"suite\":{\"aead\":", AEAD_ID.into());
        num(&mut out, b",\"kdf\":", KDF_ID.into());
        num(&mut out, b",\"kem\":", KEM_ID.into());
        out.extend_from_slice(b"}}");
        out
    }

    /// Checks field ranges and limits; `bad` is the code for a malformed field
    /// (`invalid_argument` when sealing, `malformed_envelope` when parsing).
    pub(crate) fn check(&self, bad: ErrorCode) -> Result<()> {
        if self.recipients.is_empty() {
            return Err(Error::new(
                bad,
                "header: at least one recipient is required",
            ));
        }
        if self.recipients.len() > MAX_RECIPIENTS {
            return Err(too_many_recipients(self.recipients.len()));
        }
        for (i, kid) in self.recipients.iter().enumerate() {
            if kid.len() != 43 || crate::keys::base64url_decode(kid).is_none() {
                return Err(Error::new(
                    bad,
                    format!("header: recipients[{i}] is not a 43-character base64url key id"),
                ));
            }
            if self.recipients[..i].contains(kid) {
                return Err(Error::new(
                    bad,
                    format!("header: recipients[{i}] repeats a key id"),
                ));
            }
        }
        if let Some(p) = &self.policy {
            for (name, v) in [("policy.id", &p.id), ("policy.version", &p.version)] {
                if v.is_empty() || v.len() > MAX_TEXT_FIELD {
                    return Err(Error::new(
                        bad,
                        format!("header: {name} must be 1 to {MAX_TEXT_FIELD} bytes"),
                    ));
                }
            }
        }
        if self.content_type.is_empty() || self.content_type.len() > MAX_TEXT_FIELD {
            return Err(Error::new(
                bad,
                format!("header: content_type must be 1 to {MAX_TEXT_FIELD} bytes"),
            ));
        }
        if self.created_at > MAX_SAFE_INTEGER {
            return Err(Error::new(bad, "header: created_at must be below 2^53"));
        }
        if let Some(t) = self.expires_at {
            if t > MAX_SAFE_INTEGER || t < self.created_at {
                return Err(Error::new(
                    bad,
                    "header: expires_at must be below 2^53 and not before created_at",
                ));
            }
        }
        if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&self.chunk_size) {
            return Err(Error::new(
                bad,
                format!("header: chunk_size must be {MIN_CHUNK_SIZE} to {MAX_CHUNK_SIZE}"),
            ));
        }
        if self.metadata.len() > MAX_METADATA_ENTRIES {
            return Err(too_many_entries(self.metadata.len()));
        }
        let total: usize = self.metadata.iter().map(|(k, v)| k.len() + v.len()).sum();
        if total > MAX_METADATA_BYTES {
            return Err(Error::new(
                ErrorCode::LimitExceeded,
                format!("metadata is {total} bytes, over the limit of {MAX_METADATA_BYTES}"),
            ));
        }
        Ok(())
    }

    /// Parses header bytes, which must be exactly the canonical form of the header they hold.
    pub(crate) fn parse_canonical(bytes: &[u8]) -> Result<Header> {
        if bytes.len() > MAX_HEADER_LEN {
            return Err(malformed(format!(
                "header is {} bytes, over the {MAX_HEADER_LEN}-byte limit",
                bytes.len()
            )));
        }
        let value = crate::json::value::parse(bytes)
            .map_err(|e| malformed(format!("header: {}", e.message())))?;
        let header = Header::from_value(&value)?;
        if header.canonical_bytes_for_parse()? != bytes {
            return Err(malformed("header bytes are not in RFC 8785 canonical form"));
        }
        Ok(header)
    }

    /// Like [`Header::canonical_bytes`] but with parse-side error codes.
    pub(crate) fn canonical_bytes_for_parse(&self) -> Result<Vec<u8>> {
        self.check(ErrorCode::MalformedEnvelope)?;
        let bytes = self.write_canonical();
        // The JSON form must obey the binary form's limit, or it would convert to binary bytes
        // that no reader accepts (escaped metadata can be 6x its UTF-8 size).
        if bytes.len() > MAX_HEADER_LEN {
            return Err(malformed(format!(
                "header is {} bytes, over the {MAX_HEADER_LEN}-byte limit",
                bytes.len()
            )));
        }
        Ok(bytes)
    }

    /// Reads a header object strictly: version first, then suite, then every member's type;
    /// unknown members are refused.
    pub(crate) fn from_value(value: &Value) -> Result<Header> {
        let Value::Object(m) = value else {
            return Err(malformed("header must be a JSON object"));
        };
        match m.get("minseal") {
            None => {
                return Err(malformed(
                    "header: missing member \"minseal\" (format version)",
                ))
            }
            Some(v) => match v.as_u64() {
                Some(FORMAT_VERSION) => {}
                Some(n) => {
                    return Err(Error::new(
                        ErrorCode::UnsupportedVersion,
                        format!(
                        "format version {n} is not supported (this library reads {FORMAT_VERSION})"
                    ),
                    ))
                }
                None => return Err(malformed("header: \"minseal\" must be an integer")),
            },
        }
        let suite = match m.get("suite") {
            Some(Value::Object(s)) => s,
            Some(_) => return Err(malformed("header: \"suite\" must be an object")),
            None => return Err(malformed("header: missing member \"suite\"")),
        };
        check_suite(suite)?;
        for k in m.keys() {
            if !matches!(
                k,
                "minseal"
                    | "suite"
                    | "recipients"
                    | "policy"
                    | "content_type"
                    | "created_at"
                    | "chunk_size"
                    | "metadata"
                    | "message_id"
                    | "expires_at"
                    | "signed"
            ) {
                return Err(malformed(format!("header: unknown member \"{k}\"")));
            }
        }
        let recipients = match m.get("recipients") {
            Some(Value::Array(a)) => {
                if a.len() > MAX_RECIPIENTS {
                    return Err(too_many_recipients(a.len()));
                }
                // A plain loop, not `collect::<Result<Vec<_>>>()` (smaller wasm).
                let mut kids = Vec::with_capacity(a.len());
                for (i, v) in a.iter().enumerate() {
                    let Some(kid) = v.as_str() else {
                        return Err(malformed(format!(
                            "header: recipients[{i}] must be a string"
                        )));
                    };
                    kids.push(kid.to_owned());
                }
                kids
            }
            Some(_) => return Err(malformed("header: \"recipients\" must be an array")),
            None => return Err(malformed("header: missing member \"recipients\"")),
        };
        let policy = match m.get("policy") {
            None => None,
            Some(Value::Object(p)) => Some(parse_policy(p)?),
            Some(_) => return Err(malformed("header: \"policy\" must be an object")),
        };
        let content_type = req_str(m, "content_type")?.to_owned();
        let created_at = req_int(m, "created_at")?;
        let chunk_size = u32::try_from(req_int(m, "chunk_size")?)
            .map_err(|_| malformed("header: \"chunk_size\" out of range"))?;
        let metadata = match m.get("metadata") {
            None => Metadata::new(),
            Some(Value::Object(md)) => {
                if md.len() > MAX_METADATA_ENTRIES {
                    return Err(too_many_entries(md.len()));
                }
                // The members are sorted and unique, so each insert appends.
                let mut out = Metadata::new();
                for (k, v) in md {
                    let Value::String(s) = v else {
                        return Err(malformed(format!(
                            "header: metadata \"{k}\" must be a string"
                        )));
                    };
                    out.insert(k.clone(), s.clone());
                }
                out
            }
            Some(_) => return Err(malformed("header: \"metadata\" must be an object")),
        };
        let message_id =
            crate::keys::b64::decode_array::<MESSAGE_ID_LEN>(req_str(m, "message_id")?)
                .ok_or_else(|| {
                    malformed(
                        "header: \"message_id\" must be 16 bytes of unpadded, canonical base64url",
                    )
                })?;
        let expires_at = match m.get("expires_at") {
            None => None,
            Some(_) => Some(req_int(m, "expires_at")?),
        };
        let signed = match m.get("signed") {
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(malformed("header: \"signed\" must be true or false")),
            None => return Err(malformed("header: missing member \"signed\"")),
        };
        let header = Header {
            recipients,
            policy,
            content_type,
            created_at,
            chunk_size,
            metadata,
            message_id,
            expires_at,
            signed,
        };
        header.check(ErrorCode::MalformedEnvelope)?;
        Ok(header)
    }
}

/// The metadata object in RFC 8785 order ([`Metadata`] is in UTF-8 order; see
/// `jcs::to_utf16_key_order`). (`cold_`: out of line in wasm, see scripts/build-wasm: a header without metadata does not
/// compile it.)
#[cfg_attr(target_arch = "wasm32", inline(never))]
fn cold_write_metadata(md: &Metadata, out: &mut Vec<u8>) {
    let mut entries: Vec<(&String, &String)> = md.iter().collect();
    crate::jcs::to_utf16_key_order(&mut entries, |e| e.0);
    out.push(b'{');
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(k, out);
        out.push(b':');
        write_str(v, out);
    }
    out.push(b'}');
}

fn check_suite(s: &Object) -> Result<()> {
    let want = [("kem", KEM_ID), ("kdf", KDF_ID), ("aead", AEAD_ID)];
    for (name, id) in want {
        match s.get(name) {
            None => {
                return Err(malformed(format!(
                    "header: missing member \"suite.{name}\""
                )))
            }
            Some(v) => match v.as_u64() {
                Some(n) if n == u64::from(id) => {}
                Some(n) => {
                    return Err(Error::new(
                        ErrorCode::UnsupportedSuite,
                        format!("suite.{name} {n} is not supported (minseal uses {id})"),
                    ))
                }
                None => {
                    return Err(malformed(format!(
                        "header: \"suite.{name}\" must be an integer"
                    )))
                }
            },
        }
    }
    if s.len() != want.len() {
        return Err(malformed("header: \"suite\" has unknown members"));
    }
    Ok(())
}

fn parse_policy(p: &Object) -> Result<PolicyRef> {
    if p.len() != 3 {
        return Err(malformed(
            "header: \"policy\" must have exactly id, version, digest",
        ));
    }
    let id = req_str(p, "id")?.to_owned();
    let version = req_str(p, "version")?.to_owned();
    let digest_hex = req_str(p, "digest")?;
    let digest = crate::hex::decode(digest_hex)
        .filter(|_| digest_hex.bytes().all(|b| !b.is_ascii_uppercase()))
        .and_then(|d| <[u8; 32]>::try_from(d.as_slice()).ok())
        .ok_or_else(|| malformed("header: \"policy.digest\" must be 64 lowercase hex digits"))?;
    Ok(PolicyRef {
        id,
        version,
        digest,
    })
}

fn req_str<'a>(m: &'a Object, name: &str) -> Result<&'a str> {
    match m.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(malformed(format!("header: \"{name}\" must be a string"))),
        None => Err(malformed(format!("header: missing member \"{name}\""))),
    }
}

fn req_int(m: &Object, name: &str) -> Result<u64> {
    match m.get(name) {
        Some(v) => v
            .as_u64()
            .ok_or_else(|| malformed(format!("header: \"{name}\" must be a non-negative integer"))),
        None => Err(malformed(format!("header: missing member \"{name}\""))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct writer gives `jcs::canonicalize(&to_value())` byte for byte.
    #[test]
    fn write_canonical_is_jcs_of_the_value() {
        let texts = [
            "a",
            "application/json",
            "q\"\\/\u{1}\u{8}\u{c}\n\r\t\u{1f}\u{7f}",
            "\u{e9}\u{20ac}",
            "\u{fb33}",
            "\u{1f600}",
            "\u{ffff}x",
            "\u{10000}",
        ];
        let kid = |i: u8| crate::keys::b64::encode(&[i; 32]);
        let (mut n, mut reordered) = (0, 0);
        for recipients in 1..=3u8 {
            for policy in [false, true] {
                for md in 0..=texts.len() {
                    let metadata: Metadata = texts
                        .iter()
                        .cycle()
                        .skip(md)
                        .take(md + usize::from(recipients))
                        .enumerate()
                        .map(|(i, t)| (format!("{t}{}", i % 2), texts[i % texts.len()]))
                        .collect();
                    let h = Header {
                        recipients: (0..recipients).map(kid).collect(),
                        policy: policy.then(|| PolicyRef {
                            id: texts[md % texts.len()].to_owned(),
                            version: "1.0.0".to_owned(),
                            digest: [md as u8; 32],
                        }),
                        content_type: texts[(md + 1) % texts.len()].to_owned(),
                        created_at: [0, 1_764_480_000, MAX_SAFE_INTEGER][md % 3],
                        chunk_size: [MIN_CHUNK_SIZE, 65_536, MAX_CHUNK_SIZE]
                            [usize::from(recipients) % 3],
                        metadata,
                        message_id: [md as u8; MESSAGE_ID_LEN],
                        expires_at: (md % 2 == 1).then_some(MAX_SAFE_INTEGER),
                        signed: recipients == 2,
                    };
                    h.check(ErrorCode::InvalidArgument).unwrap();
                    let keys: Vec<&String> = h.metadata.iter().map(|e| e.0).collect();
                    let mut by_utf16 = keys.clone();
                    by_utf16.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
                    reordered += usize::from(keys != by_utf16);
                    let jcs = crate::jcs::canonicalize(&h.to_value()).unwrap();
                    assert_eq!(h.write_canonical(), jcs, "{h:?}");
                    assert_eq!(Header::parse_canonical(&jcs).unwrap(), h);
                    n += 1;
                }
            }
        }
        assert_eq!(n, 54);
        assert!(reordered > 0, "no metadata whose UTF-16 order differs");
    }
}
