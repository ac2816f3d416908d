//! Failing closed: every altered, truncated, reordered or mismatched envelope is an error with
//! the right code, and nothing panics.

use chacha20::ChaCha20Rng;
use hpke::rand_core::SeedableRng;
use minseal::keys::SecretKey;
use minseal::seal::{self, Envelope, Opener, SealParams};
use minseal::ErrorCode;
use ErrorCode::*;

const CHUNK: usize = 64;
const CT_CHUNK: usize = CHUNK + 16;

fn key(i: u8) -> SecretKey {
    SecretKey::generate_with_rng(&mut ChaCha20Rng::from_seed([i; 32]))
}

fn params() -> SealParams {
    SealParams::new(1_700_000_000)
        .with_chunk_size(CHUNK as u32)
        .with_expiry(1_900_000_000)
        .with_metadata("case", "X-1")
}

/// 150 bytes of JSON (three chunks of 64), conforming to [`policy`].
fn payload() -> Vec<u8> {
    let p = format!("{{\"d\":\"{}\"}}", "x".repeat(142)).into_bytes();
    assert_eq!(p.len(), 150);
    p
}

/// The policy the envelopes name (checked before sealing).
fn policy() -> minseal::Policy {
    minseal::Policy::from_json(
        br#"{"minseal_policy":1,"id":"2ap/art7-order","version":"1.0.0","title":"t","basis":"b","audience":"service_provider","rules":[{"path":"$.d","type":"string"}]}"#,
    )
    .unwrap()
}

fn sealed(seed: u8) -> (Envelope, SecretKey) {
    let sk = key(1);
    let policy = policy();
    let opts = minseal::api::SealOptions::new(params()).conforming_to(&policy);
    let env = minseal::api::seal_with_rng(
        &payload(),
        &[sk.public_key().clone()],
        &opts,
        &mut ChaCha20Rng::from_seed([seed; 32]),
    )
    .unwrap();
    (env, sk)
}

/// Opens binary bytes both ways (in memory and streaming); both must agree on the code.
fn open_code(bin: &[u8], sk: &SecretKey) -> ErrorCode {
    let mem = Envelope::from_binary(bin)
        .and_then(|e| seal::open(&e, sk, &minseal::seal::OpenOptions::default()));
    let streamed = Opener::new(bin, sk, &minseal::seal::OpenOptions::default())
        .and_then(|mut o| o.copy_to(&mut Vec::new()));
    match (mem, streamed) {
        (Err(a), Err(b)) => {
            assert_eq!(a.code(), b.code(), "in-memory and streaming disagree");
            a.code()
        }
        (a, b) => panic!("altered envelope opened: {:?} / {:?}", a.is_ok(), b.is_ok()),
    }
}

fn chunk_start(env: &Envelope) -> usize {
    9 + env.header_bytes().len() + 80 * env.stanzas().len() + 32
}

#[test]
fn every_bit_flip_of_the_binary_form_fails() {
    let (env, sk) = sealed(9);
    let bin = env.to_binary();
    let hdr_end = 9 + env.header_bytes().len();
    let chunks = chunk_start(&env);
    for i in 0..bin.len() {
        for bit in 0..8 {
            let mut b = bin.clone();
            b[i] ^= 1 << bit;
            let code = open_code(&b, &sk);
            let allowed: &[ErrorCode] = match i {
                0..=3 => &[MalformedEnvelope],
                4 => &[UnsupportedVersion],
                5..=8 => &[MalformedEnvelope, Truncated],
                _ if i < hdr_end => &[
                    MalformedEnvelope,
                    UnsupportedVersion,
                    UnsupportedSuite,
                    LimitExceeded,
                    DecryptionFailed,
                    NoMatchingRecipient,
                ],
                _ if i < chunks => &[DecryptionFailed],
                _ => &[DecryptionFailed],
            };
            assert!(allowed.contains(&code), "byte {i} bit {bit}: {code:?}");
        }
    }
}

#[test]
fn every_truncation_fails() {
    let (env, sk) = sealed(9);
    let bin = env.to_binary();
    let chunks = chunk_start(&env);
    for cut in 0..bin.len() {
        let code = open_code(&bin[..cut], &sk);
        let want = if cut < chunks {
            Truncated
        } else {
            let r = (cut - chunks) % CT_CHUNK;
            if r < 16 {
                Truncated
            } else {
                DecryptionFailed
            }
        };
        assert_eq!(code, want, "cut at {cut} (chunks start at {chunks})");
    }
}

fn split_chunks(env: &Envelope) -> Vec<Vec<u8>> {
    env.payload_ciphertext()
        .chunks(CT_CHUNK)
        .map(<[u8]>::to_vec)
        .collect()
}

