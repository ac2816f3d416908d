// The receiver's functions, in the full entry only (minseal.js; the sender entry's wasm module
// is built without them: Cargo feature `wasm-receiver`).
import * as core from './minseal_core.js';
import { MinsealError, chunkNonce, convert, guard, guardClass, namesPolicy, policyOf } from './common.js';

import { Registers } from './api.js';

/** The message ids a receiver has accepted, kept in memory across `openAndVerify` calls. */
export const MemoryReplayStore = guardClass(core.MemoryReplayStore);

const usesRegisters = (options) => options !== null && typeof options === 'object' && options.registers !== undefined;

function openRegistered(envelope, privateKey, options) {
  const { registers, replay, accept } = options;
  if (!(registers instanceof Registers)) {
    throw new MinsealError('invalid_argument', 'option `registers` must be a Registers (Registers.load)');
  }
  if (!(replay instanceof MemoryReplayStore)) {
    throw new MinsealError('invalid_argument', 'opening with a register needs option `replay` (a MemoryReplayStore kept across calls)');
  }
  const policies = Array.isArray(accept) ? accept : accept === undefined ? [] : [accept];
  if (policies.length === 0) {
    throw new MinsealError('invalid_argument', 'opening with a register needs option `accept`: the policies this receiver accepts');
  }
  const list = new core.AcceptList();
  try {
    for (const p of policies) list.push(policyOf(p));
    return core.openWithRegister(envelope, privateKey, registers, replay, list, options);
  } finally {
    list.free();
  }
}

export const open = guard(core.open);
export const openAndVerify = guard((envelope, privateKey, options) =>
  usesRegisters(options) ? openRegistered(envelope, privateKey, options) : namesPolicy(options)
    ? core.openAndVerifyWith(envelope, privateKey, policyOf(options.policy), options)
    : core.openAndVerify(envelope, privateKey, options));
export const signAck = guard(core.signAck);
export const signRegister = guard(core.signRegister);
export const exportProof = guard(core.exportProof);
export const verifyProof = guard(core.verifyProof);

// ---- openAsync: the STREAM chunks decrypted by WebCrypto's AES-GCM ----------------------------
// wasm opens everything up to the chunks (`openPrepare`: envelope parse, limits, the stanza, the
// header MAC, expiry, the signature requirement; `open`'s options and order), WebCrypto decrypts
// the chunks of docs/FORMAT.md under the payload key, and wasm checks the signature record
// against the plaintext's SHA-256 (`finish`). No plaintext leaves before that check passed. A
// binary envelope's chunk region stays in the caller's bytes: wasm copies in only what precedes
// it and the signature record, and WebCrypto reads the chunks from a view of the caller's array.
// When WebCrypto refuses a chunk (altered, cut short, reordered) or the framing is off,
// `openHere` runs `open`'s own chunk loop over the region, so the error is `open`'s, code and
// message. The payload key: a fresh Uint8Array from wasm, imported as a non-extractable AES-GCM
// CryptoKey and zero-filled as soon as the import settles.
const TAG = 16;
// `ignoreBOM`: a leading U+FEFF stays in the string, as `open`'s UTF-8 conversion keeps it.
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// The plaintext, or null when a chunk did not open (the caller then asks wasm for the error).
async function openWithWebCrypto(subtle, job, region) {
  const size = job.chunkSize() + TAG;
  const n = Math.ceil(region.length / size);
  const lastLen = region.length - (n - 1) * size;
  // No chunk; a final chunk shorter than its tag; an empty final chunk after a full one.
  if (n === 0 || lastLen < TAG || (lastLen === TAG && n > 1)) return null;
  const raw = job.key();
  let key;
  try {
    key = await subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['decrypt']);
  } finally {
    raw.fill(0);
  }
  const aad = job.headerBytes();
  const jobs = new Array(n);
  for (let i = 0; i < n; i++) {
    jobs[i] = subtle.decrypt({ name: 'AES-GCM', iv: chunkNonce(i, i === n - 1), additionalData: aad, tagLength: 128 },
      key, region.subarray(i * size, Math.min(region.length, (i + 1) * size)));
  }
  const settled = await Promise.allSettled(jobs);
  const chunks = settled.map((s) => (s.status === 'fulfilled' ? new Uint8Array(s.value) : null));
  if (chunks.includes(null)) {
    for (const c of chunks) c?.fill(0);
    return null;
  }
  if (n === 1) return chunks[0];
  const out = new Uint8Array(region.length - n * TAG);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; c.fill(0); }
  return out;
}

/**
 * `open` with the payload chunks decrypted by WebCrypto (`crypto.subtle`): the same result and
 * the same errors as `open`. Without `globalThis.crypto.subtle`, `open` itself.
 */
export async function openAsync(envelope, privateKey, options) {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) return open(envelope, privateKey, options);
  let job, payload;
  try {
    job = core.openPrepare(envelope, privateKey, options);
    const r = job.region();
    const region = Array.isArray(r) ? envelope.subarray(r[0], r[1]) : r;
    try {
      payload = await openWithWebCrypto(subtle, job, region);
    } catch {
      payload = null; // WebCrypto without AES-GCM: wasm's AES below
    }
    payload ??= job.openHere(region);
    const digest = job.signed() ? new Uint8Array(await subtle.digest('SHA-256', payload)) : undefined;
    const { header, signature } = job.finish(digest);
    if (job.asBytes()) return { payload, header, signature };
    let text;
    try {
      text = utf8Strict.decode(payload);
    } catch {
      throw new MinsealError('invalid_utf8', "the payload is not UTF-8 text: open it with { output: 'bytes' }");
    }
    payload.fill(0);
    return { payload: text, header, signature };
  } catch (e) {
    payload?.fill(0);
    throw convert(e);
  } finally {
    job?.free();
  }
}
