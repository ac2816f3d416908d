//! Deciding whether to accept an envelope: request body in, accept or refuse out.
//!
//! The server knows nothing about envelopes beyond this seam: it hands the body to an
//! [`Acceptor`] on the worker pool and stores what comes back accepted. [`VerifyingAcceptor`]
//! opens with the authority's key, checks the sender's signature against the signing keys it
//! trusts, and requires a payload that conforms to the policy its header names; an acceptor with
//! other rules (a register) implements the same trait and answers with its own status and code.

use minseal::api::{self, ReceiveOptions};
use minseal::keys::SecretKey;
use minseal::seal::{Envelope, Header, OpenOptions};
use minseal::sign::VerifyingKey;
use minseal::{Error, ErrorCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::time::{SystemTime, UNIX_EPOCH};

/// Which serialisation a request body claims to be (from its `content-type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `application/json`.
    Json,
    /// `application/vnd.minseal` or `application/octet-stream`.
    Binary,
}

impl Form {
    /// The form for a `content-type` value (parameters such as `charset` are ignored), or `None`
    /// for a type this service does not take.
    pub fn from_content_type(value: &str) -> Option<Self> {
        let essence = value.split(';').next().unwrap_or("").trim();
        if essence.eq_ignore_ascii_case("application/json") {
            Some(Self::Json)
        } else if essence.eq_ignore_ascii_case("application/vnd.minseal")
            || essence.eq_ignore_ascii_case("application/octet-stream")
        {
            Some(Self::Binary)
        } else {
            None
        }
    }

    /// `"json"` or `"binary"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Binary => "binary",
        }
    }
}

/// An accepted envelope: what to store, and what to answer.
#[derive(Clone, Debug)]
pub struct Accepted {
    /// The key the envelope is stored and deduplicated under ([`envelope_id`]).
    pub id: String,
    /// The 202 body. A function of the envelope alone, so that a retried POST of the same
    /// envelope gets the same answer.
    pub answer: Value,
    /// What the receiver vouches for, stored beside the envelope.
    pub record: Value,
}

/// A refusal: the HTTP status and the body's stable `error` code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// 400 (not a well-formed envelope), 422 (refused on its merits), 500 (the receiver's fault),
    /// or what another acceptor decides (403 for a signer it does not trust, …).
    pub status: u16,
    /// A stable code: an [`ErrorCode`] string, or one of this service's own (`conflict`,
    /// `overloaded`, …).
    pub code: String,
    /// For humans.
    pub message: String,
    /// Every violation, problem or missing path, if any.
    pub details: Vec<String>,
    /// A signed acknowledgement of the refusal (register mode), under `"ack"` in the body.
    pub ack: Option<Value>,
}

impl Refusal {
    /// A refusal without details.
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
            details: Vec::new(),
            ack: None,
        }
    }

    /// A library error with the given status.
    pub fn from_error(status: u16, e: &Error) -> Self {
        Self {
            status,
            code: e.code().as_str().to_owned(),
            message: e.message().to_owned(),
            details: e.details().to_vec(),
            ack: None,
        }
    }

    /// The JSON body: `{"error", "message"}`, plus `"details"` and `"ack"` when there are any.
    pub fn body(&self) -> Value {
        let mut body = json!({ "error": self.code, "message": self.message });
        if !self.details.is_empty() {
            body["details"] = json!(self.details);
        }
        if let Some(ack) = &self.ack {
            body["ack"] = ack.clone();
        }
        body
    }
}

/// Turns a request body into an accepted envelope or a refusal. Called on the worker pool: it may
/// block and burn CPU, and runs for many requests at once.
pub trait Acceptor: Send + Sync + 'static {
    /// Decides on one request body of the given form.
    fn accept(&self, form: Form, body: &[u8]) -> Result<Accepted, Refusal>;
}

/// The key an envelope is stored and deduplicated under: its header's `message_id`, in the
/// base64url the header itself uses (22 characters, `[A-Za-z0-9_-]`). Taken from a header that
/// opened, so the id is authenticated: the transport cannot rename an envelope.
pub fn envelope_id(header: &Header) -> String {
    match header_json(header)["message_id"].as_str() {
        Some(id) => id.to_owned(),
        // The header's JSON always carries its message_id; hex of the same 16 bytes otherwise.
        None => minseal::hex::encode(&header.message_id),
    }
}

/// The header as JSON (its canonical bytes, parsed), `null` if it cannot be serialised.
pub fn header_json(header: &Header) -> Value {
    header
        .canonical_bytes()
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null)
}

/// What both acceptors answer and store for an accepted envelope: the id, the payload digest and
/// the policy, plus each acceptor's own members (`extra`: the signature, or the signer and the
/// acknowledgement). Names, digests and decisions only: never a payload value.
pub fn accepted(
    received: &minseal::Received,
    kid: String,
    form: Form,
    body_len: usize,
    extra: &[(&str, Value)],
) -> Accepted {
    let id = envelope_id(&received.header);
    let sha = minseal::hex::encode(&Sha256::digest(&received.payload));
    let policy = received
        .header
        .policy
        .as_ref()
        .map(|p| json!({ "id": p.id, "version": p.version, "digest": p.digest_hex() }));
    let mut answer = json!({ "id": id, "payload_sha256": sha, "policy": policy });
    let mut record = json!({
        "id": id,
        "received_at": now(),
        "kid": kid,
        "form": form.as_str(),
        "envelope_bytes": body_len,
        "policy": policy,
        "payload": { "sha256": sha, "bytes": received.payload.len() },
        "header": header_json(&received.header),
    });
    for (name, value) in extra {
        answer[*name] = value.clone();
        record[*name] = value.clone();
    }
    Accepted { id, answer, record }
}

