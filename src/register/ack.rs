//! Signed acknowledgements: what a receiver returns for each envelope it was sent, signed with
//! its register signing key, so the sender holds evidence of delivery (or of refusal, with the
//! code) that it can show a third party.
//!
//! Document: `{"ack": {…}, "signature": {"kid": …, "signature": …}}`; the signature is over
//! [`ACK_SIGNATURE_LABEL`] followed by the RFC 8785 canonical bytes of `ack`.

use super::time::{format_utc, parse_utc};
use super::{FoundKey, RegisterSet};
use crate::json::{Limits, Object, Value};
use crate::keys::{base64url_decode, base64url_encode};
use crate::seal::Envelope;
use crate::sign::Signer;
use crate::{Error, ErrorCode, Result};
use sha2::{Digest, Sha256};

/// The domain-separation label that starts every acknowledgement signature's statement.
pub const ACK_SIGNATURE_LABEL: &[u8] = b"minseal ack v1\0";

/// What happened to the envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Opened, verified, accepted and stored.
    Accepted,
    /// Refused, with the stable error code.
    Refused(String),
}

/// The content of an acknowledgement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ack {
    /// The envelope's `message_id`.
    pub message_id: String,
    /// SHA-256 of the envelope's canonical header, lowercase hex.
    pub header_sha256: String,
    /// The payload digest exactly as the sender's receipt carries it (absent when the envelope
    /// was refused before its payload was read).
    pub payload_digest: Option<String>,
    /// When the receiver received it (Unix seconds).
    pub received_at: u64,
    /// Accepted, or refused with a code.
    pub outcome: Outcome,
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidArgument, msg)
}

impl Ack {
    fn to_value(&self) -> Value {
        let mut m = vec![
            ("minseal_ack".to_string(), Value::Number("1".into())),
            (
                "message_id".to_string(),
                Value::String(self.message_id.clone()),
            ),
            (
                "header_sha256".to_string(),
                Value::String(self.header_sha256.clone()),
            ),
            (
                "received_at".to_string(),
                Value::String(format_utc(self.received_at)),
            ),
        ];
        if let Some(d) = &self.payload_digest {
            m.push(("payload_digest".to_string(), Value::String(d.clone())));
        }
        match &self.outcome {
            Outcome::Accepted => m.push(("outcome".into(), Value::String("accepted".into()))),
            Outcome::Refused(code) => {
                m.push(("outcome".into(), Value::String("refused".into())));
                m.push(("code".into(), Value::String(code.clone())));
            }
        }
        Value::Object(Object::new(m))
    }

    fn from_object(o: &Object) -> Result<Ack> {
        let allowed = [
            "minseal_ack",
            "message_id",
            "header_sha256",
            "payload_digest",
            "received_at",
            "outcome",
            "code",
        ];
        if let Some(k) = o.keys().find(|k| !allowed.contains(k)) {
            return Err(invalid(format!(
                "unknown member \"{k}\" in the acknowledgement"
            )));
        }
        if o.get("minseal_ack") != Some(&Value::Number("1".into())) {
            return Err(invalid(
                "not a minseal acknowledgement (minseal_ack must be 1)",
            ));
        }
        let s = |name: &str| -> Result<String> {
            o.get(name)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| {
                    invalid(format!(
                        "acknowledgement member \"{name}\" must be a string"
                    ))
                })
        };
        let received_at = parse_utc(&s("received_at")?)
            .ok_or_else(|| invalid("received_at must be YYYY-MM-DDTHH:MM:SSZ"))?;
        let outcome = match s("outcome")?.as_str() {
            "accepted" if !o.contains_key("code") => Outcome::Accepted,
            "refused" => Outcome::Refused(s("code")?),
            _ => {
                return Err(invalid(
                    "outcome is \"accepted\" (no code) or \"refused\" with a code",
                ))
            }
        };
        let payload_digest = match o.get("payload_digest") {
            None => None,
            Some(_) => Some(s("payload_digest")?),
        };
        Ok(Ack {
            message_id: s("message_id")?,
            header_sha256: s("header_sha256")?,
            payload_digest,
            received_at,
            outcome,
        })
    }

    /// Signs the acknowledgement; returns the document (canonical JSON).
    pub fn sign(&self, signer: &dyn Signer) -> Result<Vec<u8>> {
        let canonical = crate::jcs::canonicalize(&self.to_value())?;
        let sig = signer.sign(&statement(&canonical))?;
        let mut out = Vec::with_capacity(canonical.len() + 160);
        out.extend_from_slice(b"{\"ack\":");
        out.extend_from_slice(&canonical);
        out.extend_from_slice(b",\"signature\":{\"kid\":");
        crate::jcs::write_string(&signer.kid(), &mut out);
        out.extend_from_slice(b",\"signature\":\"");
        out.extend_from_slice(base64url_encode(&sig).as_bytes());
        out.extend_from_slice(b"\"}}");
        Ok(out)
    }
}

fn statement(canonical: &[u8]) -> Vec<u8> {
    let mut s = Vec::with_capacity(ACK_SIGNATURE_LABEL.len() + canonical.len());
    s.extend_from_slice(ACK_SIGNATURE_LABEL);
    s.extend_from_slice(canonical);
    s
}

