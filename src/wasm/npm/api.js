// The public surface both entries have (the full entry, index.js / node.js, and the sender
// entry, sender.js / sender-node.js): minimise, verify, seal, sign, keys, profiles. Every export
// of the wasm glue goes through `guard`, so every failure is a `MinsealError`. The full entry adds
// receive.js.
import * as core from './minseal_core.js';
import { MinsealError, Policy, chunkNonce, convert, guard, guardClass, namesPolicy, policyOf } from './common.js';

export { MinsealError, Policy };

// ---- the register of authorities (docs/TRUST.md) ------------------------------------------------
// Loading and lookups are the sender's too: a sending page picks its recipients from the registers
// and verifies the acknowledgements it gets back. Opening with a register is in receive.js.
const CoreRegisters = guardClass(core.Registers);

/** One or several signed registers, verified and used together: `Registers.load(sources)`. */
export const Registers = CoreRegisters;

const usesRegisters = (options) => options !== null && typeof options === 'object' && options.registers !== undefined;

// Recipients named in the registers (`{ party, role }` / `{ kid }`) → their current public keys,
// checked by the core against the policy's audience at `createdAt`; the options go on to the
// seal without `registers` and with that same `createdAt`.
function registerRecipients(recipients, options, audience) {
  const { registers, ...rest } = options;
  if (!(registers instanceof Registers)) {
    throw new MinsealError('invalid_argument', 'option `registers` must be a Registers (Registers.load)');
  }
  if (rest.createdAt === undefined) rest.createdAt = Math.floor(Date.now() / 1000);
  return [registers.recipientKeys(recipients, audience, rest.createdAt), rest];
}

// `seal`'s audience: a register names whom a policy is for, so sealing through one needs it.
function sealAudience(options) {
  if (!namesPolicy(options)) {
    throw new MinsealError('invalid_argument', 'sealing to recipients in a register needs option `policy` (the recipient role is its audience)');
  }
  return policyOf(options.policy).audience;
}

export const verifyAck = guard((ack, registers, expected) => {
  if (!(registers instanceof Registers)) {
    throw new MinsealError('invalid_argument', 'registers must be a Registers (Registers.load)');
  }
  return core.verifyAck(ack, registers, expected);
});
export const version = guard(core.version);
export const profiles = guard(core.profiles);
// In Node, a payload that is not ASCII comes back as UTF-16LE bytes (a copy here), not
// UTF-8: Node's UTF-8 decoders are ~10x slower once a non-ASCII byte occurs (src/wasm/policy.rs).
// (Node itself, not a bundler's Buffer polyfill, whose UTF-16 decoding is a slow JS loop.)
const NodeBuffer = globalThis.Buffer;
const utf16 = typeof globalThis.process?.versions?.node === 'string' && typeof NodeBuffer?.from === 'function';
// A JSON string goes into wasm as UTF-8 from `TextEncoder` (native code), not through
// wasm-bindgen's own string passing, which copies the ASCII prefix with a JS loop (about twice
// the encoder's time; benches/js/strings.mjs). `minimise` has it write straight into wasm
// memory (`encodeInto` into a staging buffer: src/wasm/staging.rs); `minimiseAndSeal` takes
// `TextEncoder.encode`'s bytes. Same bytes either way (a lone surrogate becomes U+FFFD).
const textEncoder = new TextEncoder();
const utf8In = (payload) => (typeof payload === 'string' ? textEncoder.encode(payload) : payload);
let memory;
function staged(text) {
  memory ??= core.wasmMemory();
  let ptr = core.stageInput(text.length, false);
  const r = textEncoder.encodeInto(text, new Uint8Array(memory.buffer, ptr, text.length));
  if (r.read === text.length) return r.written;
  // Not all ASCII: room for the rest at up to 3 bytes per UTF-16 unit.
  const len = r.written + (text.length - r.read) * 3;
  ptr = core.stageInput(len, true);
  const rest = new Uint8Array(memory.buffer, ptr + r.written, len - r.written);
  return r.written + textEncoder.encodeInto(text.slice(r.read), rest).written;
}
export const minimise = guard((payload, policy, options) => {
  const pol = policyOf(policy);
  const r = typeof payload === 'string'
    ? core.minimiseStaged(staged(payload), pol, options, utf16)
    : core.minimise(payload, pol, options, utf16);
  const p = r.payload;
  if (typeof p !== 'string') r.payload = NodeBuffer.from(p.buffer, p.byteOffset, p.byteLength).toString('utf16le');
  return r;
});
export const verify = guard((payload, policy, options) =>
  core.verify(payload, policyOf(policy), options));
