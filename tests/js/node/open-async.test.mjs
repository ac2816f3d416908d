// openAsync (payload chunks by WebCrypto AES-GCM) gives exactly what `open` (pure wasm) gives:
// the same payload, header and signature for good envelopes, and the same error, code and
// message, for every tampered one: a bit flipped in every byte (magic, version, header, stanza,
// MAC, each chunk, the signature record), every truncation, chunks dropped, swapped, repeated,
// bytes appended, and the JSON forms altered. WebCrypto is checked to do the decrypting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as m from '../../../pkg/node.js';

const kp = m.generateKeyPair();
const other = m.generateKeyPair();
const signer = m.generateSigningKey('Ed25519');
const es = m.generateSigningKey('ES256');
const bytesOf = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
const textOf = (n) => Array.from({ length: n }, (_, i) => 'aé€'[i % 3]).join('');

async function outcome(f) {
  try {
    return { ok: await f() };
  } catch (e) {
    assert.ok(e instanceof m.MinsealError, `not a MinsealError: ${e?.constructor?.name}: ${e?.message}`);
    return { code: e.code, message: e.message, details: e.details };
  }
}

// Both openings of `env`; asserts they agree and returns the outcome.
async function same(env, key, options, label) {
  const sync = await outcome(() => m.open(env, key, options));
  const asy = await outcome(() => m.openAsync(env, key, options));
  assert.deepEqual(asy, sync, label);
  return sync;
}

let decrypts = 0;
function countDecrypts() {
  const subtle = globalThis.crypto.subtle;
  const orig = subtle.decrypt;
  subtle.decrypt = function decrypt(...a) { decrypts++; return orig.apply(this, a); };
  return () => { delete subtle.decrypt; };
}

test('crypto.subtle is there (else this test proves nothing)', () => {
  assert.equal(typeof globalThis.crypto?.subtle?.decrypt, 'function');
});

test('openAsync == open, and WebCrypto decrypts one call per chunk: forms, sizes, outputs', async () => {
  const restore = countDecrypts();
  try {
    for (const format of ['binary', 'string', 'json']) {
      for (const n of [0, 1, 63, 64, 65, 128, 129, 300]) {
        const env = m.seal(bytesOf(n), kp.publicJwk, { format, chunkSize: 64 });
        decrypts = 0;
        const r = await same(env, kp.privateJwk, { output: 'bytes' }, `${format} ${n}`);
        assert.deepEqual(r.ok.payload, bytesOf(n));
        assert.equal(decrypts, Math.max(1, Math.ceil(n / 64)), `${format} ${n}: WebCrypto chunk calls`);
        const t = m.seal(textOf(n), kp.publicJwk, { format, chunkSize: 64 });
        assert.equal((await same(t, kp.privateJwk, undefined, `${format} text ${n}`)).ok.payload, textOf(n));
      }
    }
  } finally {
    restore();
  }
  // The automatic chunk size of a larger payload, and a payload that starts with a BOM.
  const big = bytesOf(3 << 20);
  assert.deepEqual((await same(m.seal(big, kp.publicJwk, { format: 'binary' }), kp.privateJwk, { output: 'bytes' }, '3 MiB')).ok.payload, big);
  const bom = '\uFEFF{"a":1}';
  assert.equal((await same(m.seal(bom, kp.publicJwk), kp.privateJwk, undefined, 'BOM')).ok.payload, bom);
});