/// A verified acknowledgement and who signed it.
#[derive(Clone, Debug)]
pub struct VerifiedAck {
    /// What it says.
    pub ack: Ack,
    /// The signer's entry id.
    pub signer_id: String,
    /// The signer's Party.
    pub signer_party: String,
    /// The signing key's kid.
    pub signer_kid: String,
}

/// Verifies an acknowledgement document for the envelope with `message_id` that the sender
/// sealed to `recipient_kids`: the signature must be by a signing key in `registers`, valid at
/// the acknowledgement's `received_at`, held by an entry that also holds one of the envelope's
/// recipient encryption keys; the `message_id` must be the one expected. Errors:
/// `invalid_argument` (malformed), `unknown_signer`, `key_revoked`, `key_not_valid`,
/// `signer_not_allowed` (not a recipient), `signature_invalid`.
pub fn verify_ack(
    document: &[u8],
    registers: &RegisterSet,
    message_id: &str,
    recipient_kids: &[String],
) -> Result<VerifiedAck> {
    let limits = Limits {
        max_bytes: 64 * 1024,
        max_depth: 8,
    };
    let root = match crate::json::value::parse_within(document, &limits)? {
        Value::Object(o) => o,
        _ => return Err(invalid("an acknowledgement is a JSON object")),
    };
    if root.len() != 2 {
        return Err(invalid(
            "an acknowledgement has exactly the members \"ack\" and \"signature\"",
        ));
    }
    let (Some(Value::Object(ack_obj)), Some(Value::Object(sig))) =
        (root.get("ack"), root.get("signature"))
    else {
        return Err(invalid(
            "an acknowledgement has exactly the members \"ack\" and \"signature\"",
        ));
    };
    let ack = Ack::from_object(ack_obj)?;
    let (Some(kid), Some(sig_b64)) = (
        sig.get("kid").and_then(Value::as_str),
        sig.get("signature").and_then(Value::as_str),
    ) else {
        return Err(invalid(
            "signature needs string members \"kid\" and \"signature\"",
        ));
    };
    let sig_bytes =
        base64url_decode(sig_b64).ok_or_else(|| invalid("signature is not canonical base64url"))?;
    let Some((_, entry, FoundKey::Signing(key))) = registers.find_kid(kid) else {
        return Err(Error::new(
            ErrorCode::UnknownSigner,
            format!("no signing key with kid {kid} is in the register"),
        ));
    };
    let canonical = crate::jcs::canonicalize(&Value::Object(ack_obj.clone()))?;
    key.key
        .verify(&statement(&canonical), &sig_bytes)
        .map_err(|_| {
            Error::new(
                ErrorCode::SignatureInvalid,
                format!("the acknowledgement's signature by {kid} does not verify"),
            )
        })?;
    key.validity.check(kid, ack.received_at)?;
    let is_recipient = entry
        .encryption_keys
        .iter()
        .any(|k| recipient_kids.contains(&k.kid));
    if !is_recipient {
        return Err(Error::new(
            ErrorCode::SignerNotAllowed,
            format!(
                "the acknowledgement is signed by {} ({}), which holds none of the envelope's recipient keys",
                entry.id, entry.party
            ),
        ));
    }
    if ack.message_id != message_id {
        return Err(invalid(format!(
            "the acknowledgement is for message {}, not {message_id}",
            ack.message_id
        )));
    }
    Ok(VerifiedAck {
        signer_id: entry.id.clone(),
        signer_party: entry.party.clone(),
        signer_kid: kid.to_string(),
        ack,
    })
}

/// [`verify_ack`] for the envelope the sender sealed: the `message_id` and recipient kids come
/// from its header, and the acknowledgement's `header_sha256` must be that of its canonical
/// header. With `receipt_digest` (hex: the sender's bound receipt's `payload.hmac_sha256`), the
/// acknowledgement must carry that payload digest. A mismatch is `invalid_argument`: the
/// acknowledgement is genuine, but of another envelope or another payload.
pub fn verify_ack_for(
    document: &[u8],
    registers: &RegisterSet,
    envelope: &Envelope,
    receipt_digest: Option<&str>,
) -> Result<VerifiedAck> {
    let header = envelope.header();
    let message_id = base64url_encode(&header.message_id);
    let verified = verify_ack(document, registers, &message_id, &header.recipients)?;
    let header_sha256 = crate::hex::encode(&Sha256::digest(envelope.header_bytes()));
    if verified.ack.header_sha256 != header_sha256 {
        return Err(invalid(format!(
            "the acknowledgement names header digest {}, not this envelope's {header_sha256}",
            verified.ack.header_sha256
        )));
    }
    if let Some(expected) = receipt_digest {
        match &verified.ack.payload_digest {
            Some(d) if d == expected => {}
            Some(d) => {
                return Err(invalid(format!(
                    "the acknowledgement names payload digest {d}, not the receipt's {expected}"
                )))
            }
            None => {
                return Err(invalid(
                    "the acknowledgement names no payload digest (the receiver did not decrypt the payload)",
                ))
            }
        }
    }
    Ok(verified)
}
