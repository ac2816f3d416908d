//! The signed register document: `{"register": {…}, "signatures": [{"kid", "signature"}]}`.
//!
//! Each signature is over [`REGISTER_SIGNATURE_LABEL`] followed by the RFC 8785 canonical bytes
//! of the `register` member, so whitespace and member order do not matter, the whole list is
//! signed as one (no mixing entries of two versions), and a register signature can never be
//! mistaken for an envelope signature or an acknowledgement (each has its own label). The
//! algorithm comes from the pinned key, never from the document.

use crate::json::{Limits, Object, Value};
use crate::keys::{base64url_decode, base64url_encode};
use crate::sign::{Signer, VerifyingKey};
use crate::{Error, ErrorCode, Result};
use sha2::{Digest, Sha256};

/// The domain-separation label that starts every register signature's statement.
pub const REGISTER_SIGNATURE_LABEL: &[u8] = b"minseal register v1\0";

/// Largest signed register accepted (10 000 entries with 20 000 keys are about 8 MiB).
const MAX_DOCUMENT: usize = 64 * 1024 * 1024;
/// Most signatures one document may carry.
const MAX_SIGNATURES: usize = 16;

pub(crate) struct Verified {
    pub(crate) register: Object,
    pub(crate) digest: [u8; 32],
    pub(crate) signed_by: String,
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidRegister, msg)
}

fn statement(canonical: &[u8]) -> Vec<u8> {
    let mut s = Vec::with_capacity(REGISTER_SIGNATURE_LABEL.len() + canonical.len());
    s.extend_from_slice(REGISTER_SIGNATURE_LABEL);
    s.extend_from_slice(canonical);
    s
}

/// Checks the document's signature by one of `operators` and returns its register object.
pub(crate) fn verify(document: &[u8], operators: &[VerifyingKey]) -> Result<Verified> {
    if operators.is_empty() {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            "no register operator key is pinned",
        ));
    }
    let limits = Limits {
        max_bytes: MAX_DOCUMENT,
        max_depth: 16,
    };
    let root = match crate::json::value::parse_within(document, &limits) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return Err(invalid("a signed register is a JSON object")),
        Err(e) => {
            return Err(Error::new(
                ErrorCode::InvalidRegister,
                e.message().to_string(),
            ))
        }
    };
    for k in root.keys() {
        if k != "register" && k != "signatures" {
            return Err(invalid(format!(
                "unknown member \"{k}\" in the signed register"
            )));
        }
    }
    let Some(Value::Object(register)) = root.get("register") else {
        return Err(invalid("member \"register\" must be an object"));
    };
    let Some(Value::Array(sigs)) = root.get("signatures") else {
        return Err(invalid("member \"signatures\" must be an array"));
    };
    if sigs.is_empty() || sigs.len() > MAX_SIGNATURES {
        return Err(invalid(format!(
            "a signed register carries 1 to {MAX_SIGNATURES} signatures"
        )));
    }
    let mut parsed = Vec::with_capacity(sigs.len());
    for (i, s) in sigs.iter().enumerate() {
        let Value::Object(o) = s else {
            return Err(invalid(format!("signatures[{i}] must be an object")));
        };
        if o.len() != 2 {
            return Err(invalid(format!(
                "signatures[{i}] has exactly the members \"kid\" and \"signature\""
            )));
        }
        let (Some(kid), Some(sig)) = (
            o.get("kid").and_then(Value::as_str),
            o.get("signature").and_then(Value::as_str),
        ) else {
            return Err(invalid(format!(
                "signatures[{i}] needs string members \"kid\" and \"signature\""
            )));
        };
        let sig = base64url_decode(sig).ok_or_else(|| {
            invalid(format!(
                "signatures[{i}].signature is not canonical base64url"
            ))
        })?;
        parsed.push((kid, sig));
    }
    let canonical = crate::jcs::canonicalize(&Value::Object(register.clone()))?;
    let message = statement(&canonical);
    for op in operators {
        if let Some((_, sig)) = parsed.iter().find(|(kid, _)| *kid == op.kid()) {
            op.verify(&message, sig).map_err(|_| {
                Error::new(
                    ErrorCode::SignatureInvalid,
                    format!(
                        "the register's signature by operator key {} does not verify",
                        op.kid()
                    ),
                )
            })?;
            return Ok(Verified {
                register: register.clone(),
                digest: Sha256::digest(&canonical).into(),
                signed_by: op.kid().to_string(),
            });
        }
    }
    Err(Error::new(
        ErrorCode::UnknownSigner,
        format!(
            "the register is signed by {}, none of which is a pinned operator key",
            parsed
                .iter()
                .map(|(k, _)| *k)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ))
}

/// Signs a register document (the unsigned `register` object as JSON text, or an already signed
/// document whose signatures are replaced) with `signer`, returning the signed document:
/// `{"register":…,"signatures":[{"kid":…,"signature":…}]}` in canonical form.
pub fn sign_register(register_json: &[u8], signer: &dyn Signer) -> Result<Vec<u8>> {
    let register = match crate::json::value::parse(register_json)? {
        Value::Object(o) => match o.get("register") {
            Some(Value::Object(inner)) if o.contains_key("signatures") => inner.clone(),
            _ => o,
        },
        _ => return Err(invalid("a register is a JSON object")),
    };
    let canonical = crate::jcs::canonicalize(&Value::Object(register))?;
    let signature = signer.sign(&statement(&canonical))?;
    let mut out = Vec::with_capacity(canonical.len() + 200);
    out.extend_from_slice(b"{\"register\":");
    out.extend_from_slice(&canonical);
    out.extend_from_slice(b",\"signatures\":[{\"kid\":");
    crate::jcs::write_string(&signer.kid(), &mut out);
    out.extend_from_slice(b",\"signature\":\"");
    out.extend_from_slice(base64url_encode(&signature).as_bytes());
    out.extend_from_slice(b"\"}]}");
    Ok(out)
}
