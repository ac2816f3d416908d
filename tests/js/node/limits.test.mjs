// Every per-call limit of the JS options (docs/JS-API.md, "Limits"; docs/SECURITY.md, "Limits"),
// at its boundary: the limit itself passes, one more fails with the documented code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as m from '../../../pkg/node.js';

const root = new URL('../../../', import.meta.url);
const order = readFileSync(new URL('tests/fixtures/2ap-art7-order/input.json', root), 'utf8');
const kp = m.generateKeyPair();
const kp2 = m.generateKeyPair();

function throwsCode(f, code, text) {
  assert.throws(f, (e) => {
    assert.ok(e instanceof m.MinsealError, `${e?.name}: ${e?.message}`);
    assert.equal(e.code, code, e.message);
    if (text !== undefined) assert.ok(e.message.includes(text), e.message);
    return true;
  });
}

// The three forms of one envelope, each with its size in bytes as `maxEnvelopeBytes` counts it.
function forms(payload, options) {
  const binary = m.seal(payload, [kp.publicJwk, kp2.publicJwk], { ...options, format: 'binary' });
  const text = m.seal(payload, [kp.publicJwk, kp2.publicJwk], { ...options, format: 'string' });
  return [
    ['binary', binary, binary.length],
    ['string', text, Buffer.byteLength(text)],
    ['object', JSON.parse(text), Buffer.byteLength(text)],
  ];
}

test('sealing: maxRecipients, maxMetadataEntries, maxMetadataBytes', async () => {
  const to = [kp.publicJwk, kp2.publicJwk];
  m.seal('x', to, { maxRecipients: 2 });
  throwsCode(() => m.seal('x', to, { maxRecipients: 1 }), 'limit_exceeded', 'max_recipients limit of 1');
  throwsCode(() => m.minimiseAndSeal(order, '2ap/art7-order', to, { maxRecipients: 1 }), 'limit_exceeded');
  await assert.rejects(m.sealAsync('x', to, { maxRecipients: 1 }), (e) => e.code === 'limit_exceeded');

  m.seal('x', kp.publicJwk, { metadata: { a: '1' }, maxMetadataEntries: 1 });
  throwsCode(() => m.seal('x', kp.publicJwk, { metadata: { a: '1', b: '2' }, maxMetadataEntries: 1 }),
    'limit_exceeded', 'max_metadata_entries limit of 1');
  m.seal('x', kp.publicJwk, { metadata: { a: 'bc' }, maxMetadataBytes: 3 });
  throwsCode(() => m.seal('x', kp.publicJwk, { metadata: { a: 'bcd' }, maxMetadataBytes: 3 }),
    'limit_exceeded', 'max_metadata_bytes limit of 3');

  // Above the format's limits, the format's limits.
  const many = Array.from({ length: 65 }, () => m.generateKeyPair().publicJwk);
  m.seal('x', many.slice(0, 64), { maxRecipients: 1000 });
  throwsCode(() => m.seal('x', many, { maxRecipients: 1000 }), 'limit_exceeded', 'limit of 64');

  // Opening limits are not sealing options.
  throwsCode(() => m.seal('x', to, { maxChunks: 1 }), 'invalid_argument', 'maxChunks');
  throwsCode(() => m.seal('x', to, { maxEnvelopeBytes: 1 }), 'invalid_argument', 'maxEnvelopeBytes');
});

test('open: maxEnvelopeBytes in every form (too_large)', () => {
  for (const [form, env, size] of forms('y'.repeat(300), { chunkSize: 64 })) {
    assert.equal(m.open(env, kp.privateJwk, { maxEnvelopeBytes: size }).payload, 'y'.repeat(300), form);
    throwsCode(() => m.open(env, kp.privateJwk, { maxEnvelopeBytes: size - 1 }), 'too_large',
      `max_envelope_bytes limit of ${size - 1} bytes`);
  }
});

test('open: maxChunks (limit_exceeded)', () => {
  // chunkSize 64: 150 bytes are 3 chunks, 128 are 2 (the last one full), '' is 1.
  for (const [payload, chunks] of [['z'.repeat(150), 3], ['z'.repeat(128), 2], ['', 1]]) {
    for (const [form, env] of forms(payload, { chunkSize: 64 })) {
      const label = `${form}, ${payload.length} bytes`;
      assert.equal(m.open(env, kp.privateJwk, { maxChunks: chunks }).payload, payload, label);
      throwsCode(() => m.open(env, kp.privateJwk, { maxChunks: chunks - 1 }), 'limit_exceeded',
        `max_chunks limit of ${chunks - 1}`);
    }
  }
});

