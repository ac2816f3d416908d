// Sender signatures through the npm package: signing keys, the `sign` option (a private JWK in
// the sync functions; a WebCrypto key or a callback in the async ones), what opening says about
// the signature, each refusal with its code, proofs and expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as m from '../../../pkg/node.js';

const { subtle } = globalThis.crypto;
const root = new URL('../../../', import.meta.url);
const order = readFileSync(new URL('tests/fixtures/2ap-art7-order/input.json', root), 'utf8');
const expected = m.minimise(order, '2ap/art7-order').payload;
const authority = m.generateKeyPair();
const ALGS = ['ES256', 'Ed25519'];
const keys = Object.fromEntries(ALGS.map((a) => [a, m.generateSigningKey(a)]));
const code = (c) => (e) => e instanceof m.MinsealError && e.code === c;
const toBytes = (env) => (env instanceof Uint8Array ? env : new TextEncoder().encode(typeof env === 'string' ? env : JSON.stringify(env)));
// The binary form's last 113 bytes are the signature record (docs/FORMAT.md).
const RECORD_LEN = 113;

test('generateSigningKey: JWKs whose kid is the RFC 7638 thumbprint', () => {
  for (const alg of ALGS) {
    const k = keys[alg];
    assert.equal(typeof k.privateJwk.d, 'string');
    assert.equal(k.publicJwk.d, undefined);
    assert.equal(k.publicJwk.kty, alg === 'ES256' ? 'EC' : 'OKP');
    assert.equal(k.publicJwk.crv, alg === 'ES256' ? 'P-256' : 'Ed25519');
    assert.equal(k.kid, k.publicJwk.kid);
    assert.equal(m.thumbprint(k.publicJwk), k.kid);
    assert.deepEqual(m.signingPublicKey(k.privateJwk), k.publicJwk);
    assert.deepEqual(m.signingPublicKey(JSON.stringify(k.privateJwk)), k.publicJwk);
  }
  assert.notEqual(m.generateSigningKey('ES256').kid, keys.ES256.kid);
  assert.throws(() => m.generateSigningKey('RS256'), code('invalid_argument'));
  assert.throws(() => m.generateSigningKey(), code('invalid_argument'));
  assert.throws(() => m.signingPublicKey(keys.ES256.publicJwk), code('invalid_key'));
});

test('signed with a private JWK, every form: openAndVerify says who signed, with which key', () => {
  for (const alg of ALGS) {
    const k = keys[alg];
    for (const format of ['json', 'string', 'binary']) {
      const r = m.minimiseAndSeal(order, '2ap/art7-order', authority.publicJwk, { format, sign: k.privateJwk });
      assert.equal(r.payload, expected);
      const o = m.openAndVerify(r.envelope, authority.privateJwk, { signers: [k.publicJwk] });
      assert.equal(o.payload, expected);
      assert.deepEqual(o.signature, { status: 'verified', kid: k.kid, alg, key: k.publicJwk });
      assert.equal(o.verification.conforms, true);
      assert.equal(o.header.signed, true);
      // Among other trusted keys, as a JWK Set, as text.
      const set = { keys: [keys[alg === 'ES256' ? 'Ed25519' : 'ES256'].publicJwk, k.publicJwk] };
      assert.equal(m.open(r.envelope, authority.privateJwk, { signers: set }).signature.status, 'verified');
      assert.equal(m.open(r.envelope, authority.privateJwk, { signers: JSON.stringify(set) }).signature.kid, k.kid);
      // No signers: the payload, and who claims to have signed, unchecked.
      assert.deepEqual(m.open(r.envelope, authority.privateJwk).signature, { status: 'unchecked', kid: k.kid, alg });
    }
    const s = m.seal('{"as":"is"}', authority.publicJwk, { sign: JSON.stringify(k.privateJwk) });
    assert.equal(m.open(s, authority.privateJwk, { signers: k.publicJwk }).signature.status, 'verified');
  }
});

