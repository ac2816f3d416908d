//! The flows every front end uses — minimise then seal, seal as is, open then verify — so that
//! the wasm bindings, the CLI and servers share one implementation and add no logic of their
//! own.

use crate::keys::{PublicKey, SecretKey};
use crate::minimise::{minimise, verify, MinimiseOptions, Receipt, ReceiptEnvelope, Verification};
use crate::policy::Policy;
use crate::seal::{self, Envelope, Header, OpenOptions, SealParams, SignatureInfo};
use crate::sign::Signer;
use crate::{Error, ErrorCode, PolicyRef, Result};
#[cfg(any(test, feature = "deterministic-rng"))]
use hpke::rand_core::CryptoRng;
use sha2::{Digest, Sha256};

/// How to seal: the header parameters, who signs, and the minimisation options.
#[derive(Clone)]
pub struct SealOptions<'a> {
    /// Header parameters: creation time, expiry, content type, chunk size, metadata, limits.
    pub params: SealParams,
    /// The sender's signer; `None` seals unsigned.
    pub signer: Option<&'a dyn Signer>,
    /// For [`minimise_and_seal`], and for [`seal()`] with a policy: hash key, strict mode, limits.
    pub minimise: MinimiseOptions,
    /// For [`seal()`] only: the policy the payload must already conform to (checked first,
    /// `does_not_conform` with every violation otherwise) and that the header then names.
    /// `None`: the header names no policy.
    pub policy: Option<&'a Policy>,
}

impl<'a> SealOptions<'a> {
    /// Defaults with these header parameters.
    pub fn new(params: SealParams) -> Self {
        Self {
            params,
            signer: None,
            minimise: MinimiseOptions::default(),
            policy: None,
        }
    }

    /// Signs with `signer`.
    pub fn signed_by(mut self, signer: &'a dyn Signer) -> Self {
        self.signer = Some(signer);
        self
    }

    /// Requires the payload to conform to `policy` and names it in the header ([`seal()`]).
    pub fn conforming_to(mut self, policy: &'a Policy) -> Self {
        self.policy = Some(policy);
        self
    }
}

impl core::fmt::Debug for SealOptions<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SealOptions")
            .field("params", &self.params)
            .field("signer", &self.signer.map(|s| (s.alg(), s.kid())))
            .field("policy", &self.policy.map(Policy::reference))
            .finish_non_exhaustive()
    }
}

/// What [`minimise_and_seal`] returns.
#[derive(Clone, Debug)]
pub struct Sealed {
    /// The envelope, to serialise as JSON or binary.
    pub envelope: Envelope,
    /// The sender's record of what was removed, bound to the envelope (its `message_id`,
    /// header digest, and a payload digest keyed by the envelope's receipt key).
    pub receipt: Receipt,
    /// The minimised payload that was sealed (compact JSON).
    pub payload: Vec<u8>,
}

/// Minimises `payload` under `policy`, names the policy in the header, and seals the minimised
/// bytes to every recipient (signed if `opts.signer`). Randomness comes from the operating
/// system (or the browser).
pub fn minimise_and_seal(
    policy: &Policy,
    payload: &[u8],
    recipients: &[PublicKey],
    opts: &SealOptions<'_>,
) -> Result<Sealed> {
    let minimised = minimise(policy, payload, &opts.minimise)?;
    let params = opts.params.clone().with_policy(policy.reference());
    let n = recipients.len();
    let bound = seal::with_system_rng(n, |rng| {
        seal::seal_bound(
            &minimised.payload,
            receipt_sha256(&minimised.receipt),
            recipients,
            &params,
            opts.signer,
            rng,
        )
    })?;
    Ok(finish_sealed(minimised.payload, minimised.receipt, bound))
}

/// [`minimise_and_seal`] with caller-supplied randomness (tests and vectors only).
#[cfg(any(test, feature = "deterministic-rng"))]
pub fn minimise_and_seal_with_rng<R: CryptoRng>(
    policy: &Policy,
    payload: &[u8],
    recipients: &[PublicKey],
    opts: &SealOptions<'_>,
    rng: &mut R,
) -> Result<Sealed> {
    let minimised = minimise(policy, payload, &opts.minimise)?;
    let params = opts.params.clone().with_policy(policy.reference());
    let bound = seal::seal_bound(
        &minimised.payload,
        receipt_sha256(&minimised.receipt),
        recipients,
        &params,
        opts.signer,
        rng,
    )?;
    Ok(finish_sealed(minimised.payload, minimised.receipt, bound))
}

/// The SHA-256 the receipt already holds (the minimiser computed it over the same bytes).
fn receipt_sha256(receipt: &Receipt) -> Option<[u8; 32]> {
    crate::hex::decode(&receipt.payload.sha256)
        .and_then(|d| <[u8; 32]>::try_from(d.as_slice()).ok())
}

fn finish_sealed(payload: Vec<u8>, mut receipt: Receipt, bound: seal::Bound) -> Sealed {
    let header = bound.envelope.header();
    receipt.bind(ReceiptEnvelope {
        message_id: crate::keys::b64::encode(&header.message_id),
        header_sha256: crate::hex::encode(&Sha256::digest(bound.envelope.header_bytes())),
        payload_hmac_sha256: crate::hex::encode(&bound.receipt_digest),
    });
    Sealed {
        envelope: bound.envelope,
        receipt,
        payload,
    }
}

/// Seals `payload` as is. With `opts.policy`, the payload is first checked against that policy
/// (`does_not_conform` with every violation if it does not conform) and the header names it;
/// without, the header names no policy. Signed if `opts.signer`.
pub fn seal(payload: &[u8], recipients: &[PublicKey], opts: &SealOptions<'_>) -> Result<Envelope> {
    let params = checked_params(payload, opts)?;
    seal::seal(payload, recipients, &params, opts.signer)
}

