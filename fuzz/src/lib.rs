//! The bodies of minseal's fuzz targets, with their oracles.
//!
//! Each `fuzz_targets/<name>.rs` calls the function of the same name here, and
//! `tests/fuzz_regressions.rs` includes this file (`#[path]`) to replay the seed corpora and
//! `fuzz/regressions/<name>/*` through exactly the same code under `cargo test`. A function
//! returns normally for any input the library handles correctly (an `Ok` or an `Err`); it
//! panics when the library panics or when an oracle is violated.

use minseal::json::{self, Limits};
use minseal::keys::SecretKey;
use minseal::minimise::{minimise, verify, MinimiseOptions};
use minseal::policy::Policy;
use minseal::seal::{self, Envelope, OpenOptions, Opener};
use minseal::sign::{SignatureAlg, SigningKey};
use std::sync::OnceLock;

/// A target's body: returns for any input handled correctly, panics otherwise.
pub type Target = fn(&[u8]);

/// Every fuzz target, by the name of its binary, seed folder and regression folder.
pub const TARGETS: &[(&str, Target)] = &[
    ("json_validate", json_validate),
    ("policy_load", policy_load),
    ("minimise", minimise_target),
    ("envelope_parse", envelope_parse),
    ("open", open),
    ("proof", proof),
];

/// The built-in profiles the `minimise` target applies; the first input byte picks one.
pub const MINIMISE_PROFILES: &[&str] = &["2ap/art7-order", "2ap/subscriber-response"];

/// The fixed 32 secret-key bytes the `open` target opens with (its seeds are sealed to this
/// key's public key).
pub const OPEN_KEY: [u8; 32] = [0x5a; 32];

/// The fixed Ed25519 seed of the signing key the `open` and `proof` targets trust (signed
/// seeds are signed with it).
pub const SIGNER_SEED: [u8; 32] = [0x5b; 32];

/// The signing key whose public key the `open` and `proof` targets trust.
pub fn signer() -> &'static SigningKey {
    static K: OnceLock<SigningKey> = OnceLock::new();
    K.get_or_init(|| {
        SigningKey::from_bytes(SignatureAlg::Ed25519, &SIGNER_SEED).expect("fixed key")
    })
}

/// Opening options that trust [`signer`] and accept unsigned envelopes.
fn trusting() -> OpenOptions {
    OpenOptions::default()
        .trust(vec![signer().verifying_key().clone()])
        .allow_unsigned(true)
}

/// The pseudonymisation key the `minimise` target passes (both profiles may `hash`).
const HASH_KEY: &[u8] = b"minseal-fuzz-hash-key-0123456789";

fn opts() -> MinimiseOptions {
    MinimiseOptions {
        hash_key: Some(zeroize::Zeroizing::new(HASH_KEY.to_vec())),
        ..MinimiseOptions::default()
    }
}

/// Strict JSON: `validate` and `compact` agree; compact output is valid, a fixed point, and
/// never longer than the input.
pub fn json_validate(data: &[u8]) {
    let limits = Limits::default();
    let valid = json::validate(data, &limits);
    let compacted = json::compact(data, &limits);
    match (&valid, &compacted) {
        (Ok(()), Ok(c)) => {
            assert!(c.len() <= data.len(), "compact output grew");
            json::validate(c, &limits).expect("compact output must validate");
            assert_eq!(
                &json::compact(c, &limits).expect("compact output must compact"),
                c,
                "compact is not idempotent"
            );
        }
        (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "validate and compact disagree"),
        _ => panic!(
            "validate ({:?}) and compact ({:?}) disagree",
            valid.as_ref().err(),
            compacted.as_ref().err()
        ),
    }
    // A tight depth limit must only ever turn success into `too_deep`.
    let shallow = Limits {
        max_bytes: limits.max_bytes,
        max_depth: 2,
    };
    if let (Ok(()), Err(e)) = (&valid, json::validate(data, &shallow)) {
        assert_eq!(e.code(), minseal::ErrorCode::TooDeep);
    }
}

/// Policy loading: any bytes are `Ok` or `invalid_policy`; a loaded policy reloads from its
/// canonical JSON with the same digest, and applies to a small payload without panicking.
pub fn policy_load(data: &[u8]) {
    let Ok(p) = Policy::from_json(data) else {
        return;
    };
    let again = Policy::from_json(p.canonical_json().as_bytes())
        .expect("a policy's canonical JSON must load");
    assert_eq!(
        again.digest(),
        p.digest(),
        "canonical reload changed the digest"
    );
    assert_eq!(again.canonical_json(), p.canonical_json());
    let payload = br#"{"a":1,"b":[{"c":"x","d":null}],"e":{"f":true}}"#;
    let _ = minimise(&p, payload, &opts());
    let _ = verify(&p, payload, &opts());
}

fn profile(i: usize) -> &'static Policy {
    static P: OnceLock<Vec<Policy>> = OnceLock::new();
    let all = P.get_or_init(|| {
        MINIMISE_PROFILES
            .iter()
            .map(|id| Policy::builtin(id).expect("built-in profile"))
            .collect()
    });
    &all[i % all.len()]
}

