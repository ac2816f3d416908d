// A JSON string reaches `minimise` through the staging buffer (TextEncoder.encodeInto straight
// into wasm memory, src/wasm/staging.rs): the result equals that of its UTF-8 bytes for ASCII,
// for text whose first non-ASCII character comes early, late or at the very end, for astral
// characters and lone surrogates (U+FFFD, as TextEncoder), for the empty string and for a large
// payload; errors are the bytes path's, and the buffer is reused safely between calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as m from '../../../pkg/node.js';
import * as sender from '../../../pkg/sender-node.js';

const enc = new TextEncoder();
const policy = m.Policy.parse({
  minseal_policy: 1, id: 'test/strings', version: '1.0.0', title: 't', basis: 'test', audience: 'competent_authority',
  senders: ['service_provider'], description: 'test', rules: [{ path: '$.keep', type: 'string' }, { path: '$.items[*].k', type: 'string' }],
});

function outcome(f) {
  try { return { ok: f() }; } catch (e) { assert.ok(e instanceof m.MinsealError, String(e)); return { code: e.code, message: e.message }; }
}

test('minimise(text) == minimise(UTF-8 bytes of text), every kind of text', () => {
  const bodies = ['plain ascii', 'é at the start', 'ends in é', '€'.repeat(50), 'astral 😀 and 𝄞', 'x'.repeat(10_000) + 'ü', '', '"quoted" \\ escaped \n'];
  for (const body of bodies) {
    const text = JSON.stringify({ keep: body, drop: body, items: [{ k: body, x: 1 }] });
    const a = m.minimise(text, policy);
    assert.deepEqual(a, m.minimise(enc.encode(text), policy), JSON.stringify(body));
    assert.equal(a.payload, JSON.stringify({ keep: body, items: [{ k: body }] }), JSON.stringify(body));
    assert.deepEqual(sender.minimise(text, sender.Policy.parse(policy.canonicalJson())).payload, a.payload);
  }
  // Raw lone surrogates in the string itself (not JSON escapes): U+FFFD, as TextEncoder gives.
  const raw = '{"keep":"a\ud800b","items":[{"k":"\udc00"}]}';
  assert.deepEqual(m.minimise(raw, policy), m.minimise(enc.encode(raw), policy));
  assert.equal(m.minimise(raw, policy).payload, '{"keep":"a\ufffdb","items":[{"k":"\ufffd"}]}');
});

test('minimise(text): a 1 MB payload, then a small one (the buffer is emptied between calls)', () => {
  const items = Array.from({ length: 20_000 }, (_, i) => ({ k: `item ${i} ${'é'.repeat(i % 3)}`, x: i }));
  const big = JSON.stringify({ keep: 'a', items });
  assert.deepEqual(m.minimise(big, policy), m.minimise(enc.encode(big), policy));
  assert.equal(m.minimise('{"keep":"b"}', policy).payload, '{"keep":"b"}');
});

test('minimise(text): the errors of the bytes path', () => {
  for (const [text, opts] of [['{"keep":', undefined], ['{"keep":"x"} trailing', undefined], ['{"keep":"x"}', { maxBytes: 5 }], ['{"keep":"x"}', { bogus: 1 }],
    ['{"keep":"x","keep":"y"}', undefined], ['{"a":' + '['.repeat(200) + ']'.repeat(200) + '}', { maxDepth: 10 }]]) {
    assert.deepEqual(outcome(() => m.minimise(text, policy, opts)), outcome(() => m.minimise(enc.encode(text), policy, opts)), text.slice(0, 30));
    assert.ok(outcome(() => m.minimise(text, policy, opts)).code, text.slice(0, 30));
  }
  assert.equal(outcome(() => m.minimise('{}', 'no/such-policy')).code, 'unknown_policy');
});