test('open: maxRecipients, maxMetadataEntries, maxMetadataBytes (limit_exceeded)', () => {
  const cases = [['maxRecipients', 2], ['maxMetadataEntries', 2], ['maxMetadataBytes', 6]];
  for (const [form, env] of forms('w', { metadata: { ab: 'cd', e: 'f' } })) {
    for (const [name, at] of cases) {
      assert.equal(m.open(env, kp2.privateJwk, { [name]: at }).payload, 'w', `${form} ${name}`);
      throwsCode(() => m.open(env, kp2.privateJwk, { [name]: at - 1 }), 'limit_exceeded');
    }
  }
});

test('openAndVerify: opening limits, and maxBytes/maxDepth for the payload', () => {
  const { envelope, payload } = m.minimiseAndSeal(order, '2ap/art7-order', kp.publicJwk, { format: 'binary' });
  const policy = m.Policy.builtin('2ap/art7-order');
  for (const p of [undefined, policy]) {
    const ok = m.openAndVerify(envelope, kp.privateJwk, { policy: p, maxEnvelopeBytes: envelope.length });
    assert.equal(ok.verification.conforms, true);
    throwsCode(() => m.openAndVerify(envelope, kp.privateJwk, { policy: p, maxEnvelopeBytes: envelope.length - 1 }),
      'too_large');
    const bytes = Buffer.byteLength(payload);
    assert.equal(m.openAndVerify(envelope, kp.privateJwk, { policy: p, maxBytes: bytes }).payload, payload);
    throwsCode(() => m.openAndVerify(envelope, kp.privateJwk, { policy: p, maxBytes: bytes - 1 }), 'too_large');
    throwsCode(() => m.openAndVerify(envelope, kp.privateJwk, { policy: p, maxChunks: 0 }), 'limit_exceeded');
    throwsCode(() => m.openAndVerify(envelope, kp.privateJwk, { policy: p, output: 'bytes' }), 'invalid_argument');
  }
});

function policyDoc(rules, extra = '') {
  const list = Array.from({ length: rules }, (_, i) => `{"path":"$.f${i}"}`).join(',');
  return `{"minseal_policy":1,"id":"t/limits","version":"1","title":"t","basis":"t",` +
    `"audience":"service_provider"${extra},"rules":[${list}]}`;
}

function policyDetail(doc, options) {
  try {
    m.Policy.parse(doc, options);
  } catch (e) {
    assert.equal(e.code, 'invalid_policy', e.message);
    return e.details[0];
  }
  assert.fail('Policy.parse did not throw');
}

test('Policy.parse: maxBytes, maxDepth, maxRules (invalid_policy)', () => {
  const doc = policyDoc(5);
  const size = Buffer.byteLength(doc);
  assert.equal(m.Policy.parse(doc, { maxBytes: size }).id, 't/limits');
  assert.match(policyDetail(doc, { maxBytes: size - 1 }), /^too_large/);
  // A policy's own depth is 3: root object, rules array, rule object.
  m.Policy.parse(doc, { maxDepth: 3 });
  assert.match(policyDetail(doc, { maxDepth: 2 }), /^too_deep/);
  m.Policy.parse(doc, { maxRules: 5 });
  assert.match(policyDetail(doc, { maxRules: 4 }), /max_rules limit of 4/);
  const forbidden = policyDoc(1, ',"forbidden":["$.a","$.b"]');
  m.Policy.parse(forbidden, { maxRules: 2 });
  assert.match(policyDetail(forbidden, { maxRules: 1 }), /^\$\.forbidden/);
  // The defaults, unchanged without options.
  assert.equal(m.Policy.parse(doc).id, 't/limits');
  throwsCode(() => m.Policy.parse(doc, { maxRule: 1 }), 'invalid_argument', 'maxRule');
});

test('limit values must be non-negative integers', () => {
  const env = m.seal('x', kp.publicJwk);
  for (const bad of [-1, 1.5, '3', null, Infinity, NaN, 2 ** 53]) {
    throwsCode(() => m.open(env, kp.privateJwk, { maxChunks: bad }), 'invalid_argument');
    throwsCode(() => m.seal('x', kp.publicJwk, { maxRecipients: bad }), 'invalid_argument');
    throwsCode(() => m.Policy.parse(policyDoc(1), { maxRules: bad }), 'invalid_argument');
  }
  throwsCode(() => m.open(env, kp.privateJwk, { maxChunk: 1 }), 'invalid_argument', 'maxChunk');
});