export const seal = guard((payload, recipients, options) => {
  if (usesRegisters(options)) [recipients, options] = registerRecipients(recipients, options, sealAudience(options));
  return namesPolicy(options)
    ? core.sealNamingPolicy(payload, recipients, options, policyOf(options.policy))
    : core.seal(payload, recipients, options);
});
export const minimiseAndSeal = guard((payload, policy, recipients, options) => {
  const p = policyOf(policy);
  if (usesRegisters(options)) [recipients, options] = registerRecipients(recipients, options, p.audience);
  return core.minimiseAndSeal(utf8In(payload), p, recipients, options);
});
export const generateKeyPair = guard(core.generateKeyPair);
export const publicKey = guard(core.publicKey);
export const thumbprint = guard(core.thumbprint);
export const generateSigningKey = guard(core.generateSigningKey);
export const signingPublicKey = guard(core.signingPublicKey);

// ---- signers for the async seals ---------------------------------------------------------------
// What `sign` may be in sealAsync / minimiseAndSealAsync, resolved to `{ id: { kid, alg }, sign,
// publicJwk }`: `sign(statement)` resolves to the 64-byte signature; `publicJwk`, when known,
// checks it (in wasm) before the envelope is finished. A private JWK signs in wasm.
const isCryptoKey = (k) => k !== null && typeof k === 'object' && typeof k.type === 'string'
  && typeof k.extractable === 'boolean' && k.algorithm !== null && typeof k.algorithm === 'object';
const isPrivateJwk = (v) => typeof v === 'string' || (v !== null && typeof v === 'object' && typeof v.d === 'string');

// WebCrypto's parameters for a signing CryptoKey: ES256 gives r ‖ s, as the format wants.
function webCryptoSigning(key) {
  const a = key.algorithm;
  if (a.name === 'ECDSA' && a.namedCurve === 'P-256') return { alg: 'ES256', params: { name: 'ECDSA', hash: 'SHA-256' } };
  if (a.name === 'Ed25519') return { alg: 'Ed25519', params: { name: 'Ed25519' } };
  throw new MinsealError('invalid_key', `option \`sign\`: a ${a.name}${a.namedCurve ? ` ${a.namedCurve}` : ''} key cannot sign envelopes (ECDSA P-256 or Ed25519)`);
}

