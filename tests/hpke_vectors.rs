//! RFC 9180 test vectors for minseal's suite, base mode: DHKEM(X25519, HKDF-SHA256) /
//! HKDF-SHA256 / AES-256-GCM (mode 0, kem 0x0020, kdf 0x0001, aead 0x0002), run through the
//! `hpke` crate exactly as `minseal::seal` uses it.
//!
//! What `hpke` 0.15 lets us check directly: pkEm/pkRm/skEm/skRm (via `derive_keypair`), `enc`
//! (via `setup_sender_with_rng` fed ikmE), every `ct` (seal and open, seq 0..=256), every export
//! (sender and receiver). It hides `shared_secret` behind the `#[doc(hidden)]` `Kem::decap`
//! (used here anyway, and also recomputed), and it hides `key_schedule_context`, `secret`, `key`,
//! `base_nonce` and `exporter_secret` entirely; those are recomputed below with HMAC-SHA256
//! from RFC 9180 §4 and §5.1, and the crate's `danger::streaming_enc` context built from the
//! vector's key/base_nonce/exporter_secret must reproduce every ciphertext and export.

use hmac::{Hmac, KeyInit, Mac};
use hpke::aead::AesGcm256;
use hpke::danger::streaming_enc::{
    create_receiver_context, create_sender_context, AeadKey, AeadNonce, ExporterSecret,
};
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::rand_core::{Infallible, TryCryptoRng, TryRng};
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};
use serde_json::Value;
use sha2::Sha256;

type K = X25519HkdfSha256;

/// Hands out a fixed byte string, then fails the test if asked for more.
struct FixedRng(Vec<u8>);
impl TryRng for FixedRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        assert!(dst.len() <= self.0.len(), "RNG asked for more than ikmE");
        let rest = self.0.split_off(dst.len());
        dst.copy_from_slice(&self.0);
        self.0 = rest;
        Ok(())
    }
}
impl TryCryptoRng for FixedRng {}

fn h(v: &Value, field: &str) -> Vec<u8> {
    hex::decode(
        v[field]
            .as_str()
            .unwrap_or_else(|| panic!("field {field} missing")),
    )
    .unwrap()
}

fn the_entry() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/rfc9180-base-x25519-sha256.json"
    ))
    .expect("vector file tests/vectors/rfc9180-base-x25519-sha256.json must exist");
    let all: Vec<Value> = serde_json::from_str(&text).unwrap();
    let mut found: Vec<Value> = all
        .into_iter()
        .filter(|e| e["mode"] == 0 && e["kem_id"] == 32 && e["kdf_id"] == 1 && e["aead_id"] == 2)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "exactly one entry with mode 0, kem_id 32, kdf_id 1, aead_id 2 must exist"
    );
    found.remove(0)
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().to_vec()
}

fn labeled_extract(suite: &[u8], salt: &[u8], label: &[u8], ikm: &[u8]) -> Vec<u8> {
    let salt = if salt.is_empty() {
        &[0u8; 32][..]
    } else {
        salt
    };
    hmac(salt, &[b"HPKE-v1", suite, label, ikm])
}

fn labeled_expand(suite: &[u8], prk: &[u8], label: &[u8], info: &[u8], len: usize) -> Vec<u8> {
    let l = (len as u16).to_be_bytes();
    let mut out = Vec::new();
    let mut t = Vec::new();
    let mut i = 1u8;
    while out.len() < len {
        t = hmac(prk, &[&t, &l, b"HPKE-v1", suite, label, info, &[i]]);
        out.extend_from_slice(&t);
        i += 1;
    }
    out.truncate(len);
    out
}

fn clamp(mut k: Vec<u8>) -> Vec<u8> {
    k[0] &= 248;
    k[31] &= 127;
    k[31] |= 64;
    k
}

#[test]
fn key_pairs_and_enc() {
    let v = the_entry();
    let (sk_e, pk_e) = K::derive_keypair(&h(&v, "ikmE"));
    let (sk_r, pk_r) = K::derive_keypair(&h(&v, "ikmR"));
    // RFC 9180 §7.1.2: SerializePrivateKey MUST clamp for X25519, and `hpke` does; the vector
    // file lists the unclamped scalars, so compare after clamping them.
    assert_eq!(sk_e.to_bytes().to_vec(), clamp(h(&v, "skEm")));
    assert_eq!(pk_e.to_bytes().to_vec(), h(&v, "pkEm"));
    assert_eq!(sk_r.to_bytes().to_vec(), clamp(h(&v, "skRm")));
    assert_eq!(pk_r.to_bytes().to_vec(), h(&v, "pkRm"));

    // minseal's own key type agrees with the derived key pair.
    let msk = minseal::keys::SecretKey::from_bytes(h(&v, "skRm").try_into().unwrap()).unwrap();
    assert_eq!(msk.public_key().as_bytes().to_vec(), h(&v, "pkRm"));

    let (enc, _) = hpke::setup_sender_with_rng::<AesGcm256, HkdfSha256, K>(
        &OpModeS::Base,
        &pk_r,
        &h(&v, "info"),
        &mut FixedRng(h(&v, "ikmE")),
    )
    .unwrap();
    assert_eq!(enc.to_bytes().to_vec(), h(&v, "enc"));
}