/// Minimise under a fixed built-in profile (first byte picks it; the rest is the payload).
/// Oracle: the output is strict JSON, re-minimises to itself, verifies as conforming, and its
/// receipt's digest and size are the output's; and a payload that verifies as conforming
/// minimises to its compact form.
pub fn minimise_target(data: &[u8]) {
    let Some((&sel, payload)) = data.split_first() else {
        return;
    };
    let policy = profile(sel as usize);
    let o = opts();
    let verdict = verify(policy, payload, &o);
    let result = minimise(policy, payload, &o);
    if let Ok(v) = &verdict {
        if v.conforms {
            let m = result.as_ref().expect("a conforming payload must minimise");
            let compact = json::compact(payload, &o.limits).expect("conforming payload is JSON");
            assert_eq!(m.payload, compact, "a conforming payload was changed");
        }
    }
    let Ok(m) = result else {
        return;
    };
    json::validate(&m.payload, &Limits::default()).expect("minimised output must be strict JSON");
    assert_eq!(m.receipt.payload.bytes, m.payload.len() as u64);
    let again = minimise(policy, &m.payload, &o).expect("minimised output must re-minimise");
    assert_eq!(again.payload, m.payload, "minimise is not idempotent");
    assert_eq!(again.receipt.counts().removed, 0);
    assert_eq!(again.receipt.payload.sha256, m.receipt.payload.sha256);
    let v = verify(policy, &m.payload, &o).expect("minimised output must verify");
    assert!(
        v.conforms,
        "minimised output does not conform: {:?}",
        v.violations
    );
}

fn assert_round_trips(env: &Envelope) {
    let bin = env.to_binary();
    let json = env.to_json();
    let from_bin = Envelope::from_binary(&bin).expect("to_binary output must parse");
    let from_json = Envelope::from_json(&json).expect("to_json output must parse");
    assert_eq!(&from_bin, env, "binary round trip changed the envelope");
    assert_eq!(&from_json, env, "JSON round trip changed the envelope");
    assert_eq!(
        from_json.to_binary(),
        bin,
        "JSON → binary is not byte-exact"
    );
    assert_eq!(from_bin.to_json(), json, "binary → JSON is not byte-exact");
}

/// Envelope parsing, both forms: whatever parses re-serialises losslessly (the binary form to
/// the very input bytes) and converts to the other form and back unchanged.
pub fn envelope_parse(data: &[u8]) {
    if let Ok(env) = Envelope::from_binary(data) {
        assert_eq!(
            env.to_binary(),
            data,
            "binary form did not re-serialise exactly"
        );
        assert_round_trips(&env);
    }
    if let Ok(text) = core::str::from_utf8(data) {
        if let Ok(env) = Envelope::from_json(text) {
            assert_round_trips(&env);
        }
    }
}

fn open_key() -> &'static SecretKey {
    static K: OnceLock<SecretKey> = OnceLock::new();
    K.get_or_init(|| SecretKey::from_bytes(OPEN_KEY).expect("fixed key"))
}

/// Opening with a fixed key: input starting with `{` is the JSON form, anything else the binary
/// form, opened trusting [`signer`]. In-memory and streaming opens of the binary form must
/// agree (plaintext, or error code; and a streaming open reports the same signature); nothing
/// may panic; an envelope that opens also goes through `open_and_verify`, and a signed one's
/// proof exports and verifies.
pub fn open(data: &[u8]) {
    let sk = open_key();
    let env = if data.first() == Some(&b'{') {
        match core::str::from_utf8(data).map(Envelope::from_json) {
            Ok(Ok(env)) => env,
            _ => return,
        }
    } else {
        let mem = Envelope::from_binary(data)
            .and_then(|e| seal::open(&e, sk, &trusting()).map(|o| (e, o)));
        let mut streamed = Vec::new();
        let mut signature = None;
        let st = Opener::new(data, sk, &trusting()).and_then(|mut o| {
            let n = o.copy_to(&mut streamed)?;
            signature = o.signature().cloned();
            Ok(n)
        });
        match (&mem, &st) {
            (Ok((_, o)), Ok(n)) => {
                assert_eq!(
                    o.payload, streamed,
                    "streaming and in-memory plaintexts differ"
                );
                assert_eq!(*n, streamed.len() as u64);
                assert_eq!(
                    o.signature, signature,
                    "streaming and in-memory signatures differ"
                );
            }
            (Err(a), Err(b)) => {
                assert_eq!(a.code(), b.code(), "streaming and in-memory open disagree");
                return;
            }
            _ => panic!(
                "streaming ({:?}) and in-memory ({:?}) open disagree",
                st.as_ref().err(),
                mem.as_ref().err()
            ),
        }
        match mem {
            Ok((env, _)) => env,
            Err(_) => return,
        }
    };
    if let Ok(opened) = seal::open(&env, sk, &trusting()) {
        assert_eq!(&opened.header, env.header());
        let opts = minseal::api::ReceiveOptions {
            open: trusting(),
            ..Default::default()
        };
        let _ = minseal::api::open_and_verify(&env, sk, &opts);
        if let Some(sig) = &opened.signature {
            assert!(
                sig.verified,
                "a trusted signer's signature opened unverified"
            );
            let doc = minseal::proof::export(&opened.header, &opened.payload, Some(sig))
                .expect("a signed, opened envelope exports a proof");
            let v = minseal::proof::verify(&doc, &[signer().verifying_key().clone()])
                .expect("an exported proof verifies");
            assert_eq!(v.payload, opened.payload);
        }
    }
}

/// Evidence documents: `proof::verify` never panics; a proof that verifies re-exports to a
/// document that verifies to the same header, payload and signer.
pub fn proof(data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let trusted = [signer().verifying_key().clone()];
    if let Ok(v) = minseal::proof::verify(text, &trusted) {
        let again = minseal::proof::export(&v.header, &v.payload, Some(&v.signature))
            .expect("a verified proof re-exports");
        let w = minseal::proof::verify(&again, &trusted).expect("a re-exported proof verifies");
        assert_eq!(v, w, "re-exported proof differs");
    }
}