async function resolveSigner(sign, subtle) {
  if (sign === undefined) return null;
  if (isPrivateJwk(sign)) {
    const publicJwk = signingPublicKey(sign);
    const alg = publicJwk.kty === 'EC' ? 'ES256' : 'Ed25519';
    return { id: { kid: thumbprint(publicJwk), alg }, publicJwk: null, sign: (st) => core.signStatement(sign, st) };
  }
  if (sign === null || typeof sign !== 'object') {
    throw new MinsealError('invalid_argument', 'option `sign` must be a private signing JWK, a WebCrypto key pair or a signer callback');
  }
  if (isCryptoKey(sign.privateKey)) {
    const key = sign.privateKey;
    if (key.type !== 'private' || !key.usages.includes('sign')) {
      throw new MinsealError('invalid_key', 'option `sign`: privateKey must be a private CryptoKey with the "sign" usage');
    }
    if (subtle === undefined) throw new MinsealError('unsupported_host', 'option `sign`: a CryptoKey needs WebCrypto (crypto.subtle)');
    const { alg, params } = webCryptoSigning(key);
    const pub = sign.publicKey;
    if (pub === undefined || pub === null) {
      throw new MinsealError('invalid_argument', 'option `sign`: publicKey (a CryptoKey or the public JWK) names the signer and is required');
    }
    // A public CryptoKey is always extractable. With one, WebCrypto also checks the signature
    // (P-256 there is ~20x faster than the wasm's p256; docs/JS-API.md).
    const publicJwk = isCryptoKey(pub) ? await subtle.exportKey('jwk', pub) : pub;
    const webCheck = isCryptoKey(pub) ? { subtle, key: pub, params } : null;
    return { id: { kid: thumbprint(publicJwk), alg }, publicJwk, webCheck,
      sign: async (st) => new Uint8Array(await subtle.sign(params, key, st)) };
  }
  if (typeof sign.sign === 'function') {
    const call = async (st) => {
      const sig = await sign.sign(st);
      if (!(sig instanceof Uint8Array)) throw new MinsealError('invalid_argument', 'option `sign`: sign() must resolve to a Uint8Array (64 bytes, raw)');
      return sig;
    };
    if (sign.publicJwk !== undefined) {
      const publicJwk = sign.publicJwk;
      const kid = thumbprint(publicJwk);
      const alg = typeof publicJwk === 'object' && publicJwk.kty === 'EC' ? 'ES256' : 'Ed25519';
      return { id: { kid, alg }, publicJwk, sign: call };
    }
    return { id: { kid: sign.kid, alg: sign.alg }, publicJwk: null, sign: call };
  }
  throw new MinsealError('invalid_argument', 'option `sign` must be a private signing JWK, { privateKey, publicKey } with WebCrypto keys, or { kid, alg, sign } / { publicJwk, sign }');
}

// Signs the job's statement (for `digest`, or the minimised payload's) and checks the signature
// against the signer's public key when known. Returns the signature.
async function signJob(job, signer, digest) {
  const st = job.statement(digest);
  const sig = await signer.sign(st);
  const web = signer.webCheck;
  if (web) {
    if (!(await web.subtle.verify(web.params, web.key, sig, st))) {
      throw new MinsealError('signature_invalid', 'the signature does not verify under the signer\'s public key');
    }
  } else if (signer.publicJwk !== null) {
    job.check(signer.publicJwk, sig);
  }
  return sig;
}

// Options without `sign` (resolved here, not passed to wasm); the same object when it has none.
function withoutSign(options) {
  if (options === null || typeof options !== 'object' || !('sign' in options)) return options;
  const { sign, ...rest } = options;
  return rest;
}

/**
 * `minimiseAndSeal`, signed by any signer: a WebCrypto key pair (non-extractable private key),
 * a callback, or a private JWK. Minimise and the envelope in wasm; the signature awaited.
 */
export async function minimiseAndSealAsync(payload, policy, recipients, options) {
  let job;
  try {
    const p = policyOf(policy);
    if (usesRegisters(options)) [recipients, options] = registerRecipients(recipients, options, p.audience);
    const signer = await resolveSigner(options?.sign, globalThis.crypto?.subtle);
    job = core.minimiseAndSealPrepare(payload, p, recipients, withoutSign(options), signer?.id);
    const sig = signer === null ? undefined : await signJob(job, signer, undefined);
    return job.finish(sig);
  } catch (e) {
    throw convert(e);
  } finally {
    job?.free();
  }
}

// ---- sealAsync: the STREAM chunks with WebCrypto's AES-GCM ------------------------------------
// wasm prepares everything but the chunk ciphertext (header, HPKE stanzas, content key; the same
// randomness draws as `seal`), WebCrypto encrypts the chunks of docs/FORMAT.md ("Payload: STREAM
// chunks"), and the envelope is the wasm-made prefix + the chunks (binary) or the JSON prefix +
// base64url(chunks) + suffix. The content key: a fresh Uint8Array from wasm, held only by the
// local `raw` below, imported as a non-extractable AES-GCM CryptoKey and zero-filled as soon as
// the import settles; the CryptoKey is local too and dropped when the call ends.
const utf8 = new TextEncoder();

