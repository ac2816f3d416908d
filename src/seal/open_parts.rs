//! Opening with the chunks decrypted by someone else (the JS entry's `openAsync` hands them to
//! WebCrypto): [`open_parts`] (an in-memory envelope) and [`open_parts_detached`] (a binary
//! envelope whose chunk region stays with the caller) run every check [`open`](super::open)
//! runs before the first chunk (limits, the stanza, the header MAC, expiry, the signature
//! requirement) and keep the key schedule; the caller decrypts the chunk region under
//! [`OpenParts::payload_key`] with the nonces of docs/FORMAT.md, then checks the signature
//! record with [`OpenParts::signature`]. [`OpenParts::open_chunks`] is `open`'s own chunk loop,
//! for a caller whose decryption failed: it gives the plaintext or exactly the error `open`
//! gives.

use super::envelope_binary::DetachedEnvelope;
use super::schedule::{Schedule, SIGNATURE_RECORD_LEN};
use super::stream::{ChunkOpener, TAG_LEN};
use super::{open_region, unlock_envelope, Envelope, OpenOptions, SignatureInfo, CONTENT_KEY_LEN};
use crate::keys::SecretKey;
use crate::Result;

/// An envelope whose header, stanza and MAC checked out for one recipient, ready for its
/// chunks. Holds the derived keys (zeroized on drop); no Debug, so no key is ever printed.
pub struct OpenParts {
    schedule: Schedule,
    header_bytes: Vec<u8>,
    chunk_size: u32,
    signature: Option<[u8; SIGNATURE_RECORD_LEN]>,
}

/// Every check of [`open`](super::open) before the first chunk, for `sk`: the same errors in
/// the same order.
pub fn open_parts(envelope: &Envelope, sk: &SecretKey, opts: &OpenOptions) -> Result<OpenParts> {
    parts(envelope, envelope.payload.len(), sk, opts)
}

/// [`open_parts`] for a binary envelope read without its chunk region: the same checks, on
/// the region's length, with the same errors as [`open`](super::open) of the whole envelope.
pub fn open_parts_detached(
    envelope: &DetachedEnvelope,
    sk: &SecretKey,
    opts: &OpenOptions,
) -> Result<OpenParts> {
    parts(&envelope.head, envelope.region.len(), sk, opts)
}

fn parts(
    envelope: &Envelope,
    region_len: usize,
    sk: &SecretKey,
    opts: &OpenOptions,
) -> Result<OpenParts> {
    let schedule = unlock_envelope(envelope, region_len, sk, opts)?;
    Ok(OpenParts {
        schedule,
        header_bytes: envelope.header_bytes.clone(),
        chunk_size: envelope.header.chunk_size,
        signature: envelope.signature,
    })
}

impl OpenParts {
    /// The STREAM payload key (AES-256-GCM, AAD = the header's canonical bytes).
    pub fn payload_key(&self) -> &[u8; CONTENT_KEY_LEN] {
        &self.schedule.payload
    }

    /// The header's canonical bytes (the chunks' AAD).
    pub fn header_bytes(&self) -> &[u8] {
        &self.header_bytes
    }

    /// The plaintext size of every chunk but the last.
    pub fn chunk_size(&self) -> u32 {
        self.chunk_size
    }

    /// True when the envelope carries a signature record (its check needs the SHA-256 of the
    /// plaintext).
    pub fn signed(&self) -> bool {
        self.signature.is_some()
    }

    /// [`open`](super::open)'s chunk loop over the envelope's chunk `region` (for a
    /// [`DetachedEnvelope`], the bytes at its [`region`](DetachedEnvelope::region)): its
    /// plaintext, or the error `open` gives for it.
    pub fn open_chunks(&self, region: &[u8], opts: &OpenOptions) -> Result<Vec<u8>> {
        let chunks = ChunkOpener::new(&self.schedule.payload, &self.header_bytes)?;
        open_region(
            chunks,
            region,
            self.chunk_size as usize + TAG_LEN,
            &opts.limits,
        )
    }

