//! AES-256-GCM (the `aes-gcm` crate) behind a non-generic API, for minseal's payload chunks.
//!
//! Why a crate of its own: Rust compiles a generic function where it is instantiated, at *that*
//! crate's opt-level. minseal's wasm build optimises minseal itself for size (`opt-level = "s"`),
//! which would also apply to `AesGcm<Aes256>`'s CTR and GHASH loops instantiated there (sync
//! `seal` of 1 MiB measured ~20 % slower). Instantiated here instead, they take this crate's
//! opt-level, 2 in the wasm build (docs/BENCHMARKS.md, "Opt-level per crate").
#![no_std]
#![forbid(unsafe_code)]

use aes_gcm::aead::inout::InOutBuf;
use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};

/// AES-GCM's tag length.
pub const TAG_LEN: usize = 16;

/// The payload was longer than AES-GCM allows, or the tag did not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failed;

/// An AES-256-GCM key, expanded once; its key schedule and GHASH key are zeroized on drop
/// (`aes-gcm`'s `zeroize` feature: `Aes256Gcm` is `ZeroizeOnDrop`, checked below).
pub struct ChunkAead(Aes256Gcm);

impl zeroize::ZeroizeOnDrop for ChunkAead {}

/// Compiles only while the wrapped cipher wipes itself on drop.
const _: fn() = || {
    fn wipes_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    wipes_on_drop::<Aes256Gcm>();
};

impl ChunkAead {
    /// Expands a 256-bit key.
    pub fn new(key: &[u8; 32]) -> Self {
        Self(Aes256Gcm::new(key.into()))
    }

