//! Opening with the chunks decrypted by someone else (the JS entry's `openAsync` hands them to
//! WebCrypto): [`open_parts`] runs every check [`open`](super::open) runs before the first
//! chunk (limits, the stanza, the header MAC, expiry, the signature requirement) and keeps the
//! key schedule; the caller decrypts the chunk region under [`OpenParts::payload_key`] with the
//! nonces of docs/FORMAT.md, then checks the signature record with
//! [`OpenParts::signature`]. [`OpenParts::open_chunks`] is `open`'s own chunk loop, for a caller
//! whose decryption failed: it gives the plaintext or exactly the error `open` gives.

use super::schedule::Schedule;
use super::stream::{ChunkOpener, TAG_LEN};
use super::{open_region, unlock_envelope, Envelope, OpenOptions, SignatureInfo, CONTENT_KEY_LEN};
use super::{ENC_LEN, MAC_LEN, STANZA_CT_LEN};
use crate::keys::SecretKey;
use crate::Result;

/// An envelope whose header, stanza and MAC checked out for one recipient, ready for its
/// chunks. Holds the derived keys (zeroized on drop); no Debug, so no key is ever printed.
pub struct OpenParts {
    schedule: Schedule,
    header_bytes: Vec<u8>,
    chunk_size: u32,
}

/// Every check of [`open`](super::open) before the first chunk, for `sk`: the same errors in
/// the same order.
pub fn open_parts(envelope: &Envelope, sk: &SecretKey, opts: &OpenOptions) -> Result<OpenParts> {
    let schedule = unlock_envelope(envelope, sk, opts)?;
    Ok(OpenParts {
        schedule,
        header_bytes: envelope.header_bytes.clone(),
        chunk_size: envelope.header.chunk_size,
    })
}

impl OpenParts {
    /// The STREAM payload key (AES-256-GCM, AAD = the header's canonical bytes).
    pub fn payload_key(&self) -> &[u8; CONTENT_KEY_LEN] {
        &self.schedule.payload
    }

    /// The plaintext size of every chunk but the last.
    pub fn chunk_size(&self) -> u32 {
        self.chunk_size
    }

    /// [`open`](super::open)'s chunk loop over `envelope`'s chunk region: its plaintext, or the
    /// error `open` gives for it.
    pub fn open_chunks(&self, envelope: &Envelope, opts: &OpenOptions) -> Result<Vec<u8>> {
        let chunks = ChunkOpener::new(&self.schedule.payload, &self.header_bytes)?;
        open_region(
            chunks,
            &envelope.payload,
            self.chunk_size as usize + TAG_LEN,
            &opts.limits,
        )
    }

    /// The signature record of `envelope` checked as [`open`](super::open) checks it, for a
    /// payload whose SHA-256 is `payload_sha256` (`None` when the envelope is unsigned).
    pub fn signature(
        &self,
        envelope: &Envelope,
        payload_sha256: &[u8; 32],
        opts: &OpenOptions,
    ) -> Result<Option<SignatureInfo>> {
        envelope
            .signature
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

impl Envelope {
    /// Where the chunk region starts in the binary form: the length of everything before the
    /// first chunk (magic, version, header length, header, stanzas, MAC).
    pub fn binary_chunks_offset(&self) -> usize {
        9 + self.header_bytes.len() + self.stanzas.len() * (ENC_LEN + STANZA_CT_LEN) + MAC_LEN
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretKey;
    use crate::seal::{open, seal, SealParams};
    use crate::ErrorCode;

    fn sealed(len: usize, chunk: u32) -> (Envelope, SecretKey) {
        let sk = SecretKey::generate().unwrap();
        let payload: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let p = SealParams::new(1).with_chunk_size(chunk);
        let env = seal(&payload, &[sk.public_key().clone()], &p, None).unwrap();
        (env, sk)
    }

    #[test]
    fn open_chunks_equals_open() {
        let (env, sk) = sealed(5000, 1024);
        let o = OpenOptions::default();
        let parts = open_parts(&env, &sk, &o).unwrap();
        assert_eq!(
            parts.open_chunks(&env, &o).unwrap(),
            open(&env, &sk, &o).unwrap().payload
        );
        assert_eq!(parts.chunk_size(), 1024);
        let bin = env.to_binary();
        let off = env.binary_chunks_offset();
        assert_eq!(&bin[off..off + env.payload.len()], env.payload_ciphertext());
    }

    #[test]
    fn tampered_chunks_give_opens_error() {
        let (env, sk) = sealed(3000, 1024);
        let o = OpenOptions::default();
        let bin = env.to_binary();
        let off = env.binary_chunks_offset();
        for i in off..bin.len() {
            let mut b = bin.clone();
            b[i] ^= 1;
            let e = Envelope::from_binary(&b).unwrap();
            let parts = open_parts(&e, &sk, &o).unwrap();
            let want = open(&e, &sk, &o).unwrap_err().code();
            assert_eq!(parts.open_chunks(&e, &o).unwrap_err().code(), want);
            assert_eq!(want, ErrorCode::DecryptionFailed);
        }
    }
}