    /// The signature record checked as [`open`](super::open) checks it, for a payload whose
    /// SHA-256 is `payload_sha256` (`None` when the envelope is unsigned).
    pub fn signature(
        &self,
        payload_sha256: &[u8; 32],
        opts: &OpenOptions,
    ) -> Result<Option<SignatureInfo>> {
        self.signature
            .as_ref()
            .map(|record| {
                super::check_signature(
                    &self.header_bytes,
                    &self.schedule,
                    record,
                    payload_sha256,
                    opts,
                )
            })
            .transpose()
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretKey;
    use crate::seal::{open, seal, DetachedEnvelope, EnvelopeLimits, SealParams};
    use crate::sign::{SignatureAlg, SigningKey};
    use crate::ErrorCode;

    fn sealed(len: usize, chunk: u32, signer: Option<&SigningKey>) -> (Envelope, SecretKey) {
        let sk = SecretKey::generate().unwrap();
        let payload: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let p = SealParams::new(1).with_chunk_size(chunk);
        let signer = signer.map(|s| s as &dyn crate::sign::Signer);
        let env = seal(&payload, &[sk.public_key().clone()], &p, signer).unwrap();
        (env, sk)
    }

    /// `bin` read as a caller that keeps the chunk region does: copies of the ranges asked for.
    fn detached(bin: &[u8], limits: &EnvelopeLimits) -> crate::Result<DetachedEnvelope> {
        DetachedEnvelope::from_binary(bin.len(), |r| bin[r].to_vec(), limits)
    }

    /// `open` of the whole binary envelope and the detached route (parse, `open_parts_detached`,
    /// `open_chunks` of the region, `signature`): the same plaintext or the same error code.
    fn same_as_open(bin: &[u8], sk: &SecretKey, o: &OpenOptions) {
        let whole = Envelope::from_binary_with_limits(bin, &o.limits).and_then(|e| open(&e, sk, o));
        let split = detached(bin, &o.limits).and_then(|d| {
            let parts = open_parts_detached(&d, sk, o)?;
            let pt = parts.open_chunks(&bin[d.region()], o)?;
            let digest = crate::digest::payload_sha256(&pt);
            parts.signature(&digest, o)?;
            Ok(pt)
        });
        match (whole, split) {
            (Ok(a), Ok(b)) => assert_eq!(a.payload, b),
            (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "{a} / {b}"),
            (a, b) => panic!("open {:?} but detached {:?}", a.map(|_| ()), b.map(|_| ())),
        }
    }

    #[test]
    fn open_chunks_equals_open() {
        let (env, sk) = sealed(5000, 1024, None);
        let o = OpenOptions::default();
        let parts = open_parts(&env, &sk, &o).unwrap();
        assert_eq!(
            parts.open_chunks(env.payload_ciphertext(), &o).unwrap(),
            open(&env, &sk, &o).unwrap().payload
        );
        assert_eq!(parts.chunk_size(), 1024);
        let bin = env.to_binary();
        let d = detached(&bin, &EnvelopeLimits::default()).unwrap();
        assert_eq!(&bin[d.region()], env.payload_ciphertext());
        let o = OpenOptions::default();
        assert_eq!(
            open_parts_detached(&d, &sk, &o).unwrap().header_bytes(),
            env.header_bytes()
        );
    }

    #[test]
    fn tampered_chunks_give_opens_error() {
        let (env, sk) = sealed(3000, 1024, None);
        let o = OpenOptions::default();
        let bin = env.to_binary();
        let region = detached(&bin, &o.limits).unwrap().region();
        for i in region.clone() {
            let mut b = bin.clone();
            b[i] ^= 1;
            let e = Envelope::from_binary(&b).unwrap();
            let parts = open_parts(&e, &sk, &o).unwrap();
            let want = open(&e, &sk, &o).unwrap_err().code();
            assert_eq!(
                parts
                    .open_chunks(&b[region.clone()], &o)
                    .unwrap_err()
                    .code(),
                want
            );
            assert_eq!(want, ErrorCode::DecryptionFailed);
        }
    }

    /// Every truncation and every single-bit flip of an unsigned and a signed envelope, and
    /// the size and chunk limits: the detached route fails (or opens) exactly as `open` does.
    #[test]
    fn detached_opens_and_fails_as_open_does() {
        let key = SigningKey::generate(SignatureAlg::Ed25519).unwrap();
        for signer in [None, Some(&key)] {
            let (env, sk) = sealed(700, 256, signer);
            let trusting = OpenOptions::default().trust(vec![key.verifying_key().clone()]);
            let bin = env.to_binary();
            same_as_open(&bin, &sk, &trusting);
            for n in 0..bin.len() {
                same_as_open(&bin[..n], &sk, &trusting);
            }
            for i in 0..bin.len() {
                let mut b = bin.clone();
                b[i] ^= 0x10;
                same_as_open(&b, &sk, &trusting);
            }
            for limits in [
                EnvelopeLimits {
                    max_envelope_bytes: bin.len() as u64 - 1,
                    ..Default::default()
                },
                EnvelopeLimits {
                    max_chunks: 2,
                    ..Default::default()
                },
                EnvelopeLimits {
                    max_recipients: 0,
                    ..Default::default()
                },
            ] {
                same_as_open(&bin, &sk, &trusting.clone().with_limits(limits));
            }
            // Not trusting the signer: `unknown_signer` (signed) or the plaintext (unsigned).
            same_as_open(&bin, &sk, &OpenOptions::default());
        }
    }

    #[test]
    fn a_short_prefix_or_tail_is_refused() {
        let key = SigningKey::generate(SignatureAlg::Ed25519).unwrap();
        let (env, _) = sealed(100, 64, Some(&key));
        let bin = env.to_binary();
        let l = EnvelopeLimits::default();
        // The prefix cut to 20 bytes; the signature record cut to 16.
        let short_prefix = |r: std::ops::Range<usize>| bin[r.start..r.end.min(20)].to_vec();
        let short_record = |r: std::ops::Range<usize>| {
            let end = if r.start == 0 { r.end } else { r.start + 16 };
            bin[r.start..end].to_vec()
        };
        for e in [
            DetachedEnvelope::from_binary(bin.len(), short_prefix, &l),
            DetachedEnvelope::from_binary(bin.len(), short_record, &l),
        ] {
            assert_eq!(e.err().map(|e| e.code()), Some(ErrorCode::InvalidArgument));
        }
    }
}
