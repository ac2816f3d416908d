//! The two flows every front end uses — minimise then seal, open then verify — so that the wasm
//! bindings, the CLI and servers share one implementation and add no logic of their own.

use crate::keys::{PublicKey, SecretKey};
use crate::minimise::{minimise, verify, MinimiseOptions, Receipt, Verification};
use crate::policy::Policy;
use crate::seal::{self, Envelope, EnvelopeLimits, Header, SealParams};
use crate::{Error, ErrorCode, PolicyRef, Result};
use hpke::rand_core::CryptoRng;

/// What [`minimise_and_seal`] returns.
#[derive(Clone, Debug)]
pub struct Sealed {
    /// The envelope, to serialise as JSON or binary.
    pub envelope: Envelope,
    /// The sender's record of what was removed; its payload digest is over exactly the sealed
    /// bytes.
    pub receipt: Receipt,
    /// The minimised payload that was sealed (compact JSON).
    pub payload: Vec<u8>,
}

/// Minimises `payload` under `policy`, names the policy in the header, and seals the minimised
/// bytes to every recipient. Randomness comes from the operating system (or the browser).
pub fn minimise_and_seal(
    policy: &Policy,
    payload: &[u8],
    recipients: &[PublicKey],
    opts: &MinimiseOptions,
    params: SealParams,
) -> Result<Sealed> {
    let minimised = minimise(policy, payload, opts)?;
    let params = params.with_policy(policy.reference());
    let envelope = seal::seal(&minimised.payload, recipients, &params)?;
    Ok(Sealed {
        envelope,
        receipt: minimised.receipt,
        payload: minimised.payload,
    })
}

/// [`minimise_and_seal`] with caller-supplied randomness (deterministic tests and vectors).
pub fn minimise_and_seal_with_rng<R: CryptoRng>(
    policy: &Policy,
    payload: &[u8],
    recipients: &[PublicKey],
    opts: &MinimiseOptions,
    params: SealParams,
    rng: &mut R,
) -> Result<Sealed> {
    let minimised = minimise(policy, payload, opts)?;
    let params = params.with_policy(policy.reference());
    let envelope = seal::seal_with_rng(&minimised.payload, recipients, &params, rng)?;
    Ok(Sealed {
        envelope,
        receipt: minimised.receipt,
        payload: minimised.payload,
    })
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
}

impl Received {
    /// Fails with `does_not_conform` (every violation in the details) unless the payload was
    /// verified and conforms. Receivers that accept only minimised payloads call this.
    pub fn require_conformance(&self) -> Result<()> {
        match &self.verification {
            Some(v) if v.conforms => Ok(()),
            Some(v) => Err(Error::with_details(
                ErrorCode::DoesNotConform,
                "the payload does not conform to the policy named in its header",
                v.violations
                    .iter()
                    .map(|x| format!("{} ({})", x.path, x.kind.as_str()))
                    .collect(),
            )),
            None => Err(Error::new(
                ErrorCode::DoesNotConform,
                "the envelope names no policy, so its payload cannot be verified",
            )),
        }
    }
}

/// Opens `envelope` with `key`, then verifies the payload against the policy its header names:
/// `policy` if given (its reference must equal the header's), else the built-in with that id and
/// digest. A policy the receiver does not have is `unknown_policy`: it is an error, not a pass.
pub fn open_and_verify(
    envelope: &Envelope,
    key: &SecretKey,
    policy: Option<&Policy>,
    opts: &MinimiseOptions,
) -> Result<Received> {
    open_and_verify_with_limits(envelope, key, policy, opts, &EnvelopeLimits::default())
}

/// [`open_and_verify`], opening within `limits` (see [`seal::open_with_limits`]).
pub fn open_and_verify_with_limits(
    envelope: &Envelope,
    key: &SecretKey,
    policy: Option<&Policy>,
    opts: &MinimiseOptions,
    limits: &EnvelopeLimits,
) -> Result<Received> {
    let opened = seal::open_with_limits(envelope, key, limits)?;
    let (verification, policy) = match &opened.header.policy {
        None => (None, None),
        Some(reference) => {
            let p = resolve_policy(reference, policy)?;
            (Some(verify(&p, &opened.payload, opts)?), Some(p))
        }
    };
    Ok(Received {
        payload: opened.payload,
        header: opened.header,
        verification,
        policy,
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