fn with_chunks(env: &Envelope, chunks: &[Vec<u8>]) -> Vec<u8> {
    let bin = env.to_binary();
    let mut out = bin[..chunk_start(env)].to_vec();
    for c in chunks {
        out.extend_from_slice(c);
    }
    out
}

#[test]
fn reordered_dropped_duplicated_and_appended_chunks_fail() {
    let (env, sk) = sealed(9);
    let c = split_chunks(&env);
    assert_eq!(c.len(), 3);
    let cases: Vec<(Vec<Vec<u8>>, ErrorCode)> = vec![
        (
            vec![c[1].clone(), c[0].clone(), c[2].clone()],
            DecryptionFailed,
        ),
        (vec![c[0].clone(), c[2].clone()], DecryptionFailed),
        (vec![c[0].clone(), c[1].clone()], Truncated),
        (vec![c[0].clone()], Truncated),
        (vec![], Truncated),
        (
            vec![c[0].clone(), c[0].clone(), c[1].clone(), c[2].clone()],
            DecryptionFailed,
        ),
        (
            vec![c[0].clone(), c[1].clone(), c[2].clone(), c[2].clone()],
            DecryptionFailed,
        ),
        (
            vec![c[0].clone(), c[1].clone(), c[2].clone(), vec![0]],
            DecryptionFailed,
        ),
    ];
    for (i, (chunks, want)) in cases.iter().enumerate() {
        assert_eq!(
            open_code(&with_chunks(&env, chunks), &sk),
            *want,
            "case {i}"
        );
    }
    // Chunks moved from another envelope (same header, other content key).
    let (other, _) = sealed(10);
    let oc = split_chunks(&other);
    let mixed = vec![c[0].clone(), oc[1].clone(), c[2].clone()];
    assert_eq!(open_code(&with_chunks(&env, &mixed), &sk), DecryptionFailed);
}

#[test]
fn swapped_stanzas_and_wrong_keys_fail() {
    let (a, sk) = sealed(9);
    let (b, _) = sealed(10);
    // Same header, same recipient: b's stanza unwraps b's content key, which opens no chunk of a.
    let mut bin = a.to_binary();
    let s = 9 + a.header_bytes().len();
    bin[s..s + 80].copy_from_slice(&b.to_binary()[s..s + 80]);
    assert_eq!(open_code(&bin, &sk), DecryptionFailed);
    // A stanza from an envelope with another header does not unwrap at all.
    let c = seal::seal_with_rng(
        &payload(),
        &[sk.public_key().clone()],
        &params().with_metadata("case", "X-2"),
        None,
        &mut ChaCha20Rng::from_seed([9; 32]),
    )
    .unwrap();
    let mut bin = a.to_binary();
    let cs = 9 + c.header_bytes().len();
    bin[s..s + 80].copy_from_slice(&c.to_binary()[cs..cs + 80]);
    assert_eq!(open_code(&bin, &sk), DecryptionFailed);
    // Wrong key.
    assert_eq!(open_code(&a.to_binary(), &key(2)), NoMatchingRecipient);
}