    /// Encrypts `buf` in place under `nonce` and `aad`; returns the tag.
    #[inline(never)]
    pub fn encrypt(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Result<[u8; TAG_LEN], Failed> {
        self.0
            .encrypt_inout_detached(&Nonce::from(*nonce), aad, buf.into())
            .map(Into::into)
            .map_err(|_| Failed)
    }

    /// Encrypts `src` into `dst` (of the same length; `Failed` otherwise) under `nonce` and
    /// `aad`; returns the tag. One pass over the data where copying into place first and then
    /// encrypting would take two: the in-memory seal of a large payload is bound by memory
    /// traffic, not by AES-NI (docs/BENCHMARKS.md, "Seal").
    #[inline(never)]
    pub fn encrypt_to(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        src: &[u8],
        dst: &mut [u8],
    ) -> Result<[u8; TAG_LEN], Failed> {
        let buf = InOutBuf::new(src, dst).map_err(|_| Failed)?;
        self.0
            .encrypt_inout_detached(&Nonce::from(*nonce), aad, buf)
            .map(Into::into)
            .map_err(|_| Failed)
    }

    /// Verifies `tag` over `src` and, only if it verifies, decrypts `src` into `dst` (of the
    /// same length; `Failed` otherwise; on failure `dst` is left as it was). The in-memory open
    /// reads the envelope and writes the plaintext in one pass.
    #[inline(never)]
    pub fn decrypt_to(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        src: &[u8],
        tag: &[u8; TAG_LEN],
        dst: &mut [u8],
    ) -> Result<(), Failed> {
        let buf = InOutBuf::new(src, dst).map_err(|_| Failed)?;
        self.0
            .decrypt_inout_detached(&Nonce::from(*nonce), aad, buf, &Tag::from(*tag))
            .map_err(|_| Failed)
    }

    /// Verifies `tag` and, only if it verifies, decrypts `buf` in place (on failure `buf` is
    /// left as it was).
    #[inline(never)]
    pub fn decrypt(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        buf: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> Result<(), Failed> {
        self.0
            .decrypt_inout_detached(&Nonce::from(*nonce), aad, buf.into(), &Tag::from(*tag))
            .map_err(|_| Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h<const N: usize>(s: &str) -> [u8; N] {
        hex::decode(s).unwrap().try_into().unwrap()
    }

    /// The GCM specification's (McGrew & Viega) test case 16: AES-256, 96-bit IV, with AAD.
    #[test]
    fn gcm_spec_test_case_16() {
        let key = h::<32>("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
        let iv = h::<12>("cafebabefacedbaddecaf888");
        let aad = hex::decode("feedfacedeadbeeffeedfacedeadbeefabaddad2").unwrap();
        let pt = hex::decode(concat!(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72",
            "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
        ))
        .unwrap();
        let ct = hex::decode(concat!(
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa",
            "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
        ))
        .unwrap();
        let aead = ChunkAead::new(&key);
        let mut buf = pt.clone();
        let tag = aead.encrypt(&iv, &aad, &mut buf).unwrap();
        assert_eq!(buf, ct);
        assert_eq!(tag, h::<16>("76fc6ece0f4e1768cddf8853bb2d551b"));
        aead.decrypt(&iv, &aad, &mut buf, &tag).unwrap();
        assert_eq!(buf, pt);
    }

    /// `encrypt_to` gives what in-place `encrypt` gives, leaves `src` alone, and refuses
    /// buffers of different lengths.
    #[test]
    fn encrypt_to_equals_in_place() {
        let aead = ChunkAead::new(&[9; 32]);
        let (nonce, aad) = ([3; 12], b"aad");
        for len in [0, 1, 15, 16, 17, 64, 1000] {
            let mut src = [0u8; 1000];
            for (i, b) in src.iter_mut().enumerate() {
                *b = (i * 31 % 251) as u8;
            }
            let src = &src[..len];
            let mut in_place = [0u8; 1000];
            let in_place = &mut in_place[..len];
            in_place.copy_from_slice(src);
            let tag = aead.encrypt(&nonce, aad, in_place).unwrap();
            let mut dst = [0xa5u8; 1000];
            assert_eq!(aead.encrypt_to(&nonce, aad, src, &mut dst[..len]), Ok(tag));
            assert_eq!(&dst[..len], &*in_place);
        }
        let mut short = [0u8; 3];
        assert_eq!(
            aead.encrypt_to(&nonce, aad, &[1, 2, 3, 4], &mut short),
            Err(Failed)
        );
    }

    /// `decrypt_to` inverts `encrypt_to`, and on a bad tag or a length mismatch leaves `dst`
    /// alone.
    #[test]
    fn decrypt_to_inverts_and_leaves_dst_on_failure() {
        let aead = ChunkAead::new(&[4; 32]);
        let (nonce, aad) = ([8; 12], b"aad");
        let pt = *b"a plaintext of some forty-one bytes here.";
        let mut ct = [0u8; 41];
        let tag = aead.encrypt_to(&nonce, aad, &pt, &mut ct).unwrap();
        let mut out = [0u8; 41];
        assert_eq!(aead.decrypt_to(&nonce, aad, &ct, &tag, &mut out), Ok(()));
        assert_eq!(out, pt);
        let mut bad = tag;
        bad[0] ^= 1;
        let mut untouched = [0x5a; 41];
        assert_eq!(
            aead.decrypt_to(&nonce, aad, &ct, &bad, &mut untouched),
            Err(Failed)
        );
        assert_eq!(untouched, [0x5a; 41]);
        let mut short = [0u8; 40];
        assert_eq!(
            aead.decrypt_to(&nonce, aad, &ct, &tag, &mut short),
            Err(Failed)
        );
    }

    /// Any change to ciphertext, tag, nonce or AAD fails, and leaves the buffer untouched.
    #[test]
    fn tampering_fails_without_touching_the_buffer() {
        let aead = ChunkAead::new(&[7; 32]);
        let (nonce, aad) = ([1; 12], b"header");
        let mut ct = *b"sixteen byte msg and a bit more";
        let tag = aead.encrypt(&nonce, aad, &mut ct).unwrap();
        let mut flipped = ct;
        flipped[3] ^= 1;
        let mut buf = flipped;
        assert_eq!(aead.decrypt(&nonce, aad, &mut buf, &tag), Err(Failed));
        assert_eq!(buf, flipped);
        let mut bad_tag = tag;
        bad_tag[15] ^= 0x80;
        for (n, a, t) in [
            (nonce, &aad[..], bad_tag),
            ([2; 12], &aad[..], tag),
            (nonce, &b"headex"[..], tag),
        ] {
            let mut buf = ct;
            assert_eq!(aead.decrypt(&n, a, &mut buf, &t), Err(Failed));
            assert_eq!(buf, ct);
        }
        let mut buf = ct;
        aead.decrypt(&nonce, aad, &mut buf, &tag).unwrap();
        assert_eq!(&buf, b"sixteen byte msg and a bit more");
    }
}
