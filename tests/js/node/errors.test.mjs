// Every export with wrong types, null, undefined, oversize and deeply nested inputs, bad keys and
// tampered envelopes: each call throws a MinsealError with the expected code (never a
// RuntimeError from the wasm engine), and the module keeps working afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as m from '../../../pkg/node.js';

const root = new URL('../../../', import.meta.url);
const order = readFileSync(new URL('tests/fixtures/2ap-art7-order/input.json', root), 'utf8');
const kp = m.generateKeyPair();
const other = m.generateKeyPair();
const policy = m.Policy.builtin('2ap/art7-order');

function expectCode(f, code, label) {
  let threw = false;
  try {
    f();
  } catch (e) {
    threw = true;
    assert.ok(e instanceof m.MinsealError, `${label}: not a MinsealError: ${e?.constructor?.name}: ${e?.message}`);
    assert.ok(e instanceof Error, label);
    if (Array.isArray(code)) assert.ok(code.includes(e.code), `${label}: ${e.code}: ${e.message}`);
    else assert.equal(e.code, code, `${label}: ${e.message}`);
    assert.ok(Array.isArray(e.details), label);
  }
  assert.ok(threw, `${label}: did not throw`);
}

function stillWorks() {
  const env = m.seal('{"ok":true}', kp.publicJwk, { format: 'binary' });
  assert.equal(m.open(env, kp.privateJwk).payload, '{"ok":true}');
  assert.equal(m.minimise(order, '2ap/art7-order').receipt.minseal_receipt, 1);
}

const WRONG = [null, undefined, 42, true, () => 1, Symbol('s'), 12n];
const name = (v) => (typeof v === 'symbol' ? 'Symbol' : typeof v === 'bigint' ? `${v}n` : typeof v === 'function' ? 'function' : String(v));

const deepText = '['.repeat(10000) + ']'.repeat(10000);
// A 10 000-deep object: V8's JSON.stringify may itself refuse it (RangeError → too_deep);
// otherwise the core's parser does (too_deep for payloads, the input's own code elsewhere).
const deepObj = (() => { let o = {}; for (let i = 0; i < 10000; i++) o = { a: o }; return o; })();
const huge = `{"a":"${'x'.repeat(17 * 1024 * 1024)}"}`;

test('wrong argument types are invalid_argument, everywhere', () => {
  const env = m.seal('{}', kp.publicJwk);
  for (const w of WRONG) {
    const n = name(w);
    if (w !== undefined) {
      expectCode(() => m.Policy.builtin(w), 'invalid_argument', `Policy.builtin(${n})`);
      expectCode(() => m.Policy.parse(w), 'invalid_argument', `Policy.parse(${n})`);
    }
    expectCode(() => m.minimise(w, policy), 'invalid_argument', `minimise(${n})`);
    expectCode(() => m.minimise(order, w), 'invalid_argument', `minimise(order, ${n})`);
    expectCode(() => m.verify(w, '2ap/art7-order'), 'invalid_argument', `verify(${n})`);
    expectCode(() => m.verify(order, w), 'invalid_argument', `verify(order, ${n})`);
    expectCode(() => m.seal(w, kp.publicJwk), 'invalid_argument', `seal(${n})`);
    expectCode(() => m.seal('{}', w), 'invalid_argument', `seal('{}', ${n})`);
    expectCode(() => m.minimiseAndSeal(w, policy, kp.publicJwk), 'invalid_argument', `minimiseAndSeal(${n})`);
    expectCode(() => m.minimiseAndSeal(order, w, kp.publicJwk), 'invalid_argument', `minimiseAndSeal(order, ${n})`);
    expectCode(() => m.minimiseAndSeal(order, policy, w), 'invalid_argument', `minimiseAndSeal(order, p, ${n})`);
    expectCode(() => m.open(w, kp.privateJwk), 'invalid_argument', `open(${n})`);
    expectCode(() => m.open(env, w), 'invalid_argument', `open(env, ${n})`);
    expectCode(() => m.openAndVerify(w, kp.privateJwk), 'invalid_argument', `openAndVerify(${n})`);
    expectCode(() => m.openAndVerify(env, w), 'invalid_argument', `openAndVerify(env, ${n})`);
    if (w !== undefined) {
      expectCode(() => m.openAndVerify(env, kp.privateJwk, w), 'invalid_argument', `openAndVerify(env, k, ${n})`);
      expectCode(() => m.seal('{}', kp.publicJwk, w), 'invalid_argument', `seal options ${n}`);
      expectCode(() => m.minimise(order, policy, w), 'invalid_argument', `minimise options ${n}`);
      expectCode(() => m.open(env, kp.privateJwk, w), 'invalid_argument', `open options ${n}`);
    }
    expectCode(() => m.publicKey(w), 'invalid_argument', `publicKey(${n})`);
    expectCode(() => m.thumbprint(w), 'invalid_argument', `thumbprint(${n})`);
  }
  stillWorks();
});

