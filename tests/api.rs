//! The end-to-end flows: minimise then seal, open then verify.
use minseal::api::{minimise_and_seal, open_and_verify, resolve_policy};
use minseal::keys::SecretKey;
use minseal::minimise::MinimiseOptions;
use minseal::policy::Policy;
use minseal::seal::{seal, SealParams};
use minseal::ErrorCode;

fn fixture(stem: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{stem}/input.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn sealed_order_opens_and_verifies_against_the_builtin_named_in_its_header() {
    let policy = Policy::builtin("2ap/art7-order").unwrap();
    let authority = SecretKey::generate().unwrap();
    let input = fixture("2ap-art7-order");
    let opts = MinimiseOptions::default();
    let sealed = minimise_and_seal(
        &policy,
        &input,
        &[authority.public_key().clone()],
        &opts,
        SealParams::new(1_764_000_000),
    )
    .unwrap();
    assert_eq!(
        sealed.envelope.header().policy.as_ref(),
        Some(&policy.reference())
    );
    assert!(
        sealed.receipt.counts().removed > 0,
        "the fixture carries fields to strip"
    );
    let received = open_and_verify(&sealed.envelope, &authority, None, &opts).unwrap();
    assert_eq!(received.payload, sealed.payload);
    let v = received.verification.as_ref().unwrap();
    assert!(v.conforms, "{:?}", v.violations);
    received.require_conformance().unwrap();
    // The receipt's digest is over exactly the sealed bytes.
    let digest = minseal::hex::encode(&sha2_digest(&received.payload));
    assert!(sealed.receipt.to_json().contains(&digest));
}

#[test]
fn a_payload_sealed_as_is_under_a_policy_name_does_not_conform() {
    let policy = Policy::builtin("2ap/art7-order").unwrap();
    let authority = SecretKey::generate().unwrap();
    let params = SealParams::new(1).with_policy(policy.reference());
    let env = seal(
        &fixture("2ap-art7-order"),
        &[authority.public_key().clone()],
        &params,
    )
    .unwrap();
    let received = open_and_verify(&env, &authority, None, &MinimiseOptions::default()).unwrap();
    let v = received.verification.as_ref().unwrap();
    assert!(!v.conforms);
    let err = received.require_conformance().unwrap_err();
    assert_eq!(err.code(), ErrorCode::DoesNotConform);
    assert!(
        err.details().iter().any(|d| d.contains("facts_summary")),
        "{:?}",
        err.details()
    );
}

#[test]
fn unsealed_policy_name_and_mismatched_policies_are_refused() {
    let authority = SecretKey::generate().unwrap();
    let opts = MinimiseOptions::default();
    // No policy in the header: nothing to verify against, and conformance cannot be claimed.
    let env = seal(
        b"{}",
        &[authority.public_key().clone()],
        &SealParams::new(1),
    )
    .unwrap();
    let received = open_and_verify(&env, &authority, None, &opts).unwrap();
    assert!(received.verification.is_none());
    assert_eq!(
        received.require_conformance().unwrap_err().code(),
        ErrorCode::DoesNotConform
    );

    // A header naming a policy whose digest differs from the built-in: unknown_policy.
    let mut reference = Policy::builtin("2ap/art7-order").unwrap().reference();
    reference.digest[0] ^= 1;
    assert_eq!(
        resolve_policy(&reference, None).unwrap_err().code(),
        ErrorCode::UnknownPolicy
    );
    let env = seal(
        b"{}",
        &[authority.public_key().clone()],
        &SealParams::new(1).with_policy(reference),
    )
    .unwrap();
    assert_eq!(
        open_and_verify(&env, &authority, None, &opts)
            .unwrap_err()
            .code(),
        ErrorCode::UnknownPolicy
    );

    // An explicit policy other than the one named: unknown_policy.
    let named = Policy::builtin("2ap/art7-order").unwrap();
    let other = Policy::builtin("2ap/art6-domain-registration").unwrap();
    assert_eq!(
        resolve_policy(&named.reference(), Some(&other))
            .unwrap_err()
            .code(),
        ErrorCode::UnknownPolicy
    );
    assert_eq!(
        resolve_policy(&named.reference(), Some(&named))
            .unwrap()
            .id(),
        "2ap/art7-order"
    );

    // A header naming an id that is not built in: unknown_policy.
    let mut unknown = named.reference();
    unknown.id = "xx/none".into();
    assert_eq!(
        resolve_policy(&unknown, None).unwrap_err().code(),
        ErrorCode::UnknownPolicy
    );
}

#[test]
fn the_wrong_key_is_refused_before_any_verification() {
    let policy = Policy::builtin("2ap/art7-order").unwrap();
    let authority = SecretKey::generate().unwrap();
    let intruder = SecretKey::generate().unwrap();
    let opts = MinimiseOptions::default();
    let sealed = minimise_and_seal(
        &policy,
        &fixture("2ap-art7-order"),
        &[authority.public_key().clone()],
        &opts,
        SealParams::new(1),
    )
    .unwrap();
    let err = open_and_verify(&sealed.envelope, &intruder, None, &opts).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NoMatchingRecipient);
}

fn sha2_digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).into()
}
