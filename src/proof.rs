//! Evidence: what a recipient shows a third party (a court, a data-protection authority) to
//! prove what a sender signed, without the recipient's decryption key.
//!
//! A proof is one JSON document, written in RFC 8785 canonical form:
//!
//! ```text
//! {"header":{…the canonical header…},"minseal_proof":1,"payload":"<base64url plaintext>",
//!  "signature":{"alg":"ES256"|"Ed25519","kid":"<signer kid>","sig":"<base64url, 64 bytes>"}}
//! ```
//!
//! [`verify`] recomputes the statement (docs/FORMAT.md, "Signature") from the header and the
//! payload and checks the signature under the trusted key the kid names. The header names
//! every recipient, the policy, `message_id` and `created_at`, so the proof shows to whom and
//! under which policy the sender sent exactly this payload. A proof discloses the payload:
//! export one only to whom may see it.

use crate::json::{Object, Value};
use crate::keys::b64;
use crate::seal::{Header, SignatureInfo};
use crate::sign::{find_trusted, SignatureAlg, VerifyingKey, SIGNATURE_LEN};
use crate::{Error, ErrorCode, Result};

/// The `minseal_proof` version this library writes and reads.
pub const PROOF_VERSION: u64 = 1;

/// Largest proof document [`verify`] reads (the payload is base64url inside it).
pub const MAX_PROOF_BYTES: usize = 64 * 1024 * 1024;

fn malformed(msg: impl Into<String>) -> Error {
    Error::new(ErrorCode::MalformedProof, msg)
}

/// The proof document for an opened, signed envelope: `signature_missing` if `signature` is
/// `None`.
pub fn export(
    header: &Header,
    payload: &[u8],
    signature: Option<&SignatureInfo>,
) -> Result<String> {
    let Some(sig) = signature else {
        return Err(Error::new(
            ErrorCode::SignatureMissing,
            "the envelope is unsigned: there is no signature to prove anything with",
        ));
    };
    let header_bytes = header.canonical_bytes()?;
    let mut out = String::with_capacity(header_bytes.len() + payload.len() * 4 / 3 + 256);
    out.push_str("{\"header\":");
    out.push_str(&String::from_utf8_lossy(&header_bytes));
    out.push_str(",\"minseal_proof\":1,\"payload\":\"");
    b64::encode_into(payload, &mut out);
    out.push_str("\",\"signature\":{\"alg\":\"");
    out.push_str(sig.alg.as_str());
    out.push_str("\",\"kid\":\"");
    out.push_str(&sig.kid);
    out.push_str("\",\"sig\":\"");
    b64::encode_into(&sig.signature, &mut out);
    out.push_str("\"}}");
    Ok(out)
}

/// A proof that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedProof {
    /// The header the sender signed.
    pub header: Header,
    /// The payload the sender signed.
    pub payload: Vec<u8>,
    /// The signer, `verified: true`.
    pub signature: SignatureInfo,
}

/// Checks a proof document against the signing keys the caller trusts (a signer not among them
/// is `unknown_signer`; a signature that does not verify, or an `alg` other than the key's, is
/// `signature_invalid`; a document that is not a proof is `malformed_proof`).
pub fn verify(doc: &str, trusted: &[VerifyingKey]) -> Result<VerifiedProof> {
    if doc.len() > MAX_PROOF_BYTES {
        return Err(Error::new(
            ErrorCode::TooLarge,
            format!("the proof is over {MAX_PROOF_BYTES} bytes"),
        ));
    }
    let value = crate::json::value::parse(doc.as_bytes())
        .map_err(|e| malformed(format!("proof: {}", e.message())))?;
    let Value::Object(m) = value else {
        return Err(malformed("a proof must be a JSON object"));
    };
    for k in m.keys() {
        if !matches!(k, "header" | "minseal_proof" | "payload" | "signature") {
            return Err(malformed(format!("proof: unknown member \"{k}\"")));
        }
    }
    match m.get("minseal_proof").and_then(Value::as_u64) {
        Some(PROOF_VERSION) => {}
        _ => return Err(malformed("proof: \"minseal_proof\" must be 1")),
    }
    let header = Header::from_value(
        m.get("header")
            .ok_or_else(|| malformed("proof: missing member \"header\""))?,
    )?;
    if !header.signed {
        return Err(malformed("proof: the header says the envelope is unsigned"));
    }
    let header_bytes = header.canonical_bytes()?;
    let payload = b64::decode(str_member(&m, "payload", "")?)
        .ok_or_else(|| malformed("proof: \"payload\" must be unpadded, canonical base64url"))?;
    let Some(Value::Object(s)) = m.get("signature") else {
        return Err(malformed("proof: \"signature\" must be an object"));
    };
    let info = parse_signature(s)?;
    if trusted.is_empty() {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            "no trusted signing keys to verify the proof with",
        ));
    }
    let key = find_trusted(trusted, &info.kid)?;
    if key.alg() != info.alg {
        return Err(crate::sign::signature_invalid(
            "the proof names another algorithm than the signing key's",
        ));
    }
    let digest = crate::digest::payload_sha256(&payload);
    key.verify(
        &crate::sign::statement(&header_bytes, &digest),
        &info.signature,
    )?;
    Ok(VerifiedProof {
        header,
        payload,
        signature: SignatureInfo {
            verified: true,
            ..info
        },
    })
}

fn str_member<'a>(m: &'a Object, name: &str, at: &str) -> Result<&'a str> {
    match m.get(name) {
        Some(Value::String(s)) => Ok(s),
        _ => Err(malformed(format!("proof: \"{at}{name}\" must be a string"))),
    }
}

/// Parses the `signature` member: `alg`, `kid` (43 characters) and `sig` (64 bytes).
pub(crate) fn parse_signature(s: &Object) -> Result<SignatureInfo> {
    for k in s.keys() {
        if !matches!(k, "alg" | "kid" | "sig") {
            return Err(malformed(format!(
                "proof: unknown member \"signature.{k}\""
            )));
        }
    }
    let alg = match str_member(s, "alg", "signature.")? {
        "ES256" => SignatureAlg::Es256,
        "Ed25519" => SignatureAlg::Ed25519,
        _ => {
            return Err(malformed(
                "proof: \"signature.alg\" must be \"ES256\" or \"Ed25519\"",
            ))
        }
    };
    let kid = str_member(s, "kid", "signature.")?;
    if b64::decode_array::<32>(kid).is_none() {
        return Err(malformed(
            "proof: \"signature.kid\" must be a 43-character base64url key id",
        ));
    }
    let signature = b64::decode_array::<SIGNATURE_LEN>(str_member(s, "sig", "signature.")?)
        .ok_or_else(|| {
            malformed("proof: \"signature.sig\" must be 64 bytes of unpadded, canonical base64url")
        })?;
    Ok(SignatureInfo {
        alg,
        kid: kid.to_owned(),
        signature,
        verified: false,
    })
}