test('bad option values are invalid_argument', () => {
  const bad = [{ format: 'xml' }, { format: 1 }, { createdAt: -1 }, { createdAt: 1.5 }, { createdAt: 2 ** 53 },
    { createdAt: '1' }, { chunkSize: 1 }, { chunkSize: 2 ** 40 }, { metadata: { a: 1 } }, { metadata: 'x' },
    { contentType: 5 }, { contentType: '' }, { typo: 1 }, { policy: 5 }, []];
  for (const o of bad) expectCode(() => m.seal('{}', kp.publicJwk, o), 'invalid_argument', `seal ${JSON.stringify(o)}`);
  for (const o of [{ strict: 'yes' }, { hashKey: 'k' }, { hashKey: new Uint8Array(3) }, { maxDepth: -1 }, { format: 'json' }]) {
    expectCode(() => m.minimise(order, policy, o), 'invalid_argument', `minimise ${JSON.stringify(o)}`);
  }
  expectCode(() => m.open(m.seal('{}', kp.publicJwk), kp.privateJwk, { output: 'text' }), 'invalid_argument', 'open output');
  expectCode(() => m.seal('{}', []), 'invalid_argument', 'no recipients');
  expectCode(() => m.seal('{}', [kp.publicJwk, kp.publicJwk]), 'invalid_argument', 'repeated recipient');
  expectCode(() => m.seal('{}', Array.from({ length: 65 }, () => m.generateKeyPair().publicJwk)), 'limit_exceeded', '65 recipients');
  expectCode(() => m.seal('{}', kp.publicJwk, { metadata: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) }), 'limit_exceeded', 'metadata');
  stillWorks();
});

test('oversize and deeply nested inputs', () => {
  for (const f of [m.minimise, m.verify]) {
    expectCode(() => f(huge, policy), 'too_large', `${f.name} huge`);
    expectCode(() => f(new TextEncoder().encode(huge), policy), 'too_large', `${f.name} huge bytes`);
    expectCode(() => f(deepText, policy), 'too_deep', `${f.name} deep text`);
    expectCode(() => f(deepObj, policy), 'too_deep', `${f.name} deep object`);
  }
  expectCode(() => m.minimise(order, policy, { maxBytes: 100 }), 'too_large', 'maxBytes');
  expectCode(() => m.minimise(order, policy, { maxDepth: 2 }), 'too_deep', 'maxDepth');
  expectCode(() => m.minimiseAndSeal(huge, policy, kp.publicJwk), 'too_large', 'minimiseAndSeal huge');
  expectCode(() => m.minimiseAndSeal(deepObj, policy, kp.publicJwk), 'too_deep', 'minimiseAndSeal deep');
  expectCode(() => m.Policy.parse(deepText), 'invalid_policy', 'Policy.parse deep');
  expectCode(() => m.Policy.parse(deepObj), ['too_deep', 'invalid_policy'], 'Policy.parse deep object');
  expectCode(() => m.open(deepText, kp.privateJwk), 'malformed_envelope', 'open deep');
  expectCode(() => m.open(deepObj, kp.privateJwk), ['too_deep', 'malformed_envelope'], 'open deep object');
  expectCode(() => m.open(huge, kp.privateJwk), 'malformed_envelope', 'open huge');
  expectCode(() => m.seal('{}', deepObj), ['too_deep', 'invalid_key'], 'seal to deep object');
  expectCode(() => m.thumbprint(deepText), 'invalid_key', 'thumbprint deep');
  expectCode(() => m.publicKey(deepObj), ['too_deep', 'invalid_key'], 'publicKey deep');
  // A cycle cannot be converted.
  const cyc = {}; cyc.self = cyc;
  expectCode(() => m.minimise(cyc, policy), 'invalid_argument', 'cycle');
  // Sealing a large payload as is works (no size limit beyond memory).
  const big = m.seal(huge, kp.publicJwk, { format: 'binary' });
  assert.equal(m.open(big, kp.privateJwk).payload.length, huge.length);
  stillWorks();
});

