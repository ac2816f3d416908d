//! The attacks format v2 exists to stop, each built byte by byte from docs/FORMAT.md (an
//! attacker's own implementation: HPKE, HKDF, HMAC and AES-GCM from RustCrypto, not the
//! library's sealer) and each failing closed with a stable code: two plaintexts in one
//! envelope, insider re-encryption, a hidden recipient, an unchecked policy claim, and
//! stripped, swapped, altered, unknown, wrong-algorithm and re-targeted signatures. Also the
//! streaming opener's signature contract, expiry, proofs and the receipt's keyed digest.

use chacha20::ChaCha20Rng;
use hmac::{KeyInit, Mac};
use hpke::aead::AesGcm256;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::rand_core::{Rng, SeedableRng};
use hpke::{Deserializable, OpModeS, Serializable};
use minseal::api::{self, ReceiveOptions, SealOptions};
use minseal::keys::{PublicKey, SecretKey};
use minseal::seal::{self, Envelope, Header, OpenOptions, Opener, SealParams};
use minseal::sign::{SignatureAlg, Signer, SigningKey, VerifyingKey};
use minseal::{proof, ErrorCode, Policy};
use sha2::{Digest, Sha256};
use std::io::Read;
use ErrorCode::*;

fn key(i: u8) -> SecretKey {
    SecretKey::from_bytes([i; 32]).unwrap()
}

fn es256(i: u8) -> SigningKey {
    SigningKey::from_bytes(SignatureAlg::Es256, &[i; 32]).unwrap()
}

fn ed25519(i: u8) -> SigningKey {
    SigningKey::from_bytes(SignatureAlg::Ed25519, &[i; 32]).unwrap()
}

fn trust(keys: &[&SigningKey]) -> OpenOptions {
    OpenOptions::default().trust(
        keys.iter()
            .map(|k| k.verifying_key().clone())
            .collect::<Vec<_>>(),
    )
}

fn code<T>(r: minseal::Result<T>) -> ErrorCode {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.code(),
    }
}

/// Opens binary bytes in memory and streaming; both must agree; returns the in-memory result.
fn open_both(bin: &[u8], sk: &SecretKey, opts: &OpenOptions) -> minseal::Result<Vec<u8>> {
    let mem = Envelope::from_binary(bin).and_then(|e| seal::open(&e, sk, opts));
    let mut out = Vec::new();
    let st = Opener::new(bin, sk, opts).and_then(|mut o| o.copy_to(&mut out));
    match (&mem, &st) {
        (Ok(o), Ok(_)) => assert_eq!(o.payload, out),
        (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "in-memory and streaming disagree"),
        _ => panic!("in-memory {:?} vs streaming {:?}", mem.is_ok(), st.is_ok()),
    }
    mem.map(|o| o.payload)
}

// ---- An independent v2 writer, from docs/FORMAT.md ----

struct Derived {
    payload: [u8; 32],
    mac: [u8; 32],
    signature: [u8; 32],
    receipt: [u8; 32],
}

fn derive(k: &[u8; 32], message_id: &[u8; 16]) -> Derived {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(message_id), k);
    let x = |label: &str| {
        let mut o = [0u8; 32];
        hk.expand(label.as_bytes(), &mut o).unwrap();
        o
    };
    Derived {
        payload: x("minseal/v2 payload"),
        mac: x("minseal/v2 header-mac"),
        signature: x("minseal/v2 signature"),
        receipt: x("minseal/v2 receipt"),
    }
}

/// K and message_id of an envelope sealed with `ChaCha20Rng::from_seed(seed)`: the first 48
/// bytes the RNG gives (docs/FORMAT.md, "Randomness").
fn drawn(seed: [u8; 32]) -> ([u8; 32], [u8; 16]) {
    let mut rng = ChaCha20Rng::from_seed(seed);
    let (mut k, mut id) = ([0u8; 32], [0u8; 16]);
    rng.fill_bytes(&mut k);
    rng.fill_bytes(&mut id);
    (k, id)
}