/// The system clock, Unix seconds (0 for a clock set before 1970).
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The HTTP status for a library refusal: 403 for a signer this receiver does not trust, 422 for
/// any other refusal on the envelope's merits, 500 for the receiver's own failures.
pub fn status_for(code: ErrorCode) -> u16 {
    match code {
        ErrorCode::UnknownSigner => 403,
        c if c.is_refusal() => 422,
        _ => 500,
    }
}

/// Parses a body of the given form. A body that is not a well-formed envelope is the client's
/// syntax error: 400 with the library's code (`malformed_envelope`, `limit_exceeded`, …).
pub fn parse(form: Form, body: &[u8]) -> Result<Envelope, Refusal> {
    let parsed = match form {
        Form::Binary => Envelope::from_binary(body),
        Form::Json => std::str::from_utf8(body)
            .map_err(|_| Error::new(ErrorCode::MalformedEnvelope, "JSON envelope is not UTF-8"))
            .and_then(|t| Envelope::from_json(t.trim())),
    };
    parsed.map_err(|e| Refusal::from_error(400, &e))
}

/// Opens with the authority's key, checks the signature, and accepts only payloads that conform
/// to the policy the header names (`api::open_and_verify` then `require_conformance`).
///
/// - A signed envelope is accepted only if its signature verifies under one of the trusted
///   signing keys: a kid none of them has is 403 `unknown_signer`, a signature that does not
///   verify is 422 `signature_invalid`.
/// - An unsigned envelope is 422 `signature_missing` unless the acceptor allows unsigned ones.
/// - `expires_at` at or before the system clock is 422 `expired`.
/// - An envelope that names no policy is refused (`does_not_conform`), and one naming a policy
///   this receiver does not have is `unknown_policy`: this receiver takes only verified payloads.
pub struct VerifyingAcceptor {
    key: SecretKey,
    signers: Vec<VerifyingKey>,
    allow_unsigned: bool,
}

impl VerifyingAcceptor {
    /// An acceptor opening with `key`, trusting `signers`, and accepting unsigned envelopes only
    /// if `allow_unsigned`. With no signers, every signed envelope is `unknown_signer`.
    pub fn new(key: SecretKey, signers: Vec<VerifyingKey>, allow_unsigned: bool) -> Self {
        Self {
            key,
            signers,
            allow_unsigned,
        }
    }

    /// The key id envelopes must be sealed to.
    pub fn kid(&self) -> String {
        self.key.kid()
    }

    /// The trusted signing keys' ids.
    pub fn signer_kids(&self) -> Vec<String> {
        self.signers.iter().map(|k| k.kid().to_owned()).collect()
    }
}

impl Acceptor for VerifyingAcceptor {
    fn accept(&self, form: Form, body: &[u8]) -> Result<Accepted, Refusal> {
        let envelope = parse(form, body)?;
        let opts = ReceiveOptions {
            open: OpenOptions::default()
                .trust(self.signers.clone())
                .allow_unsigned(self.allow_unsigned)
                .at(now()),
            ..ReceiveOptions::default()
        };
        let refuse = |e: Error| Refusal::from_error(status_for(e.code()), &e);
        let received = api::open_and_verify(&envelope, &self.key, &opts).map_err(refuse)?;
        // The library checks a signature only against the keys it is given, and lets an unsigned
        // envelope through when it is given none: this receiver's rules are stated here, whatever
        // the list holds.
        let signature = match &received.signature {
            None if !self.allow_unsigned => {
                return Err(refuse(Error::new(
                    ErrorCode::SignatureMissing,
                    "the envelope is unsigned and this receiver accepts only signed envelopes",
                )))
            }
            None => None,
            Some(s) if !s.verified => {
                return Err(refuse(Error::new(
                    ErrorCode::UnknownSigner,
                    format!(
                        "the envelope is signed by {}, a key this receiver does not trust",
                        s.kid
                    ),
                )))
            }
            Some(s) => Some(json!({ "alg": s.alg.as_str(), "kid": s.kid, "verified": true })),
        };
        received.require_conformance().map_err(refuse)?;

        let verification = received.verification.as_ref().map(|v| {
            json!({
                "conforms": v.conforms,
                "violations": v.violations.iter()
                    .map(|x| json!({ "path": x.path, "kind": x.kind.as_str() }))
                    .collect::<Vec<_>>(),
            })
        });
        // The record keeps the verification outcome; the answer does not.
        let mut done = accepted(
            &received,
            self.key.kid(),
            form,
            body.len(),
            &[("signature", signature.unwrap_or(Value::Null))],
        );
        done.record["verification"] = verification.unwrap_or(Value::Null);
        Ok(done)
    }
}
