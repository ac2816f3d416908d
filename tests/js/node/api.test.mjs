// Every export of pkg/node.js on its happy path, with the shapes docs/JS-API.md promises.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as m from '../../../pkg/node.js';

const root = new URL('../../../', import.meta.url);
const fixture = (stem) => readFileSync(new URL(`tests/fixtures/${stem}/input.json`, root), 'utf8');
const order = fixture('2ap-art7-order');
const expected = readFileSync(new URL('tests/fixtures/2ap-art7-order/expected.json', root), 'utf8').trim();
const expectedReceipt = JSON.parse(readFileSync(new URL('tests/fixtures/2ap-art7-order/expected-receipt.json', root), 'utf8'));
// The fixture leaves the policy digest and the payload digest to be computed.
// A receipt from `minimise` carries the payload's SHA-256; one from a seal (pass its envelope)
// carries a keyed digest instead and names the envelope (docs/POLICY.md, "Receipt").
function checkReceipt(receipt, payload, envelope) {
  const { policy, payload: digest, envelope: bound, ...rest } = receipt;
  const { policy: wantPolicy, payload: _, ...wantRest } = expectedReceipt;
  assert.deepEqual(rest, wantRest);
  assert.equal(policy.id, wantPolicy.id);
  assert.equal(policy.digest, m.Policy.builtin(policy.id).digest);
  if (envelope === undefined) {
    assert.deepEqual(digest, { sha256: createHash('sha256').update(payload).digest('hex'), bytes: Buffer.byteLength(payload) });
    assert.deepEqual(Object.keys(receipt), ['minseal_receipt', 'policy', 'counts', 'removed', 'transformed', 'payload']);
    return;
  }
  assert.deepEqual(Object.keys(digest), ['hmac_sha256', 'bytes']);
  assert.match(digest.hmac_sha256, /^[0-9a-f]{64}$/);
  assert.notEqual(digest.hmac_sha256, createHash('sha256').update(payload).digest('hex'));
  assert.equal(digest.bytes, Buffer.byteLength(payload));
  const header = envelope instanceof Uint8Array || typeof envelope === 'string' ? null : envelope.header;
  if (header !== null) assert.equal(bound.message_id, header.message_id);
  assert.match(bound.header_sha256, /^[0-9a-f]{64}$/);
}

test('exports exactly the documented surface', () => {
  assert.deepEqual(Object.keys(m).sort(), ['MemoryReplayStore', 'MinsealError', 'Policy', 'Registers', 'exportProof',
    'generateKeyPair', 'generateSigningKey', 'init', 'minimise', 'minimiseAndSeal', 'minimiseAndSealAsync', 'open',
    'openAndVerify', 'profiles', 'publicKey', 'seal', 'sealAsync', 'signAck', 'signRegister', 'signingPublicKey',
    'thumbprint', 'verify', 'verifyAck', 'verifyProof', 'version'].sort());
});

test('the published glue has no test hook (only target/pkg-testing does)', () => {
  const glue = readFileSync(new URL('pkg/minseal.js', root), 'utf8');
  assert.ok(!glue.includes('__testing'));
  const testing = readFileSync(new URL('target/pkg-testing/minseal.js', root), 'utf8');
  assert.ok(testing.includes('__testing_seed'));
});

// Each entry is two ES modules (docs/BENCHMARKS.md, "Less to compile at the first call"): the entry and minseal.js
// (the API and the glue, bundled), which imports nothing; the glue's own exports stay its
// default export, which the entries do not re-export.
test('package layout: index.js and node.js import only ./minseal.js, which imports nothing', async () => {
  const imports = (f) => [...readFileSync(new URL(`pkg/${f}`, root), 'utf8').matchAll(/\bfrom\s*["']([^"']+)["']/g)]
    .map((x) => x[1]).sort();
  assert.deepEqual(imports('index.js'), ['./minseal.js', './minseal.js']);
  assert.deepEqual(imports('node.js'), ['./minseal.js', './minseal.js', 'node:fs', 'node:module']);
  assert.deepEqual(imports('minseal.js'), []);
  const shared = await import('../../../pkg/minseal.js');
  assert.equal(typeof shared.default.initSync, 'function');
  assert.equal(typeof shared.default.setRandomFill, 'function');
  assert.equal(m.default, undefined);
  assert.equal(m.setRandomFill, undefined);
});

test('profiles and Policy', () => {
  const ps = m.profiles();
  assert.equal(ps.length, 15);
  for (const p of ps) {
    assert.deepEqual(Object.keys(p), ['id', 'version', 'title', 'basis', 'audience']);
    const pol = m.Policy.builtin(p.id);
    assert.equal(pol.id, p.id);
    assert.equal(pol.version, p.version);
    assert.equal(pol.audience, p.audience);
    assert.match(pol.digest, /^[0-9a-f]{64}$/);
    // Parsing the canonical text (as text, bytes and object) gives the same policy.
    const text = pol.canonicalJson();
    for (const form of [text, new TextEncoder().encode(text), JSON.parse(text)]) {
      assert.equal(m.Policy.parse(form).digest, pol.digest);
    }
  }
});