function base64url(u8) {
  if (typeof u8.toBase64 === 'function') return u8.toBase64({ alphabet: 'base64url', omitPadding: true });
  const B = globalThis.Buffer;
  if (typeof B === 'function') return B.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('base64url');
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}


async function sealWithWebCrypto(subtle, bytes, parts, record) {
  const raw = parts.key;
  parts.key = undefined;
  let key;
  try {
    key = await subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt']);
  } finally {
    raw.fill(0);
  }
  const size = parts.chunkSize;
  const n = bytes.length === 0 ? 1 : Math.ceil(bytes.length / size);
  const jobs = new Array(n);
  for (let i = 0; i < n; i++) {
    const chunk = bytes.subarray(i * size, Math.min(bytes.length, (i + 1) * size));
    jobs[i] = subtle.encrypt({ name: 'AES-GCM', iv: chunkNonce(i, i === n - 1),
      additionalData: parts.headerBytes, tagLength: 128 }, key, chunk);
  }
  const chunks = (await Promise.all(jobs)).map((c) => new Uint8Array(c));
  // The signature record (signed envelopes) follows the last chunk, in both forms.
  if (record !== undefined) chunks.push(record);
  const total = chunks.reduce((s, c) => s + c.byteLength, 0);
  if (parts.format === 'binary') {
    const out = new Uint8Array(parts.prefix.length + total);
    out.set(parts.prefix, 0);
    let at = parts.prefix.length;
    for (const c of chunks) { out.set(c, at); at += c.byteLength; }
    return out;
  }
  const ct = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { ct.set(c, at); at += c.byteLength; }
  const text = parts.prefix + base64url(ct) + parts.suffix;
  return parts.format === 'string' ? text : JSON.parse(text);
}

/**
 * `seal` with the payload chunks encrypted by WebCrypto (`crypto.subtle`, hardware AES where
 * the platform has it), signed by any signer (`options.sign`: a WebCrypto key pair, a callback
 * or a private JWK). Unsigned, the same envelope, byte for byte, as `seal` with the same
 * randomness. Without `globalThis.crypto.subtle`, or if WebCrypto refuses AES-GCM, the chunks
 * are encrypted by `seal`'s wasm AES (with fresh randomness).
 */
export async function sealAsync(payload, recipients, options) {
  const subtle = globalThis.crypto?.subtle;
  let bytes, job, parts, record;
  try {
    if (typeof payload === 'string') bytes = utf8.encode(payload);
    else if (payload instanceof Uint8Array) bytes = payload;
    else throw new MinsealError('invalid_argument', 'payload must be a string or a Uint8Array');
    if (usesRegisters(options)) [recipients, options] = registerRecipients(recipients, options, sealAudience(options));
    // Without WebCrypto (an insecure context), `seal`'s wasm AES; a private JWK signs there too.
    if (subtle === undefined && (options?.sign === undefined || isPrivateJwk(options.sign))) {
      return seal(payload, recipients, options);
    }
    const signer = await resolveSigner(options?.sign, subtle);
    if (subtle === undefined) throw new MinsealError('unsupported_host', 'sealAsync: this signer needs WebCrypto (crypto.subtle)');
    const rest = withoutSign(options);
    job = namesPolicy(options)
      ? core.sealPrepareConforming(bytes, recipients, rest, policyOf(options.policy), signer?.id)
      : core.sealPrepare(bytes.length, recipients, rest, signer?.id);
    if (signer !== null) {
      const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
      record = job.record(await signJob(job, signer, digest));
    }
    parts = job.parts();
  } catch (e) {
    throw convert(e);
  } finally {
    job?.free();
  }
  try {
    return await sealWithWebCrypto(subtle, bytes, parts, record);
  } catch (e) {
    if (parts.key !== undefined) parts.key.fill(0);
    if (e instanceof MinsealError) throw e;
    // WebCrypto without AES-GCM: `seal`'s wasm AES (fresh randomness), if it can sign too.
    if (record === undefined || isPrivateJwk(options.sign)) return seal(payload, recipients, options);
    throw new MinsealError('unsupported_host', `sealAsync: WebCrypto refused AES-GCM (${e?.message ?? e})`);
  }
}
