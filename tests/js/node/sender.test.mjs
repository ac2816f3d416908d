// The sender entry (pkg/sender-node.js, its own wasm module without the opening code): it has
// the full entry's sending surface and nothing only a receiver calls, it minimises, seals and
// signs (sync with a private JWK, async with a WebCrypto key), and the full entry opens what it
// sealed and verifies the signature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as sender from '../../../pkg/sender-node.js';
import * as full from '../../../pkg/node.js';

const root = new URL('../../../', import.meta.url);
const order = readFileSync(new URL('tests/fixtures/2ap-art7-order/input.json', root), 'utf8');
const RECEIVER_ONLY = ['MemoryReplayStore', 'exportProof', 'open', 'openAndVerify', 'openAsync', 'signAck', 'signRegister', 'verifyProof'];

test('the sender entry exports the full entry\'s names except the receiver\'s', () => {
  const s = Object.keys(sender).sort();
  const f = Object.keys(full).sort();
  for (const name of RECEIVER_ONLY) {
    assert.ok(f.includes(name), `full entry has ${name}`);
    assert.ok(!s.includes(name), `sender entry must not export ${name}`);
  }
  assert.deepEqual(s, f.filter((n) => !RECEIVER_ONLY.includes(n)));
  assert.equal(sender.version(), full.version());
  assert.deepEqual(sender.profiles(), full.profiles());
});

test('the sender entry loads its own wasm module, which has no opening exports', async () => {
  const wasm = readFileSync(new URL('pkg/minseal_sender_bg.wasm', root));
  const names = WebAssembly.Module.exports(new WebAssembly.Module(wasm)).map((e) => e.name);
  for (const name of ['open', 'openAndVerify', 'openAndVerifyWith', 'openPrepare', 'exportProof', 'verifyProof', 'openWithRegister', 'signAck', 'signRegister']) {
    assert.ok(!names.includes(name), `sender wasm exports ${name}`);
  }
  for (const name of ['minimiseAndSeal', 'seal', 'sealPrepare', 'signStatement', 'generateSigningKey']) {
    assert.ok(names.includes(name), `sender wasm lacks ${name}`);
  }
  const fullNames = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(new URL('pkg/minseal_core_bg.wasm', root))))
    .map((e) => e.name);
  assert.ok(fullNames.includes('open'));
  assert.ok(wasm.length < readFileSync(new URL('pkg/minseal_core_bg.wasm', root)).length);
});

test('sync: the sender minimises, seals and signs (ES256, Ed25519); the full entry opens and verifies', () => {
  const authority = full.generateKeyPair();
  const expected = full.minimise(order, '2ap/art7-order').payload;
  for (const alg of ['ES256', 'Ed25519']) {
    const k = sender.generateSigningKey(alg);
    assert.deepEqual(full.signingPublicKey(k.privateJwk), k.publicJwk);
    for (const format of ['json', 'string', 'binary']) {
      const r = sender.minimiseAndSeal(order, '2ap/art7-order', authority.publicJwk, { format, sign: k.privateJwk });
      assert.equal(r.payload, expected);
      const o = full.openAndVerify(r.envelope, authority.privateJwk, { signers: [k.publicJwk] });
      assert.equal(o.payload, expected);
      assert.deepEqual(o.signature, { status: 'verified', kid: k.kid, alg, key: k.publicJwk });
      assert.equal(o.verification.conforms, true);
    }
  }
  // Another key's signature is refused by the receiver.
  const k = sender.generateSigningKey('Ed25519');
  const r = sender.minimiseAndSeal(order, '2ap/art7-order', authority.publicJwk, { sign: k.privateJwk });
  assert.throws(() => full.openAndVerify(r.envelope, authority.privateJwk, { signers: [sender.generateSigningKey('Ed25519').publicJwk] }),
    (e) => e instanceof full.MinsealError && e.code === 'unknown_signer');
});

test('sync: seal naming a policy checks the payload first, as in the full entry', () => {
  const kp = sender.generateKeyPair();
  assert.throws(() => sender.seal('{"password":"x"}', kp.publicJwk, { policy: '2ap/art7-order' }),
    (e) => e instanceof sender.MinsealError && e.code === 'does_not_conform');
  const minimised = sender.minimise(order, '2ap/art7-order').payload;
  assert.equal(sender.verify(minimised, '2ap/art7-order').conforms, true);
  const env = sender.seal(minimised, kp.publicJwk, { policy: '2ap/art7-order', format: 'binary' });
  const o = full.open(env, kp.privateJwk, { allowUnsigned: true });
  assert.equal(o.payload, minimised);
  assert.equal(o.header.policy.id, '2ap/art7-order');
});

test('async: sealAsync and minimiseAndSealAsync signed by a WebCrypto key; the full entry opens them', async () => {
  const { subtle } = globalThis.crypto;
  const authority = full.generateKeyPair();
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const publicJwk = await subtle.exportKey('jwk', pair.publicKey);
  const kid = full.thumbprint(publicJwk);
  const env = await sender.sealAsync('{"a":1}', authority.publicJwk, { sign: pair, format: 'binary' });
  const o = full.open(env, authority.privateJwk, { signers: [publicJwk] });
  assert.equal(o.payload, '{"a":1}');
  assert.equal(o.signature.status, 'verified');
  assert.equal(o.signature.kid, kid);
  const r = await sender.minimiseAndSealAsync(order, '2ap/art7-order', authority.publicJwk, { sign: pair });
  const v = full.openAndVerify(r.envelope, authority.privateJwk, { signers: [publicJwk] });
  assert.equal(v.payload, r.payload);
  assert.equal(v.signature.alg, 'ES256');
});

test('the sender entry\'s errors are MinsealErrors with the same codes', () => {
  const kp = sender.generateKeyPair();
  for (const [f, code] of [
    [() => sender.minimise('{"a":', '2ap/art7-order'), 'invalid_json'],
    [() => sender.seal('x', 'not a key'), 'invalid_key'],
    [() => sender.minimiseAndSeal('{}', 'no/such-policy', kp.publicJwk), 'unknown_policy'],
  ]) {
    assert.throws(f, (e) => e instanceof sender.MinsealError && e.code === code);
    assert.throws(f, (e) => e.code === code);
  }
});