fn wrap(pk: &PublicKey, header: &[u8], k: &[u8; 32], seed: u8) -> Vec<u8> {
    let pk = <X25519HkdfSha256 as hpke::Kem>::PublicKey::from_bytes(pk.as_bytes()).unwrap();
    let (enc, mut ctx) = hpke::setup_sender_with_rng::<AesGcm256, HkdfSha256, X25519HkdfSha256>(
        &OpModeS::Base,
        &pk,
        b"minseal/v2 content-key",
        &mut ChaCha20Rng::from_seed([seed; 32]),
    )
    .unwrap();
    let mut out = enc.to_bytes().to_vec();
    out.extend(ctx.seal(k, header).unwrap());
    assert_eq!(out.len(), 80);
    out
}

fn nonce(i: u64, last: bool) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[3..11].copy_from_slice(&i.to_be_bytes());
    n[11] = u8::from(last);
    n
}

fn chunks(key: &[u8; 32], header: &[u8], payload: &[u8], cs: usize) -> Vec<u8> {
    let aead = minseal_aead::ChunkAead::new(key);
    let parts: Vec<&[u8]> = if payload.is_empty() {
        vec![&[]]
    } else {
        payload.chunks(cs).collect()
    };
    let mut out = Vec::new();
    for (i, c) in parts.iter().enumerate() {
        let mut buf = c.to_vec();
        let tag = aead
            .encrypt(&nonce(i as u64, i + 1 == parts.len()), header, &mut buf)
            .unwrap();
        out.extend(buf);
        out.extend(tag);
    }
    out
}

fn record(key: &[u8; 32], header: &[u8], alg: u8, kid: &str, sig: &[u8]) -> Vec<u8> {
    let mut pt = vec![alg];
    pt.extend(minseal_b64(kid));
    pt.extend(sig);
    assert_eq!(pt.len(), 97);
    let tag = minseal_aead::ChunkAead::new(key)
        .encrypt(&[0u8; 12], header, &mut pt)
        .unwrap();
    pt.extend(tag);
    pt
}

