// sealAsync (payload chunks by WebCrypto AES-GCM) gives exactly the envelope `seal` (pure wasm)
// gives with the same randomness: the test package's seeded RNG (target/pkg-testing), every
// envelope form, chunk-boundary sizes, a named policy, two recipients. Then it opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as m from '../../../target/pkg-testing/node.js';
// The glue's exports are the shared module's default export (not public API).
import core from '../../../target/pkg-testing/minseal.js';

const { __testing_seed } = core;

const seed = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
const a = m.generateKeyPair();
const b = m.generateKeyPair();
const bytesOf = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);

async function same(payload, recipients, options) {
  __testing_seed(seed);
  const sync = m.seal(payload, recipients, options);
  __testing_seed(seed);
  const asy = await m.sealAsync(payload, recipients, options);
  __testing_seed(undefined);
  assert.deepEqual(asy, sync);
  return asy;
}

test('crypto.subtle is there (else this test proves nothing)', () => {
  assert.equal(typeof globalThis.crypto?.subtle?.encrypt, 'function');
});

for (const format of ['binary', 'string', 'json']) {
  test(`sealAsync == seal byte for byte, ${format} form, chunk boundaries`, async () => {
    for (const n of [0, 1, 63, 64, 65, 127, 128, 129, 300]) {
      const env = await same(bytesOf(n), a.publicJwk, { format, chunkSize: 64, createdAt: 1700000000 });
      assert.deepEqual(m.open(env, a.privateJwk, { output: 'bytes' }).payload, bytesOf(n));
    }
  });
}

test('sealAsync == seal: default chunk size, 300 KB, string payload, named policy, two recipients, metadata', async () => {
  const text = 'é'.repeat(150_000);
  const opts = { format: 'string', metadata: { case: 'X-1' }, contentType: 'text/plain', createdAt: 1 };
  const env = await same(text, [a.publicJwk, b.publicJwk], opts);
  assert.equal(m.open(env, b.privateJwk).payload, text);
  const order = readFileSync(new URL('../../fixtures/2ap-art7-order/expected.json', import.meta.url), 'utf8').trim();
  const named = await same(order, [a.publicJwk, b.publicJwk], { ...opts, policy: '2ap/art7-order' });
  assert.equal(m.open(named, a.privateJwk).header.policy.id, '2ap/art7-order');
  // createdAt pinned: without it the two calls can straddle a second and differ in the header.
  await same(bytesOf(300_000), a.publicJwk, { format: 'binary', createdAt: 1700000000 });
});

test('sealAsync == seal: automatic chunk size for a 3 MiB payload (256 KiB chunks)', async () => {
  const payload = bytesOf(3 << 20);
  const env = await same(payload, a.publicJwk, { format: 'json', createdAt: 1700000000 });
  assert.equal(env.header.chunk_size, 256 << 10);
  assert.deepEqual(m.open(env, a.privateJwk, { output: 'bytes' }).payload, payload);
  const small = m.seal(bytesOf(1 << 20), a.publicJwk, { format: 'json' });
  assert.equal(small.header.chunk_size, 64 << 10);
});

// ES256 (RFC 6979) and Ed25519 signatures from a private JWK are deterministic, so a signed
// sealAsync (statement digest by WebCrypto, record appended in JS) must equal the signed seal.
test('sealAsync == seal when signed with a private JWK, every form and algorithm', async () => {
  for (const alg of ['ES256', 'Ed25519']) {
    const k = m.generateSigningKey(alg);
    for (const format of ['binary', 'string', 'json']) {
      for (const n of [0, 64, 300]) {
        const env = await same(bytesOf(n), a.publicJwk, { format, chunkSize: 64, createdAt: 1700000000, sign: k.privateJwk });
        const o = m.open(env, a.privateJwk, { output: 'bytes', signers: [k.publicJwk] });
        assert.equal(o.signature.status, 'verified');
        assert.deepEqual(o.payload, bytesOf(n));
      }
    }
  }
});

test('sealAsync errors are MinsealErrors with the codes seal uses', async () => {
  await assert.rejects(m.sealAsync(42, a.publicJwk), (e) => e instanceof m.MinsealError && e.code === 'invalid_argument');
  await assert.rejects(m.sealAsync('x', 'not a key'), (e) => e instanceof m.MinsealError && e.code === 'invalid_key');
  await assert.rejects(m.sealAsync('x', a.publicJwk, { formt: 'binary' }), (e) => e instanceof m.MinsealError && e.code === 'invalid_argument');
  await assert.rejects(m.sealAsync('x', a.publicJwk, { policy: 'nope' }), (e) => e instanceof m.MinsealError && e.code === 'unknown_policy');
});
