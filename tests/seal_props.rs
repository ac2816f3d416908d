//! Property tests for sealing: round trips over arbitrary payloads (around chunk boundaries),
//! recipient sets, metadata, expiry and signers; lossless byte-exact conversion between the two
//! envelope forms; and every single-byte mutation of a small envelope failing to open for every
//! recipient. Fixed-position edits are
//! in `seal_tamper.rs`; these draw positions, values and shapes at random.

use chacha20::ChaCha20Rng;
use hpke::rand_core::SeedableRng;
use minseal::keys::SecretKey;
use minseal::seal::{self, Envelope, OpenOptions, Opener, SealParams};
use minseal::sign::{SignatureAlg, SigningKey};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::{subsequence, Index};
use std::sync::OnceLock;

const POOL: usize = 8;

fn pool() -> &'static [SecretKey] {
    static KEYS: OnceLock<Vec<SecretKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        (0..POOL as u8)
            .map(|i| SecretKey::generate_with_rng(&mut ChaCha20Rng::from_seed([i + 1; 32])))
            .collect()
    })
}

/// Chunk sizes around the minimum (64) and a few odd ones, so payloads of 0 to 3 chunks
/// cross every boundary case.
fn chunk_size() -> impl Strategy<Value = u32> {
    prop_oneof![Just(64u32), Just(65), Just(100), Just(128), 64u32..=300]
}

fn payload_and_chunk() -> impl Strategy<Value = (Vec<u8>, u32)> {
    chunk_size().prop_flat_map(|cs| {
        let n = cs as usize;
        let len = prop_oneof![
            Just(0usize),
            Just(n - 1),
            Just(n),
            Just(n + 1),
            Just(2 * n),
            Just(3 * n),
            0..=3 * n + 1,
        ];
        (len.prop_flat_map(|l| vec(any::<u8>(), l)), Just(cs))
    })
}

/// Recipients: 1 to 5 distinct keys of the pool, in a random order.
fn recipients() -> impl Strategy<Value = Vec<usize>> {
    subsequence((0..POOL).collect::<Vec<_>>(), 1..=5).prop_shuffle()
}

fn metadata() -> impl Strategy<Value = std::collections::BTreeMap<String, String>> {
    btree_map("\\PC{0,12}", "\\PC{0,24}", 0..=4)
}

/// The signers a property may seal with: none, ES256 or Ed25519 (fixed keys).
fn signer(i: u8) -> Option<&'static SigningKey> {
    static KEYS: std::sync::OnceLock<[SigningKey; 2]> = std::sync::OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        [
            SigningKey::from_bytes(SignatureAlg::Es256, &[0x31; 32]).unwrap(),
            SigningKey::from_bytes(SignatureAlg::Ed25519, &[0x32; 32]).unwrap(),
        ]
    });
    keys.get(usize::from(i % 3).checked_sub(1)?)
}

fn trusted() -> OpenOptions {
    OpenOptions::default()
        .trust(vec![
            signer(1).unwrap().verifying_key().clone(),
            signer(2).unwrap().verifying_key().clone(),
        ])
        .allow_unsigned(true)
}

fn params() -> impl Strategy<Value = SealParams> {
    (
        0u64..=(1 << 53) - 1,
        metadata(),
        proptest::option::of(0u64..=1 << 40),
        "[a-z]{1,10}/[a-z0-9.+-]{1,20}",
    )
        .prop_map(|(created_at, metadata, expiry, content_type)| {
            let mut p = SealParams::new(created_at).with_content_type(content_type);
            p.metadata = metadata.into();
            if let Some(d) = expiry {
                p = p.with_expiry(created_at.saturating_add(d).min((1 << 53) - 1));
            }
            p
        })
}