test('refusals: unknown signer, unsigned with signers, a public key to sign with', () => {
  const k = keys.ES256;
  const signed = m.minimiseAndSeal(order, '2ap/art7-order', authority.publicJwk, { sign: k.privateJwk }).envelope;
  const stranger = m.generateSigningKey('ES256');
  assert.throws(() => m.openAndVerify(signed, authority.privateJwk, { signers: [stranger.publicJwk] }), code('unknown_signer'));
  // The same kid cannot be claimed by a key of another algorithm: the kid is the key's thumbprint.
  assert.throws(() => m.open(signed, authority.privateJwk, { signers: keys.Ed25519.publicJwk }), code('unknown_signer'));
  const unsigned = m.minimiseAndSeal(order, '2ap/art7-order', authority.publicJwk).envelope;
  assert.equal(unsigned.header.signed, false);
  assert.throws(() => m.openAndVerify(unsigned, authority.privateJwk, { signers: [k.publicJwk] }), code('signature_missing'));
  assert.deepEqual(m.openAndVerify(unsigned, authority.privateJwk, { signers: [k.publicJwk], allowUnsigned: true }).signature,
    { status: 'unsigned' });
  assert.deepEqual(m.open(unsigned, authority.privateJwk).signature, { status: 'unsigned' });
  // Signers must be public keys; the signing key must be private; option types are checked.
  assert.throws(() => m.open(signed, authority.privateJwk, { signers: [k.privateJwk] }), code('invalid_key'));
  assert.throws(() => m.seal('{}', authority.publicJwk, { sign: k.publicJwk }), code('invalid_key'));
  assert.throws(() => m.seal('{}', authority.publicJwk, { sign: authority.privateJwk }), code('invalid_key'));
  assert.throws(() => m.open(signed, authority.privateJwk, { signers: 5 }), code('invalid_argument'));
  assert.throws(() => m.open(signed, authority.privateJwk, { allowUnsigned: 'yes' }), code('invalid_argument'));
  // A WebCrypto key or a callback only in the async functions.
  assert.throws(() => m.minimiseAndSeal(order, '2ap/art7-order', authority.publicJwk,
    { sign: { kid: k.kid, alg: 'ES256', sign: () => new Uint8Array(64) } }), (e) => code('invalid_argument')(e) && /sealAsync/.test(e.message));
});

test('a stripped, swapped or altered signature record fails closed', () => {
  const k = keys.Ed25519;
  const a = m.minimiseAndSeal(order, '2ap/art7-order', authority.publicJwk, { format: 'binary', sign: k.privateJwk }).envelope;
  const b = m.minimiseAndSeal(order, '2ap/art7-order', authority.publicJwk, { format: 'binary', sign: k.privateJwk }).envelope;
  const open = (env) => m.open(env, authority.privateJwk, { signers: [k.publicJwk] });
  assert.equal(open(a).signature.status, 'verified');
  const refused = (env, what) => assert.throws(() => open(env), (e) => e instanceof m.MinsealError
    && ['decryption_failed', 'truncated', 'signature_invalid'].includes(e.code), what);
  refused(a.subarray(0, a.length - RECORD_LEN), 'stripped');
  const swapped = Uint8Array.from(a);
  swapped.set(b.subarray(b.length - RECORD_LEN), a.length - RECORD_LEN);
  refused(swapped, 'swapped in from another envelope');
  for (const at of [1, 40, 100]) {
    const altered = Uint8Array.from(a);
    altered[a.length - RECORD_LEN + at] ^= 1;
    assert.throws(() => open(altered), code('decryption_failed'), `altered record byte ${at}`);
  }
  // Without signers the record is still decrypted and authenticated.
  const altered = Uint8Array.from(a);
  altered[a.length - 1] ^= 0x80;
  assert.throws(() => m.open(altered, authority.privateJwk), code('decryption_failed'));
});

test('the header policy is a check, not a claim: seal and sealAsync refuse a payload that does not conform', async () => {
  const bad = JSON.stringify({ ...JSON.parse(order), password: 'hunter2' });
  assert.throws(() => m.seal(bad, authority.publicJwk, { policy: '2ap/art7-order' }), code('does_not_conform'));
  await assert.rejects(m.sealAsync(bad, authority.publicJwk, { policy: '2ap/art7-order' }), code('does_not_conform'));
  const named = m.seal(expected, authority.publicJwk, { policy: '2ap/art7-order', sign: keys.ES256.privateJwk });
  const o = m.openAndVerify(named, authority.privateJwk, { signers: [keys.ES256.publicJwk] });
  assert.equal(o.verification.conforms, true);
  assert.equal(o.signature.status, 'verified');
});