#[test]
fn every_header_field_edit_in_the_json_form_fails() {
    let (env, sk) = sealed(9);
    let json = env.to_json();
    let kid = sk.kid();
    let other_kid = key(2).kid();
    let digest = minseal::hex::encode(&policy().digest());
    let edits: Vec<(String, String, ErrorCode)> = vec![
        (
            "\"created_at\":1700000000".into(),
            "\"created_at\":1700000001".into(),
            DecryptionFailed,
        ),
        (
            "\"content_type\":\"application/json\"".into(),
            "\"content_type\":\"text/plain\"".into(),
            DecryptionFailed,
        ),
        (
            "\"chunk_size\":64".into(),
            "\"chunk_size\":128".into(),
            DecryptionFailed,
        ),
        (
            "\"id\":\"2ap/art7-order\"".into(),
            "\"id\":\"2ap/art6-order\"".into(),
            DecryptionFailed,
        ),
        (
            "\"version\":\"1.0.0\"".into(),
            "\"version\":\"1.0.1\"".into(),
            DecryptionFailed,
        ),
        (digest.clone(), "12".repeat(32), DecryptionFailed),
        (
            "\"signed\":false".into(),
            "\"signed\":true".into(),
            DecryptionFailed,
        ),
        (
            "\"expires_at\":1900000000".into(),
            "\"expires_at\":1900000001".into(),
            DecryptionFailed,
        ),
        (
            "\"message_id\":\"".into(),
            "\"message_id\":\"A".into(),
            MalformedEnvelope,
        ),
        (
            "\"case\":\"X-1\"".into(),
            "\"case\":\"X-2\"".into(),
            DecryptionFailed,
        ),
        (
            "\"metadata\":{\"case\":\"X-1\"},".into(),
            "".into(),
            DecryptionFailed,
        ),
        (
            "\"policy\":{".into(),
            "\"policy\":{\"extra\":\"x\",".into(),
            MalformedEnvelope,
        ),
        (kid.clone(), other_kid.clone(), NoMatchingRecipient),
        ("\"kem\":32".into(), "\"kem\":33".into(), UnsupportedSuite),
        ("\"kdf\":1".into(), "\"kdf\":2".into(), UnsupportedSuite),
        ("\"aead\":2".into(), "\"aead\":1".into(), UnsupportedSuite),
        (
            "{\"minseal\":2,\"header\":{".into(),
            "{\"minseal\":2,\"header\":{\"x\":1,".into(),
            MalformedEnvelope,
        ),
        (
            "{\"minseal\":2,".into(),
            "{\"minseal\":3,".into(),
            UnsupportedVersion,
        ),
        (
            ",\"minseal\":2,".into(),
            ",\"minseal\":1,".into(),
            UnsupportedVersion,
        ),
        // The JSON form is read strictly: one byte form per envelope.
        (
            "{\"minseal\":2,".into(),
            "{ \"minseal\":2,".into(),
            MalformedEnvelope,
        ),
        (
            "\"payload\":\"".into(),
            "\"payload\" :\"".into(),
            MalformedEnvelope,
        ),
        (
            "\"content_type\":\"application/json\"".into(),
            "\"content_type\":\"application\\/json\"".into(),
            MalformedEnvelope,
        ),
        (
            "\"payload\":\"".into(),
            "\"payload\":\"\\u0041".into(),
            MalformedEnvelope,
        ),
        ("\"}".into(), "\"}\n".into(), MalformedEnvelope),
        (
            "\"created_at\":1700000000".into(),
            "\"created_at\":1700000000.0".into(),
            MalformedEnvelope,
        ),
        (
            "\"created_at\":1700000000".into(),
            "\"created_at\":\"1700000000\"".into(),
            MalformedEnvelope,
        ),
        (
            "\"created_at\":1700000000".into(),
            "\"created_at\":true".into(),
            MalformedEnvelope,
        ),
        (
            "\"chunk_size\":64".into(),
            "\"chunk_size\":64,\"chunk_size\":64".into(),
            MalformedEnvelope,
        ),
        (
            "\"metadata\":{\"case\":\"X-1\"}".into(),
            "\"metadata\":{}".into(),
            MalformedEnvelope,
        ),
        (
            "\"payload\":\"".into(),
            "\"payload\":\"A".into(),
            MalformedEnvelope,
        ),
        (
            "\"enc\":\"".into(),
            "\"enc\":\"AA".into(),
            MalformedEnvelope,
        ),
        ("\"}".into(), "=\"}".into(), MalformedEnvelope),
        ("\"}".into(), "\"} x".into(), MalformedEnvelope),
        ("\"}".into(), "\",\"extra\":1}".into(), MalformedEnvelope),
        (
            "\"}".into(),
            "\",\"payload\":\"\"}".into(),
            MalformedEnvelope,
        ),
    ];
    for (i, (from, to, want)) in edits.iter().enumerate() {
        assert!(json.contains(from.as_str()), "edit {i}: {from} not found");
        let edited = if from == &kid {
            json.replace(from.as_str(), to)
        } else if from == "\"}" {
            let mut s = json[..json.len() - 2].to_string();
            s.push_str(to);
            s
        } else {
            json.replacen(from.as_str(), to, 1)
        };
        let got = Envelope::from_json(&edited)
            .and_then(|e| seal::open(&e, &sk, &minseal::seal::OpenOptions::default()));
        let code = got.err().map(|e| e.code());
        assert_eq!(code, Some(*want), "edit {i}: {from} -> {to}");
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let sk = key(1);
    let mut rng = ChaCha20Rng::from_seed([5; 32]);
    let (env, _) = sealed(9);
    let bin = env.to_binary();
    use hpke::rand_core::Rng;
    for _ in 0..300 {
        let mut b = bin.clone();
        let n = (rng.next_u32() % 8 + 1) as usize;
        for _ in 0..n {
            let i = rng.next_u32() as usize % b.len();
            b[i] = rng.next_u32() as u8;
        }
        if b != bin {
            let _ = open_code(&b, &sk);
        }
        let _ = Envelope::from_json(&String::from_utf8_lossy(&b));
    }
}