test('minimise matches the fixture, for every input kind', () => {
  for (const input of [order, new TextEncoder().encode(order), JSON.parse(order)]) {
    const r = m.minimise(input, '2ap/art7-order');
    assert.equal(r.payload, expected);
    checkReceipt(r.receipt, r.payload);
  }
  assert.deepEqual(m.verify(expected, '2ap/art7-order'), { conforms: true, violations: [] });
  const v = m.verify(order, m.Policy.builtin('2ap/art7-order'));
  assert.equal(v.conforms, false);
  assert.ok(v.violations.every((x) => typeof x.path === 'string' && typeof x.kind === 'string'));
});

// In Node a non-ASCII payload crosses from wasm as UTF-16LE bytes (api.js), an ASCII one as
// UTF-8: both give the same string as the plain UTF-8 path of the core export.
test('minimise payloads with non-ASCII text: the same string either way', async () => {
  const { default: core } = await import('../../../pkg/minseal.js');
  const pol = m.Policy.builtin('2ap/art7-order');
  const obj = JSON.parse(order);
  const texts = ['ascii only', 'Zoë, Łucja, Sørensen', 'é', '’quotes’', 'emoji 😀 and 𝄞 (surrogate pairs)',
    'mixed \u00e9 escape é' , '€'.repeat(20) + 'x'.repeat(9) + 'ü', '\u2028 \"q\" \\'];
  for (const t of texts) {
    const input = JSON.stringify({ ...obj, case_reference: t });
    const r = m.minimise(input, pol);
    assert.equal(typeof r.payload, 'string');
    const plain = core.minimise(input, pol, undefined);
    assert.equal(r.payload, plain.payload);
    assert.ok(r.payload.includes(JSON.stringify(t)), t);
    assert.deepEqual(r.receipt, plain.receipt);
    assert.deepEqual(r.receipt.payload, { sha256: createHash('sha256').update(r.payload).digest('hex'), bytes: Buffer.byteLength(r.payload) });
  }
});

test('keys: generate, publicKey, thumbprint', () => {
  const kp = m.generateKeyPair();
  assert.deepEqual(Object.keys(kp).sort(), ['kid', 'privateJwk', 'publicJwk']);
  assert.equal(kp.publicJwk.kty, 'OKP');
  assert.equal(kp.publicJwk.crv, 'X25519');
  assert.equal(kp.publicJwk.d, undefined);
  assert.equal(typeof kp.privateJwk.d, 'string');
  assert.deepEqual(m.publicKey(kp.privateJwk), kp.publicJwk);
  assert.deepEqual(m.publicKey(JSON.stringify(kp.privateJwk)), kp.publicJwk);
  assert.equal(m.thumbprint(kp.publicJwk), kp.kid);
  assert.equal(m.thumbprint(kp.publicJwk.x), kp.kid);
  assert.equal(m.thumbprint(JSON.stringify(kp.publicJwk)), kp.kid);
});

test('seal/open in every format and recipient shape', () => {
  const a = m.generateKeyPair();
  const b = m.generateKeyPair();
  const shapes = [a.publicJwk, { keys: [a.publicJwk, b.publicJwk] }, JSON.stringify(a.publicJwk),
    a.publicJwk.x, [a.publicJwk, b.publicJwk.x], [{ keys: [a.publicJwk] }, JSON.stringify(b.publicJwk)]];
  for (const to of shapes) {
    const env = m.seal('{"x":1}', to, { createdAt: 1234, metadata: { case: 'X-1' }, contentType: 'application/json' });
    assert.equal(env.minseal, 2);
    assert.equal(env.header.created_at, 1234);
    assert.deepEqual(env.header.metadata, { case: 'X-1' });
    const o = m.open(env, a.privateJwk);
    assert.equal(o.payload, '{"x":1}');
    assert.deepEqual(o.header, env.header);
  }
  const s = m.seal(new Uint8Array([0, 255, 1]), a.publicJwk, { format: 'string', contentType: 'application/octet-stream' });
  assert.equal(typeof s, 'string');
  assert.deepEqual(m.open(s, a.privateJwk, { output: 'bytes' }).payload, new Uint8Array([0, 255, 1]));
  assert.throws(() => m.open(s, a.privateJwk), { code: 'invalid_utf8' });
  const bin = m.seal('hi', a.publicJwk, { format: 'binary', chunkSize: 64 });
  assert.ok(bin instanceof Uint8Array);
  assert.deepEqual([...bin.subarray(0, 4)], [0x4d, 0x4e, 0x53, 0x4c]);
  assert.equal(m.open(bin, JSON.stringify(a.privateJwk)).payload, 'hi');
  // createdAt defaults to now (from the JS clock).
  const now = Math.floor(Date.now() / 1000);
  const t = m.seal('x', a.publicJwk).header.created_at;
  assert.ok(Math.abs(t - now) <= 2, `${t} vs ${now}`);
  // options.policy names a policy in the header without minimising, once the payload conforms.
  const named = m.seal(expected, a.publicJwk, { policy: '2ap/art7-order' });
  assert.equal(named.header.policy.digest, m.Policy.builtin('2ap/art7-order').digest);
  assert.throws(() => m.seal('{"x":1}', a.publicJwk, { policy: '2ap/art7-order' }), { code: 'does_not_conform' });
});

