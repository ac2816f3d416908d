//! Envelopes: round trips, both serialisations, opening rules, and failing closed.

use chacha20::ChaCha20Rng;
use hpke::rand_core::SeedableRng;
use minseal::keys::{PublicKey, SecretKey};
use minseal::seal::{self, Envelope, Opener, SealParams, Sealer};
use minseal::ErrorCode;
use std::io::{Read, Write};

fn key(i: u8) -> SecretKey {
    SecretKey::generate_with_rng(&mut ChaCha20Rng::from_seed([i; 32]))
}

fn params() -> SealParams {
    SealParams::new(1_700_000_000)
        .with_chunk_size(64)
        .with_expiry(1_900_000_000)
        .with_metadata("case", "X-1")
}

fn payload(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

fn small_envelope() -> (Envelope, SecretKey) {
    let sk = key(1);
    let env = seal::seal_with_rng(
        &payload(150),
        &[sk.public_key().clone()],
        &params(),
        None,
        &mut ChaCha20Rng::from_seed([9; 32]),
    )
    .unwrap();
    (env, sk)
}

#[test]
fn round_trip_sizes_and_chunk_boundaries() {
    let sk = key(1);
    for n in [0, 1, 63, 64, 65, 128, 129, 1000] {
        let p = payload(n);
        let env = seal::seal(&p, &[sk.public_key().clone()], &params(), None).unwrap();
        let expected_chunks = if n == 0 { 1 } else { n.div_ceil(64) };
        assert_eq!(
            env.payload_ciphertext().len(),
            n + 16 * expected_chunks,
            "n={n}"
        );
        let opened = seal::open(&env, &sk, &minseal::seal::OpenOptions::default()).unwrap();
        assert_eq!(opened.payload, p);
        assert_eq!(&opened.header, env.header());
        assert_eq!(opened.header.created_at, 1_700_000_000);
        assert_eq!(opened.header.content_type, "application/json");
    }
}

#[test]
fn default_chunk_size_and_many_recipients() {
    let keys: Vec<SecretKey> = (0..5).map(key).collect();
    let pks: Vec<PublicKey> = keys.iter().map(|k| k.public_key().clone()).collect();
    let p = payload(200_000);
    let env = seal::seal(&p, &pks, &SealParams::new(5), None).unwrap();
    assert_eq!(env.header().chunk_size, 65536);
    assert_eq!(
        env.header().recipients,
        pks.iter().map(PublicKey::kid).collect::<Vec<_>>()
    );
    for k in &keys {
        assert_eq!(
            seal::open(&env, k, &minseal::seal::OpenOptions::default())
                .unwrap()
                .payload,
            p
        );
    }
    let e = seal::open(&env, &key(99), &minseal::seal::OpenOptions::default()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NoMatchingRecipient);
}

#[test]
fn json_and_binary_convert_losslessly_both_ways() {
    let (env, sk) = small_envelope();
    let bin = env.to_binary();
    let json = env.to_json();
    assert_eq!(&bin[..5], b"MNSL\x02");
    let from_bin = Envelope::from_binary(&bin).unwrap();
    let from_json = Envelope::from_json(&json).unwrap();
    assert_eq!(from_bin, env);
    assert_eq!(from_json, env);
    assert_eq!(from_bin.to_json(), json);
    assert_eq!(from_json.to_binary(), bin);
    assert_eq!(
        Envelope::from_json(&from_bin.to_json())
            .unwrap()
            .to_binary(),
        bin
    );
    assert_eq!(
        seal::open(&from_json, &sk, &minseal::seal::OpenOptions::default())
            .unwrap()
            .payload,
        payload(150)
    );
    // The header inside the JSON form is the canonical bytes verbatim.
    assert!(json.contains(std::str::from_utf8(env.header_bytes()).unwrap()));
}

#[test]
fn deterministic_with_seeded_rng() {
    let (a, _) = small_envelope();
    let (b, _) = small_envelope();
    assert_eq!(a.to_binary(), b.to_binary());
}

#[test]
fn limits_and_arguments() {
    let pk = key(1).public_key().clone();
    let pks: Vec<PublicKey> = (0..65).map(|i| key(i).public_key().clone()).collect();
    let pk1 = std::slice::from_ref(&pk);
    let code = |r: minseal::Result<Envelope>| r.unwrap_err().code();
    assert_eq!(
        code(seal::seal(b"x", &pks, &params(), None)),
        ErrorCode::LimitExceeded
    );
    assert!(seal::seal(b"x", &pks[..64], &params(), None).is_ok());
    assert_eq!(
        code(seal::seal(b"x", &[], &params(), None)),
        ErrorCode::InvalidArgument
    );
    assert_eq!(
        code(seal::seal(b"x", &[pk.clone(), pk.clone()], &params(), None)),
        ErrorCode::InvalidArgument
    );
    let mut p = params();
    for i in 0..65 {
        p.metadata.insert(format!("k{i}"), "v".into());
    }
    assert_eq!(
        code(seal::seal(b"x", pk1, &p, None)),
        ErrorCode::LimitExceeded
    );
    let p = params().with_metadata("big", "v".repeat(4096));
    assert_eq!(
        code(seal::seal(b"x", pk1, &p, None)),
        ErrorCode::LimitExceeded
    );
    let p = params().with_metadata("fits", "v".repeat(4096 - 4 - 4 - 3));
    assert!(seal::seal(b"x", pk1, &p, None).is_ok());
    for cs in [0, 63, 4 * 1024 * 1024 + 1] {
        let p = params().with_chunk_size(cs);
        assert_eq!(
            code(seal::seal(b"x", pk1, &p, None)),
            ErrorCode::InvalidArgument
        );
    }
    let mut p = params();
    p.created_at = 1 << 53;
    assert_eq!(
        code(seal::seal(b"x", pk1, &p, None)),
        ErrorCode::InvalidArgument
    );
    let p = params().with_content_type("");
    assert_eq!(
        code(seal::seal(b"x", pk1, &p, None)),
        ErrorCode::InvalidArgument
    );
}

#[test]
fn streaming_matches_in_memory_and_bounded_reads() {
    let sk = key(3);
    let p = payload(10_000);
    let pks = [sk.public_key().clone()];
    let mut s = Sealer::new_with_rng(
        Vec::new(),
        &pks,
        &params(),
        None,
        &mut ChaCha20Rng::from_seed([4; 32]),
    )
    .unwrap();
    for piece in p.chunks(7) {
        s.write_all(piece).unwrap();
    }
    let bin = s.finish().unwrap();
    let env = seal::seal_with_rng(
        &p,
        &pks,
        &params(),
        None,
        &mut ChaCha20Rng::from_seed([4; 32]),
    )
    .unwrap();
    assert_eq!(bin, env.to_binary());

    let mut o = Opener::new(&bin[..], &sk, &minseal::seal::OpenOptions::default()).unwrap();
    assert_eq!(o.header(), env.header());
    let mut out = Vec::new();
    let mut small = [0u8; 5];
    loop {
        let n = o.read(&mut small).unwrap();
        if n == 0 {
            break;
        }
        out.extend_from_slice(&small[..n]);
    }
    assert_eq!(out, p);

    let mut out2 = Vec::new();
    Opener::new(&bin[..], &sk, &minseal::seal::OpenOptions::default())
        .unwrap()
        .copy_to(&mut out2)
        .unwrap();
    assert_eq!(out2, p);
}

/// The in-memory seal (each chunk encrypted from the payload straight into the envelope)
/// gives the streaming sealer's bytes at and around chunk boundaries, and opens back.
#[test]
fn in_memory_seal_matches_streaming_at_chunk_boundaries() {
    let sk = key(5);
    let pks = [sk.public_key().clone()];
    let p = params().with_chunk_size(64);
    for len in [0, 1, 63, 64, 65, 127, 128, 129, 64 * 5, 64 * 5 + 17] {
        let data = payload(len);
        let mut s = Sealer::new_with_rng(
            Vec::new(),
            &pks,
            &p,
            None,
            &mut ChaCha20Rng::from_seed([6; 32]),
        )
        .unwrap();
        s.write_all(&data).unwrap();
        let streamed = s.finish().unwrap();
        let env = seal::seal_with_rng(&data, &pks, &p, None, &mut ChaCha20Rng::from_seed([6; 32]))
            .unwrap();
        assert_eq!(env.to_binary(), streamed, "length {len}");
        assert_eq!(
            seal::open(&env, &sk, &minseal::seal::OpenOptions::default())
                .unwrap()
                .payload,
            data,
            "length {len}"
        );
    }
}

#[test]
fn unfinished_sealer_is_truncated() {
    let sk = key(3);
    let mut s = Sealer::new(Vec::new(), &[sk.public_key().clone()], &params(), None).unwrap();
    s.write_all(&payload(300)).unwrap();
    // Simulate a crash: take what was written so far without finish().
    let partial = {
        let env = seal::seal(&payload(300), &[sk.public_key().clone()], &params(), None).unwrap();
        let bin = env.to_binary();
        let cut = bin.len() - (300 - 256 + 16);
        bin[..cut].to_vec()
    };
    drop(s);
    let e = Opener::new(&partial[..], &sk, &minseal::seal::OpenOptions::default())
        .unwrap()
        .copy_to(&mut Vec::new())
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Truncated);
}

