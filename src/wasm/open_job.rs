//! `openAsync` of the JS entry (`npm/api.js`): wasm parses the envelope, opens the stanza,
//! checks the header MAC and everything else `open` checks before the first chunk
//! (`openPrepare`), and keeps the key schedule in an `OpenJob`; JS decrypts the chunks with
//! WebCrypto under the payload key `key()` hands over, then hands the plaintext's SHA-256 back
//! for the signature check (`signature`). When WebCrypto refuses a chunk, `openHere` runs
//! `open`'s own chunk loop, so every failure is `open`'s error, code and message.

use super::error::{invalid_argument, js, JsResult};
use super::input::{self, set};
use super::keys::secret_key;
use super::seal::{envelope_in, header_out, open_args};
use super::sign::signature_out;
use crate::seal::{self, Envelope, OpenOptions, OpenParts};
use js_sys::{Object, Uint8Array};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

/// An envelope whose stanza and header MAC checked out, waiting for its chunks.
#[wasm_bindgen]
pub struct OpenJob {
    env: Envelope,
    parts: OpenParts,
    options: OpenOptions,
    binary: bool,
    as_bytes: bool,
}

/// `open`'s checks up to the first chunk, with `open`'s options, in `open`'s order.
#[wasm_bindgen(js_name = openPrepare)]
pub fn open_prepare(
    envelope: JsValue,
    private_key: JsValue,
    options: JsValue,
) -> JsResult<OpenJob> {
    let (oo, as_bytes) = open_args(&options)?;
    let binary = envelope.is_instance_of::<Uint8Array>();
    let env = envelope_in(&envelope, &oo.limits)?;
    let sk = secret_key(&private_key)?;
    let parts = js(seal::open_parts(&env, &sk, &oo))?;
    Ok(OpenJob {
        env,
        parts,
        options: oo,
        binary,
        as_bytes,
    })
}

#[wasm_bindgen]
impl OpenJob {
    /// A fresh copy of the payload key, which the caller imports as a non-extractable
    /// CryptoKey and then zero-fills.
    pub fn key(&self) -> Uint8Array {
        Uint8Array::from(&self.parts.payload_key()[..])
    }

    /// The header's canonical bytes: the chunks' AAD.
    #[wasm_bindgen(js_name = headerBytes)]
    pub fn header_bytes(&self) -> Uint8Array {
        Uint8Array::from(self.env.header_bytes())
    }

    /// The plaintext size of every chunk but the last.
    #[wasm_bindgen(js_name = chunkSize)]
    pub fn chunk_size(&self) -> u32 {
        self.parts.chunk_size()
    }

    /// The chunk region: for a binary envelope, `[start, end]` within the caller's bytes (no
    /// copy); for a JSON one, its decoded bytes.
    pub fn region(&self) -> JsValue {
        let ct = self.env.payload_ciphertext();
        if self.binary {
            let start = self.env.binary_chunks_offset();
            let out = js_sys::Array::new();
            out.push(&(start as f64).into());
            out.push(&((start + ct.len()) as f64).into());
            return out.into();
        }
        Uint8Array::from(ct).into()
    }

    /// True when the envelope carries a signature record (its check needs the SHA-256 of the
    /// plaintext).
    pub fn signed(&self) -> bool {
        self.env.signature_record().is_some()
    }

    /// True when the caller asked for `{ output: 'bytes' }`.
    #[wasm_bindgen(js_name = asBytes)]
    pub fn as_bytes(&self) -> bool {
        self.as_bytes
    }

    /// `open`'s own chunk loop: the plaintext, or `open`'s error for this envelope.
    #[wasm_bindgen(js_name = openHere)]
    pub fn open_here(&self) -> JsResult<Uint8Array> {
        let pt = Zeroizing::new(js(self.parts.open_chunks(&self.env, &self.options))?);
        Ok(Uint8Array::from(pt.as_slice()))
    }

    /// `{ header, signature }` of `open`'s result, the signature record checked as `open`
    /// checks it for a plaintext whose SHA-256 is `digest` (`undefined` when unsigned).
    pub fn finish(&self, digest: JsValue) -> JsResult<JsValue> {
        let signature = match self.env.signature_record() {
            None => None,
            Some(_) => {
                let d = input::bytes(&digest)
                    .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                    .ok_or_else(|| invalid_argument("the payload digest must be 32 bytes"))?;
                js(self.parts.signature(&self.env, &d, &self.options))?
            }
        };
        let out = Object::new();
        set(&out, "header", &header_out(&self.env)?);
        set(
            &out,
            "signature",
            &signature_out(signature.as_ref(), &self.options.signers)?,
        );
        Ok(out.into())
    }
}