test('minimiseAndSeal then openAndVerify', () => {
  const kp = m.generateKeyPair();
  for (const format of ['json', 'string', 'binary']) {
    const r = m.minimiseAndSeal(order, '2ap/art7-order', kp.publicJwk, { format });
    assert.equal(r.payload, expected);
    checkReceipt(r.receipt, r.payload, r.envelope);
    const o = m.openAndVerify(r.envelope, kp.privateJwk);
    assert.equal(o.payload, expected);
    assert.deepEqual(o.verification, { conforms: true, violations: [] });
    assert.equal(o.header.policy.id, '2ap/art7-order');
    assert.deepEqual(m.openAndVerify(r.envelope, kp.privateJwk, { policy: '2ap/art7-order' }).verification.conforms, true);
  }
  const plain = m.seal('{}', kp.publicJwk);
  assert.equal(m.openAndVerify(plain, kp.privateJwk).verification, null);
  const other = m.minimiseAndSeal(order, '2ap/art7-order', kp.publicJwk);
  assert.throws(() => m.openAndVerify(other.envelope, kp.privateJwk, { policy: '2ap/art7-order-notified' }), { code: 'unknown_policy' });
});

test('errors are MinsealError instances with code and details', () => {
  try {
    m.minimise(fixture('2ap-art7-order').replace('"issuing_authority"', '"x_issuing_authority"'), '2ap/art7-order');
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof m.MinsealError);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'MinsealError');
    assert.equal(e.code, 'missing_required');
    assert.ok(e.details.length >= 1);
  }
});

// CommonJS code loads the Node entry with require(): Node >= 20.19 runs an ES module graph
// without top-level await synchronously (`process.features.require_module`). A top-level
// await anywhere in the package would break it (ERR_REQUIRE_ASYNC_MODULE).
test('require() of the Node entry works from CommonJS', async () => {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const supported = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
  assert.equal(process.features.require_module === true, supported, `Node ${process.versions.node}`);
  if (!supported) return;
  const { createRequire } = await import('node:module');
  const cjs = createRequire(import.meta.url)('../../../pkg/node.js');
  assert.equal(typeof cjs.minimise, 'function');
  const out = cjs.minimise(order, '2ap/art7-order').payload;
  assert.equal(out, expected);
});

// The receipt's payload digest under Node: from 16 KiB of output on, node:crypto's SHA-256
// (node.js sets the glue's hook, src/digest.rs); below, and wherever the hook gives nothing
// usable, the wasm's own. The hook is swapped here to see which one ran; each test file runs
// in a process of its own.
test('receipt digest: node:crypto from 16 KiB on, the wasm SHA-256 otherwise, the same digest', async () => {
  const { default: core } = await import('../../../pkg/minseal.js');
  const { makePayload, POLICY_ID } = await import('../../../benches/js/payloads.mjs');
  const big = makePayload(64 * 1024).text;
  const small = makePayload(4 * 1024).text;
  const sha = (b) => createHash('sha256').update(b).digest();
  const digestOf = (text) => m.minimise(text, POLICY_ID).receipt.payload.sha256;
  let calls = 0;
  try {
    core.setHostSha256((b) => { calls++; return sha(b); });
    const viaHost = digestOf(big);
    assert.equal(calls, 1);
    const out = m.minimise(big, POLICY_ID).payload;
    assert.ok(Buffer.byteLength(out) >= 16 * 1024);
    assert.equal(viaHost, sha(out).toString('hex'));
    digestOf(small);
    assert.equal(calls, 2, 'a small payload is hashed in wasm');
    // No usable host digest (undefined, 31 bytes, a throw): the wasm's SHA-256, the same value.
    for (const bad of [() => undefined, (b) => sha(b).subarray(1), () => { throw new Error('x'); }]) {
      core.setHostSha256(bad);
      assert.equal(digestOf(big), viaHost);
    }
    // And the host's answer is what the receipt carries (so the hook is really in use).
    core.setHostSha256(() => new Uint8Array(32).fill(0xab));
    assert.equal(digestOf(big), 'ab'.repeat(32));
  } finally {
    core.setHostSha256(sha);
  }
});
