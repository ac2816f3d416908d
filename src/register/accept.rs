//! Opening with a register: the receiver's acceptance rules (docs/TRUST.md, "Opening with a
//! register"), in one function so that the CLI, the receiving service and the bindings apply
//! the same checks in the same order.

use super::{Ack, FoundKey, Outcome, RegisterSet, ReplayStore};
use crate::api::{resolve_policy, Received};
use crate::keys::SecretKey;
use crate::minimise::{verify, MinimiseOptions};
use crate::policy::Policy;
use crate::seal::{self, Envelope, EnvelopeLimits, OpenOptions};
use crate::{Error, ErrorCode, Result};
use sha2::{Digest, Sha256};

/// What the receiver accepts.
#[derive(Clone, Copy, Debug)]
pub struct Acceptance<'a> {
    /// The registers the signer must be in.
    pub registers: &'a RegisterSet,
    /// The policies this receiver accepts (id, version and digest must match the header's).
    pub policies: &'a [Policy],
    /// The time now, Unix seconds (expiry).
    pub now: u64,
    /// Limits on what is read.
    pub limits: &'a EnvelopeLimits,
}

/// An accepted envelope: what was received and who sent it.
#[derive(Clone, Debug)]
pub struct Accepted {
    /// The payload, header, verification and signature (verified).
    pub received: Received,
    /// The signer's entry id in the register.
    pub signer_id: String,
    /// The signer's Party.
    pub signer_party: String,
    /// The signer's roles.
    pub signer_roles: Vec<String>,
    /// The id and serial of the register the signer was found in.
    pub register: (String, u64),
}

fn refuse(code: ErrorCode, msg: impl Into<String>) -> Error {
    Error::new(code, msg)
}

/// What a receiver answers for one envelope: its decision, and the acknowledgement of it to
/// sign ([`Ack::sign`]) and return to the sender.
#[derive(Clone, Debug)]
pub struct Decision {
    /// The accepted envelope, or the refusal with its code.
    pub result: Result<Accepted>,
    /// The acknowledgement: the envelope's `message_id` and header digest, the time of
    /// [`Acceptance::now`], the outcome, and the payload digest as the sender's receipt carries
    /// it whenever the envelope was decrypted (also when it was then refused).
    pub ack: Ack,
}

/// [`open_with_register`], and the acknowledgement of what it decided.
pub fn decide(
    envelope: &Envelope,
    key: &SecretKey,
    acceptance: &Acceptance<'_>,
    replay: &mut dyn ReplayStore,
) -> Decision {
    let mut receipt_digest = None;
    let result = accept(envelope, key, acceptance, replay, &mut receipt_digest);
    let ack = Ack {
        message_id: crate::keys::base64url_encode(&envelope.header().message_id),
        header_sha256: crate::hex::encode(&Sha256::digest(envelope.header_bytes())),
        payload_digest: receipt_digest.map(|d| crate::hex::encode(&d)),
        received_at: acceptance.now,
        outcome: match &result {
            Ok(_) => Outcome::Accepted,
            Err(e) => Outcome::Refused(e.code().as_str().to_string()),
        },
    };
    Decision { result, ack }
}

/// Opens `envelope` with `key` and accepts it only if every rule holds, in this order:
/// it opens (`no_matching_recipient`, `decryption_failed`, `expired`, …); its header names a
/// policy in `acceptance.policies` (`policy_not_accepted`); it is signed (`signature_missing`);
/// the signer's kid is a signing key in the registers (`unknown_signer`); the signature verifies
/// under it (`signature_invalid`); the key is valid at `created_at` and not revoked
/// (`key_not_valid`, `key_revoked`); the signer holds a role the policy's `senders` lists
/// (`signer_not_allowed`); the payload conforms (`does_not_conform`); and, last, `replay` has not
/// seen its `message_id` (`replayed`). No payload is returned unless all pass.
pub fn open_with_register(
    envelope: &Envelope,
    key: &SecretKey,
    acceptance: &Acceptance<'_>,
    replay: &mut dyn ReplayStore,
) -> Result<Accepted> {
    accept(envelope, key, acceptance, replay, &mut None)
}

/// The rules; `receipt_digest` is set as soon as the payload is decrypted.
fn accept(
    envelope: &Envelope,
    key: &SecretKey,
    acceptance: &Acceptance<'_>,
    replay: &mut dyn ReplayStore,
    receipt_digest: &mut Option<[u8; 32]>,
) -> Result<Accepted> {
    let open = OpenOptions {
        limits: *acceptance.limits,
        now: Some(acceptance.now),
        ..OpenOptions::default()
    };
    let opened = seal::open(envelope, key, &open)?;
    *receipt_digest = Some(opened.receipt_digest);
    let header = &opened.header;
    let Some(reference) = &header.policy else {
        return Err(refuse(
            ErrorCode::PolicyNotAccepted,
            "the envelope names no policy; this receiver accepts only named policies",
        ));
    };
    let Some(policy) = acceptance
        .policies
        .iter()
        .find(|p| p.reference() == *reference)
    else {
        return Err(refuse(
            ErrorCode::PolicyNotAccepted,
            format!(
                "policy {} version {} is not one this receiver accepts ({})",
                reference.id,
                reference.version,
                acceptance
                    .policies
                    .iter()
                    .map(|p| format!("{} {}", p.id(), p.version()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    let Some(sig) = &opened.signature else {
        return Err(refuse(
            ErrorCode::SignatureMissing,
            "the envelope is not signed; a register receiver accepts signed envelopes only",
        ));
    };
    let Some((register, entry, FoundKey::Signing(signing))) =
        acceptance.registers.find_kid(&sig.kid)
    else {
        return Err(refuse(
            ErrorCode::UnknownSigner,
            format!("no signing key with kid {} is in the register", sig.kid),
        ));
    };
    if signing.key.alg() != sig.alg {
        return Err(refuse(
            ErrorCode::SignatureInvalid,
            "the signature's algorithm is not that of the signer's registered key",
        ));
    }
    let payload_sha256: [u8; 32] = Sha256::digest(&opened.payload).into();
    let header_bytes = header.canonical_bytes()?;
    let statement = crate::sign::statement(&header_bytes, &payload_sha256);
    signing.key.verify(&statement, &sig.signature)?;
    signing.validity.check(&sig.kid, header.created_at)?;
    acceptance
        .registers
        .check_signer(&sig.kid, header.created_at, policy.senders())?;
    let checked = resolve_policy(reference, Some(policy))?;
    let verification = verify(&checked, &opened.payload, &MinimiseOptions::default())?;
    let mut signature = sig.clone();
    signature.verified = true;
    let received = Received {
        payload: opened.payload,
        header: opened.header,
        verification: Some(verification),
        policy: Some(checked),
        signature: Some(signature),
        receipt_digest: opened.receipt_digest,
    };
    received.require_conformance()?;
    replay.check_and_record(&crate::keys::base64url_encode(&received.header.message_id))?;
    Ok(Accepted {
        signer_id: entry.id.clone(),
        signer_party: entry.party.clone(),
        signer_roles: entry.roles.clone(),
        register: (register.register_id().to_string(), register.serial()),
        received,
    })
}