/// [`seal()`] with caller-supplied randomness (tests and vectors only).
#[cfg(any(test, feature = "deterministic-rng"))]
pub fn seal_with_rng<R: CryptoRng>(
    payload: &[u8],
    recipients: &[PublicKey],
    opts: &SealOptions<'_>,
    rng: &mut R,
) -> Result<Envelope> {
    let params = checked_params(payload, opts)?;
    seal::seal_with_rng(payload, recipients, &params, opts.signer, rng)
}

/// The header parameters for [`seal()`], naming `opts.policy` once the payload conforms to it.
pub fn checked_params(payload: &[u8], opts: &SealOptions<'_>) -> Result<SealParams> {
    let Some(policy) = opts.policy else {
        return Ok(opts.params.clone());
    };
    let v = verify(policy, payload, &opts.minimise)?;
    if !v.conforms {
        return Err(does_not_conform(
            &v,
            "the payload does not conform to the policy to seal it under",
        ));
    }
    Ok(opts.params.clone().with_policy(policy.reference()))
}

fn does_not_conform(v: &Verification, msg: &str) -> Error {
    Error::with_details(
        ErrorCode::DoesNotConform,
        msg,
        v.violations
            .iter()
            .map(|x| format!("{} ({})", x.path, x.kind.as_str()))
            .collect(),
    )
}

/// How to open and verify: the opening options (limits, trusted signers, time), the policy
/// when it is not a built-in, and the options to verify with.
#[derive(Clone, Default)]
pub struct ReceiveOptions<'a> {
    /// Limits, trusted signing keys, `allow_unsigned`, `now` (see [`OpenOptions`]).
    pub open: OpenOptions,
    /// The policy the header names, if it is not a built-in (its id, version and digest must
    /// equal the header's).
    pub policy: Option<&'a Policy>,
    /// Options for verifying the payload against the policy (hash key, limits).
    pub minimise: MinimiseOptions,
}

impl core::fmt::Debug for ReceiveOptions<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ReceiveOptions")
            .field("open", &self.open)
            .field("policy", &self.policy.map(Policy::reference))
            .finish_non_exhaustive()
    }
}

/// What [`open_and_verify`] returns.
#[derive(Clone, Debug)]
pub struct Received {
    /// The opened payload.
    pub payload: Vec<u8>,
    /// The authenticated header.
    pub header: Header,
    /// The payload checked against the policy the header names; `None` when the header names
    /// no policy (sealed as is).
    pub verification: Option<Verification>,
    /// The policy verified against, if any.
    pub policy: Option<Policy>,
    /// The sender's signature: `None` when unsigned; `verified` says whether it was checked
    /// against a trusted key.
    pub signature: Option<SignatureInfo>,
    /// The receipt's keyed payload digest ([`seal::Opened::receipt_digest`]): equal to the
    /// `payload.hmac_sha256` of the sender's bound receipt.
    pub receipt_digest: [u8; 32],
}

impl Received {
    /// Fails with `does_not_conform` (every violation in the details) unless the payload was
    /// verified and conforms. Receivers that accept only minimised payloads call this.
    pub fn require_conformance(&self) -> Result<()> {
        match &self.verification {
            Some(v) if v.conforms => Ok(()),
            Some(v) => Err(does_not_conform(
                v,
                "the payload does not conform to the policy named in its header",
            )),
            None => Err(Error::new(
                ErrorCode::DoesNotConform,
                "the envelope names no policy, so its payload cannot be verified",
            )),
        }
    }

    /// The evidence document for this envelope (see [`crate::proof`]): `signature_missing` if
    /// it is unsigned.
    pub fn proof(&self) -> Result<String> {
        crate::proof::export(&self.header, &self.payload, self.signature.as_ref())
    }
}

/// Opens `envelope` with `key` (checking the signature as `opts.open` says), then verifies the
/// payload against the policy its header names: `opts.policy` if given (its reference must
/// equal the header's), else the built-in with that id and digest. A policy the receiver does
/// not have is `unknown_policy`: an error, not a pass.
pub fn open_and_verify(
    envelope: &Envelope,
    key: &SecretKey,
    opts: &ReceiveOptions<'_>,
) -> Result<Received> {
    let opened = seal::open(envelope, key, &opts.open)?;
    let (verification, policy) = match &opened.header.policy {
        None => (None, None),
        Some(reference) => {
            let p = resolve_policy(reference, opts.policy)?;
            (Some(verify(&p, &opened.payload, &opts.minimise)?), Some(p))
        }
    };
    Ok(Received {
        payload: opened.payload,
        header: opened.header,
        verification,
        policy,
        signature: opened.signature,
        receipt_digest: opened.receipt_digest,
    })
}

/// The policy a header names: `explicit` if given (its id, version and digest must equal the
/// header's), else the built-in with that id whose digest matches.
pub fn resolve_policy(reference: &PolicyRef, explicit: Option<&Policy>) -> Result<Policy> {
    let candidate = match explicit {
        Some(p) => p.clone(),
        None => Policy::builtin(&reference.id)?,
    };
    if candidate.reference() != *reference {
        return Err(Error::new(
            ErrorCode::UnknownPolicy,
            format!(
                "the envelope names policy {} version {} with digest {}, which differs from the {} policy {} version {} with digest {}",
                reference.id,
                reference.version,
                reference.digest_hex(),
                if explicit.is_some() { "given" } else { "built-in" },
                candidate.id(),
                candidate.version(),
                crate::hex::encode(&candidate.digest()),
            ),
        ));
    }
    Ok(candidate)
}