test('openAsync == open: signatures, trust, expiry, UTF-8, keys and options', async () => {
  const signed = m.seal('{"x":1}', [kp.publicJwk, other.publicJwk], { format: 'binary', sign: signer.privateJwk, chunkSize: 64 });
  const unsigned = m.seal('{"x":1}', kp.publicJwk, { format: 'binary', createdAt: 900, expiresAt: 1000 });
  // A record naming the signer, over a signature that does not verify.
  const forged = await m.sealAsync('{"x":1}', kp.publicJwk, { format: 'binary', sign: { kid: signer.kid, alg: 'Ed25519', sign: async () => new Uint8Array(64) } });
  const cases = [
    [signed, kp.privateJwk, { signers: [signer.publicJwk] }, 'verified'],
    [signed, other.privateJwk, undefined, 'unchecked'],
    [signed, kp.privateJwk, { signers: [es.publicJwk] }, 'unknown_signer'],
    [signed, kp.privateJwk, { signers: [{ ...es.publicJwk, kid: signer.publicJwk.kid }] }, 'a trusted key whose kid is not its thumbprint'],
    [forged, kp.privateJwk, { signers: [signer.publicJwk] }, 'signature_invalid'],
    [unsigned, kp.privateJwk, { signers: [signer.publicJwk], now: 999 }, 'signature_missing'],
    [unsigned, kp.privateJwk, { signers: [signer.publicJwk], allowUnsigned: true, now: 999 }, 'allowUnsigned'],
    [unsigned, kp.privateJwk, { now: 1000 }, 'expired'],
    [m.seal(Uint8Array.of(0xff, 0xfe), kp.publicJwk), kp.privateJwk, undefined, 'invalid_utf8'],
    [signed, m.generateKeyPair().privateJwk, undefined, 'no_matching_recipient'],
    [signed, '{"kty":"OKP"}', undefined, 'bad key'],
    [signed, kp.privateJwk, { output: 'text' }, 'bad output option'],
    [signed, kp.privateJwk, { maxChunk: 1 }, 'unknown option'],
    [signed, kp.privateJwk, { maxEnvelopeBytes: 100 }, 'size limit'],
    [m.seal(bytesOf(300), kp.publicJwk, { chunkSize: 64 }), kp.privateJwk, { maxChunks: 4, output: 'bytes' }, 'chunk limit'],
    [42, kp.privateJwk, undefined, 'not an envelope'],
    [new Uint8Array(0), kp.privateJwk, undefined, 'empty'],
  ];
  const codes = [];
  for (const [env, key, opts, label] of cases) {
    const r = await same(env, key, opts, label);
    codes.push(r.code ?? r.ok.signature.status);
  }
  assert.deepEqual(codes, ['verified', 'unchecked', 'unknown_signer', 'invalid_key', 'signature_invalid', 'signature_missing', 'unsigned',
    'expired', 'invalid_utf8', 'no_matching_recipient', 'invalid_key', 'invalid_argument', 'invalid_argument',
    'too_large', 'limit_exceeded', 'invalid_argument', 'truncated']);
});

test('openAsync == open on every tampered binary envelope: each byte, truncation, chunk surgery', async () => {
  // Signed, four chunks of 64 bytes and a short last one: header, stanzas (two), MAC, chunks and
  // the signature record all present.
  const payload = bytesOf(200);
  const env = m.seal(payload, [kp.publicJwk, other.publicJwk], { format: 'binary', chunkSize: 64, sign: signer.privateJwk });
  const opts = { signers: [signer.publicJwk], output: 'bytes' };
  const ok = await same(env, kp.privateJwk, opts, 'untouched');
  assert.deepEqual(ok.ok.payload, payload);
  const codes = new Set();
  for (let i = 0; i < env.length; i++) {
    for (const bit of [0x01, 0x80]) {
      const b = env.slice(); b[i] ^= bit;
      const r = await same(b, kp.privateJwk, opts, `byte ${i} ^ ${bit}`);
      assert.ok(r.code, `byte ${i} ^ ${bit} opened`);
      codes.add(r.code);
    }
  }
  for (let n = 0; n < env.length; n++) {
    const r = await same(env.subarray(0, n), kp.privateJwk, opts, `first ${n} bytes`);
    assert.ok(r.code, `first ${n} bytes opened`);
    codes.add(r.code);
  }
  // Chunk surgery on an unsigned envelope (the region runs to the end): drop the final chunk
  // (a non-final chunk now ends the envelope), swap two, repeat one, append bytes.
  const u = m.seal(payload, kp.publicJwk, { format: 'binary', chunkSize: 64 });
  const c = 64 + 16, start = u.length - (3 * c + (200 - 192) + 16);
  const chunk = (i) => u.subarray(start + i * c, Math.min(u.length, start + (i + 1) * c));
  const join = (...parts) => { const o = new Uint8Array(parts.reduce((s, p) => s + p.length, 0)); let at = 0; for (const p of parts) { o.set(p, at); at += p.length; } return o; };
  const pre = u.subarray(0, start);
  assert.deepEqual((await same(join(pre, chunk(0), chunk(1), chunk(2), chunk(3)), kp.privateJwk, { output: 'bytes' }, 'reassembled')).ok.payload, payload);
  const surgery = {
    'final chunk dropped': join(pre, chunk(0), chunk(1), chunk(2)),
    'chunks swapped': join(pre, chunk(1), chunk(0), chunk(2), chunk(3)),
    'chunk repeated': join(pre, chunk(0), chunk(0), chunk(1), chunk(2), chunk(3)),
    'final chunk repeated': join(pre, chunk(0), chunk(1), chunk(2), chunk(3), chunk(3)),
    'one byte appended': join(u, Uint8Array.of(0)),
    'a tag\'s worth appended': join(u, new Uint8Array(16)),
    'only the preamble': pre,
    'tag-only final chunk after full ones': join(pre, chunk(0), chunk(1), chunk(2), chunk(3).subarray(8)),
  };
  for (const [label, b] of Object.entries(surgery)) {
    const r = await same(b, kp.privateJwk, { output: 'bytes' }, label);
    assert.ok(r.code, `${label} opened`);
    codes.add(r.code);
  }
  for (const want of ['malformed_envelope', 'unsupported_version', 'decryption_failed', 'truncated']) assert.ok(codes.has(want), `no ${want} among ${[...codes]}`);
});