fn seal_to(
    payload: &[u8],
    who: &[usize],
    params: &SealParams,
    seed: [u8; 32],
) -> minseal::Result<Envelope> {
    let pks: Vec<_> = who
        .iter()
        .map(|&i| pool()[i].public_key().clone())
        .collect();
    // The seed's first byte picks the signer (none, ES256, Ed25519).
    seal::seal_with_rng(
        payload,
        &pks,
        params,
        signer(seed[0]).map(|s| s as &dyn minseal::sign::Signer),
        &mut ChaCha20Rng::from_seed(seed),
    )
}

/// Both ways of opening binary bytes; they must agree.
fn open_binary(bin: &[u8], sk: &SecretKey) -> minseal::Result<Vec<u8>> {
    let mem =
        Envelope::from_binary(bin).and_then(|e| seal::open(&e, sk, &trusted()).map(|o| o.payload));
    let mut out = Vec::new();
    let streamed = Opener::new(bin, sk, &trusted()).and_then(|mut o| o.copy_to(&mut out));
    match (&mem, &streamed) {
        (Ok(a), Ok(_)) => assert_eq!(a, &out, "streaming and in-memory plaintexts differ"),
        (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "streaming and in-memory disagree"),
        _ => panic!(
            "streaming ({:?}) and in-memory ({:?}) disagree",
            streamed.as_ref().err(),
            mem.as_ref().err()
        ),
    }
    mem
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn seal_then_open_round_trips_for_every_recipient(
        (payload, cs) in payload_and_chunk(),
        who in recipients(),
        params in params(),
        seed in any::<[u8; 32]>(),
    ) {
        let params = params.with_chunk_size(cs);
        let env = seal_to(&payload, &who, &params, seed).unwrap();
        // Chunking: full chunks then one final chunk of 1..=cs bytes (0 only when empty).
        let n = payload.len().div_ceil(cs as usize).max(1);
        prop_assert_eq!(env.payload_ciphertext().len(), payload.len() + 16 * n);
        prop_assert_eq!(env.stanzas().len(), who.len());
        let bin = env.to_binary();
        for &i in &who {
            let sk = &pool()[i];
            let opened = seal::open(&env, sk, &trusted()).unwrap();
            prop_assert_eq!(&opened.payload, &payload);
            prop_assert_eq!(&opened.header, env.header());
            prop_assert_eq!(opened.header.metadata.clone(), params.metadata.clone());
            prop_assert_eq!(opened.header.expires_at, params.expires_at);
            let signer = signer(seed[0]);
            prop_assert_eq!(opened.header.signed, signer.is_some());
            prop_assert_eq!(
                opened.signature.map(|s| (s.kid, s.verified)),
                signer.map(|s| (s.verifying_key().kid().to_owned(), true))
            );
            prop_assert_eq!(open_binary(&bin, sk).unwrap(), payload.clone());
        }
        // A key that is not a recipient opens nothing.
        if let Some(stranger) = (0..POOL).find(|i| !who.contains(i)) {
            let e = seal::open(&env, &pool()[stranger], &OpenOptions::default()).unwrap_err();
            prop_assert_eq!(e.code(), minseal::ErrorCode::NoMatchingRecipient);
        }
    }

    #[test]
    fn binary_and_json_forms_convert_byte_exactly(
        (payload, cs) in payload_and_chunk(),
        who in recipients(),
        params in params(),
        seed in any::<[u8; 32]>(),
    ) {
        let env = seal_to(&payload, &who, &params.with_chunk_size(cs), seed).unwrap();
        let bin = env.to_binary();
        let json = env.to_json();
        // binary → envelope → JSON, and JSON → envelope → binary, byte for byte.
        let from_bin = Envelope::from_binary(&bin).unwrap();
        let from_json = Envelope::from_json(&json).unwrap();
        prop_assert_eq!(&from_bin, &env);
        prop_assert_eq!(&from_json, &env);
        prop_assert_eq!(from_bin.to_json(), json.clone());
        prop_assert_eq!(from_json.to_binary(), bin.clone());
        prop_assert_eq!(from_bin.to_binary(), bin);
        prop_assert_eq!(from_json.to_json(), json);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_single_byte_mutation_fails_to_open(
        len in 0usize..200,
        who in subsequence((0..POOL).collect::<Vec<_>>(), 1..=2),
        with_meta in any::<bool>(),
        seed in any::<[u8; 32]>(),
        at in any::<Index>(),
        xor in 1u8..=255,
    ) {
        let payload: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let mut params = SealParams::new(1_700_000_000).with_chunk_size(64);
        if with_meta {
            params = params.with_metadata("case", "X-1");
        }
        let env = seal_to(&payload, &who, &params, seed).unwrap();
        let keys: Vec<&SecretKey> = who.iter().map(|&i| &pool()[i]).collect();

        // Binary: any edit stops every recipient, including an edit in another recipient's
        // stanza (bytes 9+L+80k .. 9+L+80(k+1)): the header MAC covers every stanza.
        let mut bin = env.to_binary();
        let i = at.index(bin.len());
        bin[i] ^= xor;
        for (k, sk) in keys.iter().enumerate() {
            let r = open_binary(&bin, sk);
            prop_assert!(r.is_err(), "binary byte {} ^ {:#04x} opened for {}", i, xor, k);
        }

        // JSON: the same; an edit the strict parser does not already refuse opens for nobody.
        let mut json = env.to_json().into_bytes();
        let j = at.index(json.len());
        json[j] ^= xor;
        let parsed = std::str::from_utf8(&json)
            .ok()
            .and_then(|t| Envelope::from_json(t).ok());
        if let Some(e) = parsed {
            for sk in &keys {
                let r = seal::open(&e, sk, &OpenOptions::default());
                prop_assert!(r.is_err(), "JSON byte {} ^ {:#04x} opened", j, xor);
            }
        }
    }
}

/// Every cut of the chunk region (the envelope ending anywhere in or between chunks), and
/// bytes appended after the final chunk: the in-memory open (one pass, `open_region`) and the
/// streaming `Opener` fail with the same code and message, or both give the whole payload.
#[test]
fn in_memory_and_streaming_open_agree_on_every_cut_and_extension() {
    let sk = &pool()[0];
    let params = SealParams::new(1_700_000_000).with_chunk_size(64);
    for len in [0usize, 10, 63, 64, 65, 128, 150] {
        let payload: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
        let env = seal_to(&payload, &[0], &params, [len as u8; 32]).unwrap();
        let bin = env.to_binary();
        let region_at = bin.len() - env.payload_ciphertext().len();
        let mut inputs: Vec<Vec<u8>> = (region_at..=bin.len()).map(|n| bin[..n].to_vec()).collect();
        for extra in [&[0u8][..], &[1; 16], &[2; 80]] {
            inputs.push([&bin[..], extra].concat());
        }
        for input in &inputs {
            let mem = Envelope::from_binary(input)
                .and_then(|e| seal::open(&e, sk, &OpenOptions::default()));
            let mut out = Vec::new();
            let streamed = Opener::new(&input[..], sk, &OpenOptions::default())
                .and_then(|mut o| o.copy_to(&mut out));
            match (mem, streamed) {
                (Ok(m), Ok(_)) => {
                    assert_eq!(input.len(), bin.len(), "only the whole envelope opens");
                    assert_eq!(m.payload, payload);
                    assert_eq!(out, payload);
                }
                (Err(a), Err(b)) => assert_eq!(
                    (a.code(), a.message()),
                    (b.code(), b.message()),
                    "payload {len} B, envelope cut/extended to {} of {} B",
                    input.len(),
                    bin.len()
                ),
                (m, s) => panic!(
                    "payload {len} B, {} of {} B: in-memory {:?}, streaming {:?}",
                    input.len(),
                    bin.len(),
                    m.err(),
                    s.err()
                ),
            }
        }
    }
}