test('bad keys', () => {
  const zero = 'A'.repeat(43); // u = 0: low order
  const b64 = (bytes) => Buffer.from(bytes).toString('base64url');
  const nonCanonical = b64(new Uint8Array(32).fill(0xff));
  const one = new Uint8Array(32); one[0] = 1; // u = 1: low order
  const cases = [
    ['AAAA', 'wrong length'], [b64(new Uint8Array(33)), '33 bytes'], [zero, 'low order 0'], [b64(one), 'low order 1'],
    [nonCanonical, 'non-canonical'], [{ kty: 'OKP', crv: 'X25519', x: zero }, 'low-order JWK'],
    [{ kty: 'OKP', crv: 'Ed25519', x: kp.publicJwk.x }, 'wrong curve'], [{ kty: 'EC', crv: 'X25519', x: kp.publicJwk.x }, 'wrong kty'],
    [kp.privateJwk, 'private where public expected'], [JSON.stringify(kp.privateJwk), 'private text'],
    [{ keys: [] }, 'empty set'], [{ keys: [kp.publicJwk, 5] }, 'set with a number'], ['{"kty":"OKP","kty":"OKP"}', 'duplicate'],
    ['', 'empty'], ['{', 'bad JSON'],
  ];
  for (const [k, label] of cases) {
    expectCode(() => m.seal('{}', k), 'invalid_key', `seal to ${label}`);
    expectCode(() => m.seal('{}', [kp.publicJwk, k]), 'invalid_key', `seal to [ok, ${label}]`);
    expectCode(() => m.minimiseAndSeal(order, policy, k), 'invalid_key', `minimiseAndSeal to ${label}`);
  }
  expectCode(() => m.thumbprint(kp.privateJwk), 'invalid_key', 'thumbprint of a private key');
  expectCode(() => m.thumbprint({ keys: [kp.publicJwk] }), 'invalid_key', 'thumbprint of a set');
  expectCode(() => m.publicKey(kp.publicJwk), 'invalid_key', 'publicKey of a public key');
  expectCode(() => m.publicKey({ ...kp.privateJwk, x: other.publicJwk.x }), 'invalid_key', 'd and x disagree');
  expectCode(() => m.open(m.seal('{}', kp.publicJwk), 'AAAA'), 'invalid_key', 'open with a short key');
  stillWorks();
});

