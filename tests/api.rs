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
        &minseal::api::SealOptions {
            minimise: opts.clone(),
            ..minseal::api::SealOptions::new(SealParams::new(1_764_000_000))
        },
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
    let received = open_and_verify(
        &sealed.envelope,
        &authority,
        &minseal::api::ReceiveOptions {
            policy: None,
            minimise: opts.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(received.payload, sealed.payload);
    let v = received.verification.as_ref().unwrap();
    assert!(v.conforms, "{:?}", v.violations);
    received.require_conformance().unwrap();
    // The receipt is bound to the envelope, and its payload digest is keyed: the plain
    // SHA-256 of the payload (which would confirm a guessed payload) is not in it.
    let digest = minseal::hex::encode(&sha2_digest(&received.payload));
    let receipt = sealed.receipt.to_json();
    assert!(!receipt.contains(&digest), "{receipt}");
    let bound = sealed.receipt.envelope.as_ref().unwrap();
    assert_eq!(
        bound.header_sha256,
        minseal::hex::encode(&sha2_digest(sealed.envelope.header_bytes()))
    );
    assert_eq!(bound.message_id, {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sealed.envelope.header().message_id)
    });
    assert!(receipt.contains(&bound.payload_hmac_sha256) && receipt.contains(&bound.message_id));
}

/// Issue 16, problem 4: sealing under a policy name checks the payload against that policy
/// first; a payload that does not conform is refused with every violation, and nothing is
/// sealed. (`SealParams` offers no way to name a policy unchecked.)
#[test]
fn sealing_under_a_policy_checks_the_payload_first() {
    let policy = Policy::builtin("2ap/art7-order").unwrap();
    let authority = SecretKey::generate().unwrap();
    let to = [authority.public_key().clone()];
    let opts = minseal::api::SealOptions::new(SealParams::new(1)).conforming_to(&policy);
    let err = minseal::api::seal(&fixture("2ap-art7-order"), &to, &opts).unwrap_err();
    assert_eq!(err.code(), ErrorCode::DoesNotConform);
    assert!(
        err.details().iter().any(|d| d.contains("facts_summary")),
        "{:?}",
        err.details()
    );
    // The minimised payload conforms, and then the header names the policy.
    let min = minseal::minimise::minimise(&policy, &fixture("2ap-art7-order"), &Default::default())
        .unwrap();
    let env = minseal::api::seal(&min.payload, &to, &opts).unwrap();
    assert_eq!(env.header().policy, Some(policy.reference()));
    let received = open_and_verify(&env, &authority, &Default::default()).unwrap();
    received.require_conformance().unwrap();
    // Without a policy the header names none.
    let plain = minseal::api::seal(
        b"anything",
        &to,
        &minseal::api::SealOptions::new(SealParams::new(1)),
    )
    .unwrap();
    assert_eq!(plain.header().policy, None);
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
        None,
    )
    .unwrap();
    let received = open_and_verify(
        &env,
        &authority,
        &minseal::api::ReceiveOptions {
            policy: None,
            minimise: opts.clone(),
            ..Default::default()
        },
    )
    .unwrap();
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
    // A policy with the built-in's id but other rules: its digest is not the built-in's.
    let lookalike = Policy::from_json(
        br#"{"minseal_policy":1,"id":"2ap/art7-order","version":"1.0.0","title":"t","basis":"b","audience":"service_provider","rules":[]}"#,
    )
    .unwrap();
    assert_ne!(
        lookalike.reference(),
        Policy::builtin("2ap/art7-order").unwrap().reference()
    );
    let env = minseal::api::seal(
        b"{}",
        &[authority.public_key().clone()],
        &minseal::api::SealOptions::new(SealParams::new(1)).conforming_to(&lookalike),
    )
    .unwrap();
    assert_eq!(
        open_and_verify(
            &env,
            &authority,
            &minseal::api::ReceiveOptions {
                policy: None,
                minimise: opts.clone(),
                ..Default::default()
            }
        )
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
        &minseal::api::SealOptions {
            minimise: opts.clone(),
            ..minseal::api::SealOptions::new(SealParams::new(1))
        },
    )
    .unwrap();
    let err = open_and_verify(
        &sealed.envelope,
        &intruder,
        &minseal::api::ReceiveOptions {
            policy: None,
            minimise: opts.clone(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NoMatchingRecipient);
}

fn sha2_digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).into()
}