#[test]
fn no_stanza_fallback_when_kid_unknown() {
    // A JSON envelope whose kids were rewritten consistently (header and stanzas): the key's
    // own stanza is gone, and the other stanzas are never tried (that stanza was sealed to
    // this very key, so a fallback would open it): no_matching_recipient.
    let (env, sk) = small_envelope();
    let other = key(2).kid();
    let json = env.to_json().replace(&sk.kid(), &other);
    let env2 = Envelope::from_json(&json).unwrap();
    assert_eq!(
        seal::open(&env2, &sk, &minseal::seal::OpenOptions::default())
            .unwrap_err()
            .code(),
        ErrorCode::NoMatchingRecipient
    );
}

#[test]
fn either_form_is_detected_from_its_first_bytes() {
    let (env, _) = small_envelope();
    let l = seal::EnvelopeLimits::default();
    let json = format!("\n  {}\n", env.to_json());
    for bytes in [env.to_binary(), json.into_bytes()] {
        assert_eq!(Envelope::from_either_with_limits(&bytes, &l).unwrap(), env);
    }
    // Cut inside the magic: a truncated binary envelope; anything else is not an envelope.
    for (bytes, code) in [
        (&b"MN"[..], ErrorCode::Truncated),
        (b"MNSX", ErrorCode::MalformedEnvelope),
        (b"", ErrorCode::MalformedEnvelope),
        (b"garbage", ErrorCode::MalformedEnvelope),
        (b" {\xff}", ErrorCode::MalformedEnvelope),
    ] {
        let e = Envelope::from_either_with_limits(bytes, &l).unwrap_err();
        assert_eq!(e.code(), code, "{bytes:?}");
    }
}