test('tampered envelopes', () => {
  const json = m.seal('{"secret":1}', kp.publicJwk, { createdAt: 5 });
  const bin = m.seal('{"secret":1}', kp.publicJwk, { format: 'binary', createdAt: 5 });
  expectCode(() => m.open(json, other.privateJwk), 'no_matching_recipient', 'wrong key');
  expectCode(() => m.openAndVerify(bin, other.privateJwk), 'no_matching_recipient', 'wrong key bin');
  const flip = (i) => { const b = bin.slice(); b[i] ^= 1; return b; };
  expectCode(() => m.open(flip(bin.length - 1), kp.privateJwk), 'decryption_failed', 'tag bit');
  expectCode(() => m.open(flip(bin.length - 20), kp.privateJwk), 'decryption_failed', 'ciphertext bit');
  expectCode(() => m.open(bin.slice(0, bin.length - 1), kp.privateJwk), 'decryption_failed', 'cut one byte');
  expectCode(() => m.open(flip(0), kp.privateJwk), 'malformed_envelope', 'magic');
  expectCode(() => m.open(flip(4), kp.privateJwk), 'unsupported_version', 'version byte');
  expectCode(() => m.open(bin.slice(0, 7), kp.privateJwk), 'truncated', 'cut header');
  expectCode(() => m.open({ ...json, header: { ...json.header, created_at: 6 } }, kp.privateJwk), 'decryption_failed', 'header edit');
  expectCode(() => m.open({ ...json, minseal: 3 }, kp.privateJwk), 'unsupported_version', 'version');
  expectCode(() => m.open({ ...json, minseal: 1 }, kp.privateJwk), 'unsupported_version', 'version 1');
  expectCode(() => m.open({ ...json, header: { ...json.header, suite: { aead: 1, kdf: 1, kem: 32 } } }, kp.privateJwk), 'unsupported_suite', 'suite');
  expectCode(() => m.open({ ...json, extra: 1 }, kp.privateJwk), 'malformed_envelope', 'unknown member');
  // Cutting 4 characters leaves random trailing bits, zero (canonical) 1 time in 4 or 16: set
  // them, so the text is non-canonical whatever the ciphertext.
  const B64U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const nonCanonical = (s) => {
    const t = s.length % 4 === 0 ? s.slice(0, -1) : s;
    return t.slice(0, -1) + B64U[B64U.indexOf(t.at(-1)) | (t.length % 4 === 2 ? 0b1111 : 0b11)];
  };
  expectCode(() => m.open({ ...json, payload: nonCanonical(json.payload.slice(0, -4)) }, kp.privateJwk), 'malformed_envelope', 'short payload (non-canonical base64url)');
  expectCode(() => m.open({ ...json, payload: json.payload.slice(0, -8) + 'AAAA' + json.payload.slice(-4) }, kp.privateJwk), 'decryption_failed', 'payload bytes changed');
  expectCode(() => m.open({ ...json, payload: '' }, kp.privateJwk), 'truncated', 'no payload');
  expectCode(() => m.open(JSON.stringify(json).replace('"minseal":2', '"minseal":2,"minseal":2'), kp.privateJwk), 'malformed_envelope', 'duplicate member');
  expectCode(() => m.open(new Uint8Array(0), kp.privateJwk), 'truncated', 'empty bytes');
  expectCode(() => m.open('', kp.privateJwk), 'malformed_envelope', 'empty string');
  expectCode(() => m.open([], kp.privateJwk), 'malformed_envelope', 'array');
  // A policy is named only over a payload that conforms to it.
  expectCode(() => m.seal(order, kp.publicJwk, { policy: policy }), 'does_not_conform', 'seal naming a policy');
  // A header naming an unknown built-in.
  const custom = m.Policy.parse({ ...JSON.parse(policy.canonicalJson()), id: 'x/custom' });
  const sealedCustom = m.minimiseAndSeal(order, custom, kp.publicJwk);
  expectCode(() => m.openAndVerify(sealedCustom.envelope, kp.privateJwk), 'unknown_policy', 'custom policy not given');
  assert.equal(m.openAndVerify(sealedCustom.envelope, kp.privateJwk, { policy: custom }).verification.conforms, true);
  stillWorks();
});

test('a freed Policy is invalid_argument, not a crash; freeing twice does nothing', () => {
  const p = m.Policy.builtin('2ap/art7-order');
  p.free();
  expectCode(() => m.minimise(order, p), 'invalid_argument', 'freed policy');
  expectCode(() => p.canonicalJson(), 'invalid_argument', 'freed policy, method');
  for (const getter of ['id', 'version', 'title', 'basis', 'audience', 'digest']) {
    expectCode(() => p[getter], 'invalid_argument', `freed policy, getter ${getter}`);
  }
  p.free();
  p[Symbol.dispose]();
  stillWorks();
});

// A required field present with the wrong type is `type_mismatch` naming the expected type, in
// `minimise`'s error and in `verify` (never "missing"); an unknown profile id lists the known ones.
test('a wrong-typed required field is type_mismatch; unknown_policy lists the ids', () => {
  const doc = JSON.parse(order);
  doc.protocol_statement.issued_under_2ap = 'yes';
  const text = JSON.stringify(doc);
  let err;
  try {
    m.minimise(text, '2ap/art7-order');
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof m.MinsealError, String(err));
  assert.equal(err.code, 'type_mismatch', err.message);
  assert.deepEqual(err.details, ['$.protocol_statement.issued_under_2ap: expected boolean']);
  const v = m.verify(text, '2ap/art7-order');
  const here = v.violations.filter((x) => x.path === '$.protocol_statement.issued_under_2ap');
  assert.deepEqual(here.map((x) => x.kind), ['type_mismatch']);
  assert.ok(!v.violations.some((x) => x.kind === 'missing_required'), JSON.stringify(v.violations));
  try {
    m.minimise(order, '2ap/art7-ordr');
    assert.fail('an unknown profile id minimised');
  } catch (e) {
    assert.equal(e.code, 'unknown_policy');
    const ids = m.profiles().map((p) => p.id);
    assert.deepEqual([...e.details].sort(), [...ids].sort());
    for (const id of ids) assert.ok(e.message.includes(id), `${id} in ${e.message}`);
  }
});