fn minseal_b64(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

fn statement(header: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut s = b"minseal/v2 sender-signature\0".to_vec();
    s.extend(Sha256::digest(header));
    s.extend(Sha256::digest(payload));
    s
}

/// A binary v2 envelope: preamble, MAC under `mac_key`, then `tail` (chunks and record).
fn assemble(header: &[u8], stanzas: &[Vec<u8>], mac_key: &[u8; 32], tail: &[u8]) -> Vec<u8> {
    let mut v = b"MNSL\x02".to_vec();
    v.extend((header.len() as u32).to_be_bytes());
    v.extend(header);
    for s in stanzas {
        v.extend(s);
    }
    let mut m = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(mac_key).unwrap();
    m.update(&v);
    v.extend(m.finalize().into_bytes());
    v.extend(tail);
    v
}

fn header(recipients: &[&SecretKey], signed: bool, id: [u8; 16]) -> Header {
    Header {
        recipients: recipients.iter().map(|k| k.kid()).collect(),
        policy: None,
        content_type: "application/json".into(),
        created_at: 1_700_000_000,
        chunk_size: 64,
        metadata: Default::default(),
        message_id: id,
        expires_at: None,
        signed,
    }
}

/// The independent writer produces envelopes the library opens (so the attacks below fail
/// for the reason they test, not for a framing mistake).
#[test]
fn the_independent_writer_agrees_with_the_library() {
    let (a, b) = (key(1), key(2));
    let signer = ed25519(40);
    let k = [7u8; 32];
    let h = header(&[&a, &b], true, [3; 16]);
    let hb = h.canonical_bytes().unwrap();
    let d = derive(&k, &h.message_id);
    let payload =
        br#"{"order":"X-1","note":"more than one 64-byte chunk, so two chunks at least"}"#;
    let sig = signer.sign(&statement(&hb, payload)).unwrap();
    let mut tail = chunks(&d.payload, &hb, payload, 64);
    tail.extend(record(
        &d.signature,
        &hb,
        2,
        signer.verifying_key().kid(),
        &sig,
    ));
    let st = [
        wrap(a.public_key(), &hb, &k, 1),
        wrap(b.public_key(), &hb, &k, 2),
    ];
    let bin = assemble(&hb, &st, &d.mac, &tail);
    for sk in [&a, &b] {
        assert_eq!(open_both(&bin, sk, &trust(&[&signer])).unwrap(), payload);
    }
    // The library writes the same bytes for the same K, message_id and ephemeral keys: the
    // vectors in tests/vectors/format/ pin that; here the receipt key agrees too.
    assert_ne!(d.receipt, d.payload);
}

/// Issue 16, problem 1: stanza A wraps K1 and stanza B wraps K2. Whatever the chunks are,
/// there is one MAC, and it verifies under at most one of the two keys: no envelope gives
/// two recipients two plaintexts (here: A opens, B gets `decryption_failed`, and with the
/// chunks under K2 instead, A is refused and B too).
#[test]
fn two_stanzas_wrapping_different_keys_never_give_two_plaintexts() {
    let (a, b) = (key(1), key(2));
    let (k1, k2) = ([1u8; 32], [2u8; 32]);
    let h = header(&[&a, &b], false, [9; 16]);
    let hb = h.canonical_bytes().unwrap();
    let (d1, d2) = (derive(&k1, &h.message_id), derive(&k2, &h.message_id));
    let st = [
        wrap(a.public_key(), &hb, &k1, 1),
        wrap(b.public_key(), &hb, &k2, 2),
    ];
    let open = OpenOptions::default();
    // MAC and chunks under K1: A reads, B does not.
    let bin = assemble(
        &hb,
        &st,
        &d1.mac,
        &chunks(&d1.payload, &hb, b"order one", 64),
    );
    assert_eq!(open_both(&bin, &a, &open).unwrap(), b"order one");
    assert_eq!(code(open_both(&bin, &b, &open)), DecryptionFailed);
    // MAC under K1, chunks under K2: the MAC stops B before any chunk, and A's chunks fail.
    let bin = assemble(
        &hb,
        &st,
        &d1.mac,
        &chunks(&d2.payload, &hb, b"order two", 64),
    );
    assert_eq!(code(open_both(&bin, &a, &open)), DecryptionFailed);
    assert_eq!(code(open_both(&bin, &b, &open)), DecryptionFailed);
}

/// Issue 16, problem 2: recipient A knows K and re-encrypts another payload under the
/// sender's header, stanzas and MAC. Signed: B refuses (the old record's signature does not
/// cover the new payload; a missing record is detected; a record signed by A's own key names
/// A, not the sender). Unsigned: nothing tells a recipient who wrote it: `signature_missing`
/// as soon as B requires a signature.
#[test]
fn insider_reencryption_is_refused() {
    let (a, b) = (key(1), key(2));
    let sender = es256(41);
    let insider = ed25519(42);
    let seed = [11u8; 32];
    let to = [a.public_key().clone(), b.public_key().clone()];
    let params = SealParams::new(1_700_000_000).with_chunk_size(64);
    let env = seal::seal_with_rng(
        br#"{"order":"genuine"}"#,
        &to,
        &params,
        Some(&sender),
        &mut ChaCha20Rng::from_seed(seed),
    )
    .unwrap();
    let (k, id) = drawn(seed);
    assert_eq!(env.header().message_id, id);
    let d = derive(&k, &id);
    let hb = env.header_bytes();
    let forged = br#"{"order":"forged by A"}"#;
    let bin = env.to_binary();
    let pre = 9 + hb.len() + 160 + 32;
    let mut keep_record = bin[..pre].to_vec();
    keep_record.extend(chunks(&d.payload, hb, forged, 64));
    let no_record = keep_record.clone();
    keep_record.extend(env.signature_record().unwrap());
    let mut own_record = no_record.clone();
    let sig = insider.sign(&statement(hb, forged)).unwrap();
    own_record.extend(record(
        &d.signature,
        hb,
        2,
        insider.verifying_key().kid(),
        &sig,
    ));
    let trusted = trust(&[&sender]);
    assert_eq!(
        code(open_both(&keep_record, &b, &trusted)),
        SignatureInvalid
    );
    assert_eq!(code(open_both(&own_record, &b, &trusted)), UnknownSigner);
    assert!(matches!(
        code(open_both(&no_record, &b, &trusted)),
        DecryptionFailed | Truncated
    ));
    // Unsigned: the forgery opens for a receiver that requires nothing (as in age), and is
    // refused by one that requires a signature.
    let env = seal::seal_with_rng(
        br#"{"order":"genuine"}"#,
        &to,
        &params,
        None,
        &mut ChaCha20Rng::from_seed(seed),
    )
    .unwrap();
    let pre = 9 + env.header_bytes().len() + 160 + 32;
    let mut forged_unsigned = env.to_binary()[..pre].to_vec();
    forged_unsigned.extend(chunks(&d.payload, env.header_bytes(), forged, 64));
    let opened = open_both(&forged_unsigned, &b, &OpenOptions::default()).unwrap();
    assert_eq!(opened, forged);
    assert_eq!(
        code(open_both(&forged_unsigned, &b, &trusted)),
        SignatureMissing
    );
}

/// Issue 16, problem 3: the header lists [A, B] but the second stanza is sealed to C (with a
/// valid MAC: the sender is the attacker). C's kid is in no stanza: `no_matching_recipient`,
/// with no try-every-stanza fallback; B's stanza does not open for B: `decryption_failed`.
#[test]
fn a_stanza_for_an_unlisted_key_opens_for_nobody() {
    let (a, b, c) = (key(1), key(2), key(3));
    let k = [5u8; 32];
    let h = header(&[&a, &b], false, [4; 16]);
    let hb = h.canonical_bytes().unwrap();
    let d = derive(&k, &h.message_id);
    let st = [
        wrap(a.public_key(), &hb, &k, 1),
        wrap(c.public_key(), &hb, &k, 3),
    ];
    let bin = assemble(&hb, &st, &d.mac, &chunks(&d.payload, &hb, b"hidden", 64));
    let open = OpenOptions::default();
    assert_eq!(code(open_both(&bin, &c, &open)), NoMatchingRecipient);
    assert_eq!(code(open_both(&bin, &b, &open)), DecryptionFailed);
    assert_eq!(open_both(&bin, &a, &open).unwrap(), b"hidden");
}

/// Issue 16, problem 4, receiving side: an envelope made without the library may still name a
/// policy its payload breaks; `open_and_verify` checks, and `require_conformance` refuses.
/// (The sending side, `api::seal` under a policy, is in tests/api.rs.)
#[test]
fn a_policy_claim_is_checked_on_receipt() {
    let a = key(1);
    let policy = Policy::builtin("2ap/art7-order").unwrap();
    let mut h = header(&[&a], false, [6; 16]);
    h.policy = Some(policy.reference());
    let hb = h.canonical_bytes().unwrap();
    let k = [8u8; 32];
    let d = derive(&k, &h.message_id);
    let payload = br#"{"issuing_authority":{"name":"X"},"offences":["x"],"suspect":"A. Person","password":"hunter2"}"#;
    let bin = assemble(
        &hb,
        &[wrap(a.public_key(), &hb, &k, 1)],
        &d.mac,
        &chunks(&d.payload, &hb, payload, 64),
    );
    let env = Envelope::from_binary(&bin).unwrap();
    let r = api::open_and_verify(&env, &a, &ReceiveOptions::default()).unwrap();
    assert!(!r.verification.as_ref().unwrap().conforms);
    let e = r.require_conformance().unwrap_err();
    assert_eq!(e.code(), DoesNotConform);
    assert!(e.details().iter().any(|d| d.contains("suspect")), "{e:?}");
}

/// Issue 16, problem 5: every envelope has a fresh 128-bit message_id, and its JSON form has
/// one byte form (edits to whitespace, order and escapes are refused in tests/seal_tamper.rs).
#[test]
fn message_ids_are_fresh_and_json_has_one_form() {
    let a = key(1);
    let to = [a.public_key().clone()];
    let p = SealParams::new(1);
    let e1 = seal::seal(b"x", &to, &p, None).unwrap();
    let e2 = seal::seal(b"x", &to, &p, None).unwrap();
    assert_ne!(e1.header().message_id, e2.header().message_id);
    let json = e1.to_json();
    assert_eq!(Envelope::from_json(&json).unwrap().to_json(), json);
    let pretty = json.replacen("{\"minseal\":2,", "{\"minseal\": 2,", 1);
    assert_eq!(code(Envelope::from_json(&pretty)), MalformedEnvelope);
}

fn signed_to(recipients: &[&SecretKey], signer: &SigningKey, seed: u8) -> Envelope {
    let to: Vec<PublicKey> = recipients.iter().map(|k| k.public_key().clone()).collect();
    seal::seal_with_rng(
        br#"{"order":"X-1"}"#,
        &to,
        &SealParams::new(1_700_000_000).with_chunk_size(64),
        Some(signer),
        &mut ChaCha20Rng::from_seed([seed; 32]),
    )
    .unwrap()
}

#[test]
fn stripped_swapped_and_altered_signatures_fail_closed() {
    let a = key(1);
    let signer = es256(43);
    let env = signed_to(&[&a], &signer, 1);
    let ok = trust(&[&signer]);
    let bin = env.to_binary();
    let n = bin.len();
    assert!(open_both(&bin, &a, &ok).is_ok());
    // Stripped: the header says signed, so the record's absence shows.
    assert!(matches!(
        code(open_both(&bin[..n - 113], &a, &ok)),
        DecryptionFailed | Truncated
    ));
    // Stripped and the header edited to `signed: false`: the MAC fails.
    let env_json = env.to_json();
    let unsigned = env_json.replace("\"signed\":true", "\"signed\":false");
    let e = Envelope::from_json(&unsigned);
    assert!(matches!(
        e.map_err(|e| e.code())
            .and_then(|e| seal::open(&e, &a, &ok).map_err(|e| e.code())),
        Err(DecryptionFailed | MalformedEnvelope)
    ));
    // Swapped: the record of another envelope by the same signer (another K).
    let other = signed_to(&[&a], &signer, 2);
    let mut swapped = bin[..n - 113].to_vec();
    swapped.extend(other.signature_record().unwrap());
    assert_eq!(code(open_both(&swapped, &a, &ok)), DecryptionFailed);
    // Altered ciphertext of the record.
    for i in [n - 113, n - 60, n - 1] {
        let mut b = bin.clone();
        b[i] ^= 1;
        assert_eq!(code(open_both(&b, &a, &ok)), DecryptionFailed, "{i}");
    }
    // Altered signature inside a validly encrypted record (only a holder of K can do this).
    let (k, id) = drawn([1; 32]);
    let d = derive(&k, &id);
    let hb = env.header_bytes();
    let mut sig = signer.sign(&statement(hb, br#"{"order":"X-1"}"#)).unwrap();
    sig[5] ^= 1;
    let mut altered = bin[..n - 113].to_vec();
    altered.extend(record(
        &d.signature,
        hb,
        1,
        signer.verifying_key().kid(),
        &sig,
    ));
    assert_eq!(code(open_both(&altered, &a, &ok)), SignatureInvalid);
}

#[test]
fn unknown_signers_wrong_algorithms_and_missing_signatures() {
    let a = key(1);
    let signer = ed25519(44);
    let env = signed_to(&[&a], &signer, 3);
    let bin = env.to_binary();
    // A key the receiver does not trust.
    assert_eq!(
        code(open_both(&bin, &a, &trust(&[&es256(45)]))),
        UnknownSigner
    );
    // No trusted keys given: opens, and says the signature was not checked.
    let opened = seal::open(&env, &a, &OpenOptions::default()).unwrap();
    let s = opened.signature.unwrap();
    assert_eq!(
        (s.alg, s.kid.as_str(), s.verified),
        (SignatureAlg::Ed25519, signer.verifying_key().kid(), false)
    );
    // Wrong algorithm for the key: a record that names ES256 with the Ed25519 key's kid and a
    // valid Ed25519 signature; the algorithm comes from the trusted key, never the record.
    let (k, id) = drawn([3; 32]);
    let d = derive(&k, &id);
    let hb = env.header_bytes();
    let sig = signer.sign(&statement(hb, br#"{"order":"X-1"}"#)).unwrap();
    let mut wrong = bin[..bin.len() - 113].to_vec();
    wrong.extend(record(
        &d.signature,
        hb,
        1,
        signer.verifying_key().kid(),
        &sig,
    ));
    assert_eq!(
        code(open_both(&wrong, &a, &trust(&[&signer]))),
        SignatureInvalid
    );
    // Unsigned, with trusted keys: signature_missing unless allowed.
    let plain = seal::seal(b"x", &[a.public_key().clone()], &SealParams::new(1), None).unwrap();
    assert_eq!(
        code(seal::open(&plain, &a, &trust(&[&signer]))),
        SignatureMissing
    );
    let allowed = trust(&[&signer]).allow_unsigned(true);
    assert!(seal::open(&plain, &a, &allowed)
        .unwrap()
        .signature
        .is_none());
}

/// A signature over another recipient list does not verify: the header, which names every
/// recipient, is in the statement. Here a holder of K for an envelope to [A, B] moves the
/// sender's genuine signature from an envelope to [A] alone (same payload).
#[test]
fn a_signature_over_another_recipient_list_is_refused() {
    let (a, b) = (key(1), key(2));
    let signer = es256(46);
    let payload = br#"{"order":"X-1"}"#;
    let to_a = signed_to(&[&a], &signer, 4);
    let genuine = signer
        .sign(&statement(to_a.header_bytes(), payload))
        .unwrap();
    let k = [12u8; 32];
    let h = header(&[&a, &b], true, [13; 16]);
    let hb = h.canonical_bytes().unwrap();
    let d = derive(&k, &h.message_id);
    let mut tail = chunks(&d.payload, &hb, payload, 64);
    tail.extend(record(
        &d.signature,
        &hb,
        1,
        signer.verifying_key().kid(),
        &genuine,
    ));
    let st = [
        wrap(a.public_key(), &hb, &k, 1),
        wrap(b.public_key(), &hb, &k, 2),
    ];
    let bin = assemble(&hb, &st, &d.mac, &tail);
    assert_eq!(
        code(open_both(&bin, &b, &trust(&[&signer]))),
        SignatureInvalid
    );
}

/// The streaming opener never reports a signature before the end; a bad signature fails the
/// read that would return the last bytes, and no read returns `Ok(0)`.
#[test]
fn streaming_reports_the_signature_only_at_the_end() {
    let a = key(1);
    let signer = ed25519(47);
    let payload: Vec<u8> =
        br#"{"order":""#.iter().chain(&[b'x'; 300]).chain(br#""}"#).copied().collect();
    let env = seal::seal(
        &payload,
        &[a.public_key().clone()],
        &SealParams::new(1).with_chunk_size(64),
        Some(&signer),
    )
    .unwrap();
    let bin = env.to_binary();
    let mut o = Opener::new(&bin[..], &a, &trust(&[&signer])).unwrap();
    let mut first = [0u8; 64];
    o.read_exact(&mut first).unwrap();
    assert!(o.signature().is_none());
    let mut rest = Vec::new();
    o.read_to_end(&mut rest).unwrap();
    assert!(o.signature().unwrap().verified);
    assert_eq!([&first[..], &rest[..]].concat(), payload);
    // Another signer trusted: the reads up to the last chunk succeed, the last one fails.
    let mut o = Opener::new(&bin[..], &a, &trust(&[&es256(48)])).unwrap();
    let mut got = Vec::new();
    let e = o.read_to_end(&mut got).unwrap_err();
    assert_eq!(seal::error_from_io(&e).code(), UnknownSigner);
    assert!(got.len() < payload.len());
    assert!(o.signature().is_none());
}

/// The Sealer signs streams too, hashing the plaintext as it passes.
#[test]
fn streaming_sealer_signs() {
    use std::io::Write;
    let a = key(1);
    let signer = es256(49);
    let mut s = seal::Sealer::new(
        Vec::new(),
        &[a.public_key().clone()],
        &SealParams::new(1).with_chunk_size(64),
        Some(&signer),
    )
    .unwrap();
    for _ in 0..10 {
        s.write_all(&[b'y'; 37]).unwrap();
    }
    let bin = s.finish().unwrap();
    let out = open_both(&bin, &a, &trust(&[&signer])).unwrap();
    assert_eq!(out, vec![b'y'; 370]);
}

#[test]
fn expiry_is_checked_when_the_time_is_given() {
    let a = key(1);
    let env = seal::seal(
        b"x",
        &[a.public_key().clone()],
        &SealParams::new(100).with_expiry(200),
        None,
    )
    .unwrap();
    let at = |t| seal::open(&env, &a, &OpenOptions::default().at(t));
    assert!(at(199).is_ok());
    assert_eq!(code(at(200)), Expired);
    assert!(seal::open(&env, &a, &OpenOptions::default()).is_ok());
    assert_eq!(
        code(seal::seal(
            b"x",
            &[a.public_key().clone()],
            &SealParams::new(100).with_expiry(99),
            None
        )),
        InvalidArgument
    );
}

#[test]
fn proofs_verify_for_anyone_and_only_as_signed() {
    let (a, b) = (key(1), key(2));
    let signer = es256(50);
    let env = signed_to(&[&a, &b], &signer, 5);
    let trusted = [signer.verifying_key().clone()];
    let r = api::open_and_verify(
        &env,
        &b,
        &ReceiveOptions {
            open: OpenOptions::default().trust(trusted.to_vec()),
            ..Default::default()
        },
    )
    .unwrap();
    let doc = r.proof().unwrap();
    let v = proof::verify(&doc, &trusted).unwrap();
    assert_eq!(v.payload, r.payload);
    assert_eq!(v.header, r.header);
    assert!(v.signature.verified);
    // No key material in the proof: neither K nor the recipient's key is needed.
    assert!(!doc.contains(&a.to_base64url().to_string()));
    let tampered_payload = doc.replace(
        &minseal_b64_encode(br#"{"order":"X-1"}"#),
        &minseal_b64_encode(br#"{"order":"X-2"}"#),
    );
    assert_ne!(tampered_payload, doc);
    assert_eq!(
        code(proof::verify(&tampered_payload, &trusted)),
        SignatureInvalid
    );
    // Another recipient list in the header.
    let other = doc.replacen(&a.kid(), &key(3).kid(), 1);
    assert_eq!(code(proof::verify(&other, &trusted)), SignatureInvalid);
    // Another algorithm named than the key's.
    let alg = doc.replace("\"alg\":\"ES256\"", "\"alg\":\"Ed25519\"");
    assert_eq!(code(proof::verify(&alg, &trusted)), SignatureInvalid);
    assert_eq!(
        code(proof::verify(&doc, &[es256(51).verifying_key().clone()])),
        UnknownSigner
    );
    assert_eq!(code(proof::verify("{}", &trusted)), MalformedProof);
    assert_eq!(
        code(proof::verify(&doc.replace("}}", "},\"x\":1}"), &trusted)),
        MalformedProof
    );
    // Unsigned envelopes have no proof.
    let plain = seal::seal(b"x", &[a.public_key().clone()], &SealParams::new(1), None).unwrap();
    let o = seal::open(&plain, &a, &OpenOptions::default()).unwrap();
    assert_eq!(
        code(proof::export(&o.header, &o.payload, o.signature.as_ref())),
        SignatureMissing
    );
    // A JWK Set of trusted keys works as well as one key.
    let set = VerifyingKey::to_jwk_set(&[es256(52).verifying_key().clone(), trusted[0].clone()]);
    assert!(proof::verify(&doc, &VerifyingKey::parse_set(&set).unwrap()).is_ok());
}

fn minseal_b64_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// The receipt's payload digest is HMAC-SHA256(receipt key, SHA-256(payload)), the receipt
/// key derived from K: computed here from K (the first RNG draw) and compared.
#[test]
fn receipt_digest_is_keyed_by_the_envelope() {
    let a = key(1);
    let policy = Policy::builtin("2ap/art7-order").unwrap();
    let input = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/2ap-art7-order/input.json"
    ))
    .unwrap();
    let seed = [21u8; 32];
    let sealed = api::minimise_and_seal_with_rng(
        &policy,
        &input,
        &[a.public_key().clone()],
        &SealOptions::new(SealParams::new(1)),
        &mut ChaCha20Rng::from_seed(seed),
    )
    .unwrap();
    let (k, id) = drawn(seed);
    let d = derive(&k, &id);
    let mut m = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(&d.receipt).unwrap();
    m.update(&Sha256::digest(&sealed.payload));
    let want = hex::encode(m.finalize().into_bytes());
    let bound = sealed.receipt.envelope.as_ref().unwrap();
    assert_eq!(bound.payload_hmac_sha256, want);
    assert_eq!(
        bound.header_sha256,
        hex::encode(Sha256::digest(sealed.envelope.header_bytes()))
    );
    assert!(sealed.receipt.payload.sha256.is_empty());
    assert!(!sealed
        .receipt
        .to_json()
        .contains(&hex::encode(Sha256::digest(&sealed.payload))));
}