test('minimiseAndSealAsync and sealAsync sign with non-extractable WebCrypto keys', async () => {
  const pairs = {
    ES256: await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']),
    Ed25519: await subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']),
  };
  for (const [alg, pair] of Object.entries(pairs)) {
    assert.equal(pair.privateKey.extractable, false);
    const publicJwk = await subtle.exportKey('jwk', pair.publicKey);
    const kid = m.thumbprint(publicJwk);
    for (const format of ['json', 'string', 'binary']) {
      const r = await m.minimiseAndSealAsync(order, '2ap/art7-order', authority.publicJwk, { format, sign: pair });
      assert.equal(r.payload, expected);
      const o = m.openAndVerify(r.envelope, authority.privateJwk, { signers: [publicJwk] });
      assert.equal(o.signature.status, 'verified');
      assert.equal(o.signature.kid, kid);
      assert.equal(o.signature.alg, alg);
      assert.equal(o.verification.conforms, true);
      const s = await m.sealAsync(expected, authority.publicJwk, { format, sign: { privateKey: pair.privateKey, publicKey: publicJwk } });
      assert.equal(m.open(s, authority.privateJwk, { signers: [publicJwk] }).signature.kid, kid);
    }
    // A large payload: several WebCrypto chunks, then the signature record.
    const big = new Uint8Array(3 << 20).fill(7);
    const s = await m.sealAsync(big, authority.publicJwk, { format: 'binary', sign: pair });
    const o = m.open(s, authority.privateJwk, { output: 'bytes', signers: [publicJwk] });
    assert.equal(o.signature.status, 'verified');
    assert.deepEqual(o.payload, big);
  }
  // Keys that cannot sign envelopes.
  const rsa = await subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, false, ['sign', 'verify']);
  await assert.rejects(m.minimiseAndSealAsync(order, '2ap/art7-order', authority.publicJwk, { sign: rsa }), code('invalid_key'));
  const p384 = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign', 'verify']);
  await assert.rejects(m.sealAsync('x', authority.publicJwk, { sign: p384 }), code('invalid_key'));
  // A private key without its public key names no signer.
  await assert.rejects(m.sealAsync('x', authority.publicJwk, { sign: { privateKey: pairs.ES256.privateKey } }), code('invalid_argument'));
  // A key pair that does not belong together is caught before anything is sent.
  const mixed = { privateKey: pairs.ES256.privateKey, publicKey: (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])).publicKey };
  await assert.rejects(m.sealAsync('x', authority.publicJwk, { sign: mixed }), code('signature_invalid'));
});