test('openAsync == open on altered JSON envelopes', async () => {
  const env = m.seal(bytesOf(200), kp.publicJwk, { chunkSize: 64, sign: signer.privateJwk });
  const text = JSON.stringify(env);
  const opts = { signers: [signer.publicJwk], output: 'bytes' };
  const p = env.payload;
  const variants = {
    'payload cut by 4 characters': { ...env, payload: p.slice(0, -4) },
    'payload cut by a chunk': { ...env, payload: p.slice(0, -107) },
    'payload character changed': { ...env, payload: (p[10] === 'A' ? 'B' : 'A') + p.slice(1) },
    'payload extended': { ...env, payload: p + 'AAAA' },
    'MAC changed': { ...env, mac: (env.mac[0] === 'A' ? 'B' : 'A') + env.mac.slice(1) },
    'header changed': { ...env, header: { ...env.header, content_type: 'text/plain' } },
  };
  for (const [label, v] of Object.entries(variants)) {
    const r = await same(v, kp.privateJwk, opts, label);
    assert.ok(r.code, `${label} opened`);
  }
  for (let i = 0; i < text.length; i += 7) {
    const t = text.slice(0, i) + (text[i] === 'x' ? 'y' : 'x') + text.slice(i + 1);
    await same(t, kp.privateJwk, opts, `string form, character ${i}`);
  }
});

test('openAsync without WebCrypto, or with one that refuses AES-GCM, is open', async () => {
  const env = m.seal('{"a":1}', kp.publicJwk, { format: 'binary' });
  const bad = env.slice(); bad[bad.length - 1] ^= 1;
  const desc = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  const realSubtle = globalThis.crypto.subtle;
  try {
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    assert.equal((await same(env, kp.privateJwk, undefined, 'no crypto')).ok.payload, '{"a":1}');
    assert.equal((await same(bad, kp.privateJwk, undefined, 'no crypto, tampered')).code, 'decryption_failed');
    const refusing = { digest: (a, d) => realSubtle.digest(a, d), importKey: async () => { throw new Error('AES-GCM is not supported'); } };
    Object.defineProperty(globalThis, 'crypto', { value: { subtle: refusing }, configurable: true });
    assert.equal((await same(env, kp.privateJwk, undefined, 'refusing')).ok.payload, '{"a":1}');
    assert.equal((await same(bad, kp.privateJwk, undefined, 'refusing, tampered')).code, 'decryption_failed');
  } finally {
    Object.defineProperty(globalThis, 'crypto', desc);
  }
  assert.equal(globalThis.crypto.subtle, realSubtle);
});

// wasm copies in only the preamble and the signature record of a binary envelope: opening a
// 32 MiB one in a fresh process (fresh wasm memory) leaves the module's memory far below the
// envelope's size. Were the envelope copied in (and parsed into a second buffer), the memory
// would have grown past 64 MiB.
test('openAsync leaves a binary envelope\'s chunks in the caller\'s bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minseal-open-async-'));
  try {
    const n = 32 << 20;
    const signing = m.generateSigningKey('Ed25519');
    writeFileSync(join(dir, 'env.bin'), m.seal(bytesOf(n), kp.publicJwk, { format: 'binary', sign: signing.privateJwk }));
    writeFileSync(join(dir, 'keys.json'), JSON.stringify({ key: kp.privateJwk, signer: signing.publicJwk }));
    const script = `
      import { readFileSync } from 'node:fs';
      import core from ${JSON.stringify(new URL('../../../pkg/minseal.js', import.meta.url).href)};
      import * as m from ${JSON.stringify(new URL('../../../pkg/node.js', import.meta.url).href)};
      const env = readFileSync(${JSON.stringify(join(dir, 'env.bin'))});
      const { key, signer } = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'keys.json'))}, 'utf8'));
      const r = await m.openAsync(env, key, { output: 'bytes', signers: [signer] });
      process.stdout.write(JSON.stringify({ len: r.payload.length, status: r.signature.status, memory: core.wasmMemory().buffer.byteLength }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
    assert.equal(out.len, n);
    assert.equal(out.status, 'verified');
    assert.ok(out.memory < 8 << 20, `wasm memory grew to ${out.memory} bytes opening a ${n}-byte envelope`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
