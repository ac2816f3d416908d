// The JS benchmark's anchors compute what `minimise` computes: the hand-written pick
// (benches/js/payloads.mjs) and the generic pick of every payload shape (benches/js/shapes.mjs)
// give `minimise`'s output byte for byte. `make bench` checks the same before timing, but only
// there; this keeps a change to a built-in profile from leaving the bench comparing unlike work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as m from '../../../pkg/node.js';
import { makePayload, plainPick, POLICY_ID } from '../../../benches/js/payloads.mjs';
import { SHAPES, genericPick } from '../../../benches/js/shapes.mjs';

test('the hand-written pick gives minimise\'s output for the bench payloads', () => {
  for (const bytes of [4 * 1024, 64 * 1024]) {
    const { text } = makePayload(bytes);
    assert.equal(plainPick(text), m.minimise(text, POLICY_ID).payload, `${bytes} B`);
  }
});

test('the generic pick gives minimise\'s output for every payload shape', () => {
  for (const [id, shape] of Object.entries(SHAPES)) {
    const doc = shape.policy();
    const policy = shape.builtin ? shape.builtin : m.Policy.parse(JSON.stringify(doc));
    const text = shape.make(64 * 1024);
    assert.equal(genericPick(doc)(text), m.minimise(text, policy).payload, id);
  }
});
