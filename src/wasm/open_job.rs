//! `openAsync` of the JS entry (`npm/receive.js`): wasm parses the envelope, opens the stanza,
//! checks the header MAC and everything else `open` checks before the first chunk
//! (`openPrepare`), and keeps the key schedule in an `OpenJob`; JS decrypts the chunks with
//! WebCrypto under the payload key `key()` hands over, then hands the plaintext's SHA-256 back
//! for the signature check (`finish`). A binary envelope's chunk region never enters wasm
//! memory: wasm copies only its preamble and signature record (`DetachedEnvelope`), and JS
//! hands WebCrypto the region straight from the caller's bytes. When WebCrypto refuses a chunk,
//! `openHere` runs `open`'s own chunk loop over the region, so every failure is `open`'s error,
//! code and message.

use super::error::{invalid_argument, js, JsResult};
use super::input::{self, set};
use super::keys::secret_key;
use super::seal::{envelope_in, header_out, open_args};
use super::sign::signature_out;
use crate::seal::{self, DetachedEnvelope, OpenOptions, OpenParts};
use js_sys::{Object, Uint8Array};
use std::ops::Range;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

/// The chunk region of an envelope being opened.
enum Region {
    /// `[start, end)` in the caller's binary envelope, which keeps the bytes.
    InCaller(u32, u32),
    /// A JSON envelope's chunks, decoded from base64url.
    Decoded(Vec<u8>),
}

/// An envelope whose stanza and header MAC checked out, waiting for its chunks.
#[wasm_bindgen]
pub struct OpenJob {
    region: Region,
    parts: OpenParts,
    options: OpenOptions,
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
    let (region, parts) = if let Some(bin) = envelope.dyn_ref::<Uint8Array>() {
        let read = |r: Range<usize>| bin.subarray(r.start as u32, r.end as u32).to_vec();
        let env = js(DetachedEnvelope::from_binary(
            bin.length() as usize,
            read,
            &oo.limits,
        ))?;
        let parts = js(seal::open_parts_detached(
            &env,
            &secret_key(&private_key)?,
            &oo,
        ))?;
        // Both ends lie within the array's length, a u32.
        let r = env.region();
        (Region::InCaller(r.start as u32, r.end as u32), parts)
    } else {
        let env = envelope_in(&envelope, &oo.limits)?;
        let parts = js(seal::open_parts(&env, &secret_key(&private_key)?, &oo))?;
        (Region::Decoded(env.into_payload_ciphertext()), parts)
    };
    Ok(OpenJob {
        region,
        parts,
        options: oo,
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
        Uint8Array::from(self.parts.header_bytes())
    }

    /// The plaintext size of every chunk but the last.
    #[wasm_bindgen(js_name = chunkSize)]
    pub fn chunk_size(&self) -> u32 {
        self.parts.chunk_size()
    }

    /// The chunk region: for a binary envelope, `[start, end]` within the caller's bytes (no
    /// copy); for a JSON one, its decoded bytes.
    pub fn region(&self) -> JsValue {
        match &self.region {
            Region::InCaller(start, end) => {
                let out = js_sys::Array::new();
                out.push(&(*start).into());
                out.push(&(*end).into());
                out.into()
            }
            Region::Decoded(ct) => Uint8Array::from(&ct[..]).into(),
        }
    }

    /// True when the envelope carries a signature record (its check needs the SHA-256 of the
    /// plaintext).
    pub fn signed(&self) -> bool {
        self.parts.signed()
    }

    /// True when the caller asked for `{ output: 'bytes' }`.
    #[wasm_bindgen(js_name = asBytes)]
    pub fn as_bytes(&self) -> bool {
        self.as_bytes
    }

    /// `open`'s own chunk loop: the plaintext, or `open`'s error for this envelope. `region`
    /// is the chunk region (`region()`'s bytes, or the caller's envelope bytes between its
    /// ends), copied in.
    #[wasm_bindgen(js_name = openHere)]
    pub fn open_here(&self, region: JsValue) -> JsResult<Uint8Array> {
        let pt = match &self.region {
            Region::Decoded(ct) => self.parts.open_chunks(ct, &self.options),
            Region::InCaller(start, end) => {
                let bytes = input::bytes(&region)
                    .filter(|b| b.len() == (end - start) as usize)
                    .ok_or_else(|| invalid_argument("the chunk region must be the envelope's"))?;
                self.parts.open_chunks(&bytes, &self.options)
            }
        };
        let pt = Zeroizing::new(js(pt)?);
        Ok(Uint8Array::from(pt.as_slice()))
    }

    /// `{ header, signature }` of `open`'s result, the signature record checked as `open`
    /// checks it for a plaintext whose SHA-256 is `digest` (`undefined` when unsigned).
    pub fn finish(&self, digest: JsValue) -> JsResult<JsValue> {
        let signature = if self.parts.signed() {
            let d = input::bytes(&digest)
                .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                .ok_or_else(|| invalid_argument("the payload digest must be 32 bytes"))?;
            js(self.parts.signature(&d, &self.options))?
        } else {
            None
        };
        let out = Object::new();
        set(&out, "header", &header_out(self.parts.header_bytes())?);
        set(
            &out,
            "signature",
            &signature_out(signature.as_ref(), &self.options.signers)?,
        );
        Ok(out.into())
    }
}