#[test]
fn shared_secret_and_key_schedule() {
    let v = the_entry();
    let (sk_r, _) = K::derive_keypair(&h(&v, "ikmR"));
    let enc = <K as Kem>::EncappedKey::from_bytes(&h(&v, "enc")).unwrap();
    // hpke's #[doc(hidden)] decap: the only way it exposes the shared secret.
    let ss = K::decap(&sk_r, None, &enc).unwrap();
    assert_eq!(ss.0.to_vec(), h(&v, "shared_secret"));

    // Independent recomputation, RFC 9180 §4.1 and §5.1.
    let dh = x25519_dalek::x25519(
        h(&v, "skEm").try_into().unwrap(),
        h(&v, "pkRm").try_into().unwrap(),
    );
    let kem_suite = [b"KEM".as_slice(), &[0x00, 0x20]].concat();
    let kem_context = [h(&v, "enc"), h(&v, "pkRm")].concat();
    let eae_prk = labeled_extract(&kem_suite, b"", b"eae_prk", &dh);
    let shared = labeled_expand(&kem_suite, &eae_prk, b"shared_secret", &kem_context, 32);
    assert_eq!(shared, h(&v, "shared_secret"));

    let suite = [b"HPKE".as_slice(), &[0x00, 0x20, 0x00, 0x01, 0x00, 0x02]].concat();
    let psk_id_hash = labeled_extract(&suite, b"", b"psk_id_hash", b"");
    let info_hash = labeled_extract(&suite, b"", b"info_hash", &h(&v, "info"));
    let ksc = [&[0u8][..], &psk_id_hash, &info_hash].concat();
    assert_eq!(ksc, h(&v, "key_schedule_context"));
    let secret = labeled_extract(&suite, &shared, b"secret", b"");
    assert_eq!(secret, h(&v, "secret"));
    assert_eq!(
        labeled_expand(&suite, &secret, b"key", &ksc, 32),
        h(&v, "key")
    );
    assert_eq!(
        labeled_expand(&suite, &secret, b"base_nonce", &ksc, 12),
        h(&v, "base_nonce")
    );
    assert_eq!(
        labeled_expand(&suite, &secret, b"exp", &ksc, 32),
        h(&v, "exporter_secret")
    );
}

#[test]
fn all_encryptions_and_exports() {
    let v = the_entry();
    let (sk_r, pk_r) = K::derive_keypair(&h(&v, "ikmR"));
    let info = h(&v, "info");
    let (enc, mut sender) = hpke::setup_sender_with_rng::<AesGcm256, HkdfSha256, K>(
        &OpModeS::Base,
        &pk_r,
        &info,
        &mut FixedRng(h(&v, "ikmE")),
    )
    .unwrap();
    let mut receiver =
        hpke::setup_receiver::<AesGcm256, HkdfSha256, K>(&OpModeR::Base, &sk_r, &enc, &info)
            .unwrap();

    // A context built from the vector's key / base_nonce / exporter_secret.
    let mut key = AeadKey::<AesGcm256>::default();
    key.0.copy_from_slice(&h(&v, "key"));
    let mut nonce = AeadNonce::<AesGcm256>::default();
    nonce.0.copy_from_slice(&h(&v, "base_nonce"));
    let mut exp = ExporterSecret::<HkdfSha256>::default();
    exp.0.copy_from_slice(&h(&v, "exporter_secret"));
    let mut nonce2 = AeadNonce::<AesGcm256>::default();
    nonce2.0.copy_from_slice(&h(&v, "base_nonce"));
    let mut exp2 = ExporterSecret::<HkdfSha256>::default();
    exp2.0.copy_from_slice(&h(&v, "exporter_secret"));
    let mut from_schedule = create_sender_context::<AesGcm256, HkdfSha256, K>(&key, nonce, exp);
    let mut from_schedule_r =
        create_receiver_context::<AesGcm256, HkdfSha256, K>(&key, nonce2, exp2);

    let encs = v["encryptions"].as_array().unwrap();
    assert_eq!(encs.len(), 257, "the vector must list seq 0..=256");
    for (seq, e) in encs.iter().enumerate() {
        let (pt, aad, ct) = (h(e, "pt"), h(e, "aad"), h(e, "ct"));
        assert_eq!(sender.seal(&pt, &aad).unwrap(), ct, "seal, seq {seq}");
        assert_eq!(receiver.open(&ct, &aad).unwrap(), pt, "open, seq {seq}");
        assert_eq!(
            from_schedule.seal(&pt, &aad).unwrap(),
            ct,
            "schedule seal, seq {seq}"
        );
        assert_eq!(
            from_schedule_r.open(&ct, &aad).unwrap(),
            pt,
            "schedule open, seq {seq}"
        );
        // The nonce the vector lists is base_nonce XOR seq.
        let mut n = h(&v, "base_nonce");
        for (i, b) in (seq as u64).to_be_bytes().iter().enumerate() {
            n[4 + i] ^= b;
        }
        assert_eq!(n, h(e, "nonce"), "nonce, seq {seq}");
    }

    let exports = v["exports"].as_array().unwrap();
    assert!(!exports.is_empty());
    for x in exports {
        let len = x["L"].as_u64().unwrap() as usize;
        let ctx = h(x, "exporter_context");
        let want = h(x, "exported_value");
        let mut out = vec![0u8; len];
        sender.export(&ctx, &mut out).unwrap();
        assert_eq!(out, want);
        receiver.export(&ctx, &mut out).unwrap();
        assert_eq!(out, want);
        from_schedule.export(&ctx, &mut out).unwrap();
        assert_eq!(out, want);
    }
}