test('callback signers (remote service, smart card): kid and alg, or the public JWK', async () => {
  const k = keys.ES256;
  // A stand-in for a remote signer holding k: WebCrypto with k's private JWK.
  const remote = await subtle.importKey('jwk', { ...k.privateJwk, kid: undefined }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  let calls = 0;
  const sign = async (statement) => {
    calls++;
    assert.ok(statement instanceof Uint8Array);
    assert.equal(new TextDecoder().decode(statement.subarray(0, 27)), 'minseal/v2 sender-signature');
    return new Uint8Array(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, remote, statement));
  };
  const r1 = await m.minimiseAndSealAsync(order, '2ap/art7-order', authority.publicJwk, { sign: { kid: k.kid, alg: 'ES256', sign } });
  assert.equal(m.openAndVerify(r1.envelope, authority.privateJwk, { signers: [k.publicJwk] }).signature.status, 'verified');
  const r2 = await m.sealAsync(expected, authority.publicJwk, { format: 'binary', sign: { publicJwk: k.publicJwk, sign } });
  assert.equal(m.open(r2, authority.privateJwk, { signers: [k.publicJwk] }).signature.status, 'verified');
  assert.equal(calls, 2);
  // A sync callback works too; a wrong signature with the public JWK given: refused at sealing.
  const wrong = { publicJwk: k.publicJwk, sign: () => new Uint8Array(64).fill(1) };
  await assert.rejects(m.sealAsync('x', authority.publicJwk, { sign: wrong }), code('signature_invalid'));
  // Without the public JWK the envelope is made, and every receiver refuses it.
  const blind = await m.sealAsync('x', authority.publicJwk, { sign: { kid: k.kid, alg: 'ES256', sign: wrong.sign } });
  assert.throws(() => m.open(blind, authority.privateJwk, { signers: [k.publicJwk] }), code('signature_invalid'));
  // A DER signature, a non-bytes result, a throwing signer: errors, not envelopes.
  await assert.rejects(m.sealAsync('x', authority.publicJwk, { sign: { kid: k.kid, alg: 'ES256', sign: () => new Uint8Array(70) } }), code('invalid_argument'));
  await assert.rejects(m.sealAsync('x', authority.publicJwk, { sign: { publicJwk: k.publicJwk, sign: () => new Uint8Array(71) } }), code('invalid_argument'));
  await assert.rejects(m.sealAsync('x', authority.publicJwk, { sign: { kid: k.kid, alg: 'ES256', sign: () => 'sig' } }), code('invalid_argument'));
  await assert.rejects(m.sealAsync('x', authority.publicJwk, { sign: { kid: k.kid, alg: 'ES256', sign: () => { throw new Error('card removed'); } } }),
    (e) => /card removed/.test(e.message));
  await assert.rejects(m.sealAsync('x', authority.publicJwk, { sign: { kid: 'short', alg: 'ES256', sign } }), code('invalid_argument'));
  await assert.rejects(m.sealAsync('x', authority.publicJwk, { sign: { kid: k.kid, alg: 'RS256', sign } }), code('invalid_argument'));
  // And a private JWK in the async functions signs in wasm.
  const r3 = await m.minimiseAndSealAsync(order, '2ap/art7-order', authority.publicJwk, { sign: keys.Ed25519.privateJwk });
  assert.equal(m.open(r3.envelope, authority.privateJwk, { signers: [keys.Ed25519.publicJwk] }).signature.alg, 'Ed25519');
});

test('proofs: exported by the recipient, checked by anyone with the signer\'s public key', () => {
  const k = keys.Ed25519;
  const { envelope } = m.minimiseAndSeal(order, '2ap/art7-order', authority.publicJwk, { sign: k.privateJwk });
  const proof = m.exportProof(envelope, authority.privateJwk, { signers: [k.publicJwk] });
  assert.equal(typeof proof, 'string');
  const v = m.verifyProof(proof, [k.publicJwk]);
  assert.equal(v.payload, expected);
  assert.equal(v.header.policy.id, '2ap/art7-order');
  assert.deepEqual(v.signature, { status: 'verified', kid: k.kid, alg: 'Ed25519', key: k.publicJwk });
  assert.throws(() => m.verifyProof(proof, [keys.ES256.publicJwk]), code('unknown_signer'));
  const doc = JSON.parse(proof);
  const altered = JSON.stringify({ ...doc, payload: Buffer.from(expected.replace('2', '3')).toString('base64url') });
  assert.throws(() => m.verifyProof(altered, [k.publicJwk]), code('signature_invalid'));
  assert.throws(() => m.verifyProof('{"minseal_proof":2}', [k.publicJwk]), code('malformed_proof'));
  const unsigned = m.seal('{}', authority.publicJwk);
  assert.throws(() => m.exportProof(unsigned, authority.privateJwk), code('signature_missing'));
});

test('expiresAt: refused at or after it (the JS clock, or options.now)', () => {
  const now = Math.floor(Date.now() / 1000);
  const past = m.seal('x', authority.publicJwk, { createdAt: now - 100, expiresAt: now - 10 });
  assert.throws(() => m.open(past, authority.privateJwk), code('expired'));
  assert.equal(m.open(past, authority.privateJwk, { now: now - 20 }).payload, 'x');
  const future = m.seal('x', authority.publicJwk, { expiresAt: now + 3600 });
  assert.equal(future.header.expires_at, now + 3600);
  assert.equal(m.open(future, authority.privateJwk).payload, 'x');
  assert.throws(() => m.open(future, authority.privateJwk, { now: now + 3600 }), code('expired'));
});

test('every envelope has a fresh message_id', () => {
  const a = m.seal('x', authority.publicJwk).header.message_id;
  const b = m.seal('x', authority.publicJwk).header.message_id;
  assert.match(a, /^[A-Za-z0-9_-]{22}$/);
  assert.notEqual(a, b);
  void toBytes;
});
