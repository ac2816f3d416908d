// The embedded entry (pkg/embedded.js) imported directly, as a bundler does: `init()` with no
// argument instantiates the module from the base64 inside the file, here through the atob
// fallback (Node 20 has no Uint8Array.fromBase64; Chromium, in tests/js/browser/
// consumers.test.mjs, takes the native path). Its own file (its own process), as the glue is
// initialised once per process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as m from '../../../pkg/embedded.js';

test('embedded.js: init() needs no argument and the module seals and opens', async () => {
  await Promise.all([m.init(), m.init()]);
  const kp = m.generateKeyPair();
  const env = m.seal('{"a":1}', kp.publicJwk, { format: 'binary' });
  assert.equal(m.open(env, kp.privateJwk).payload, '{"a":1}');
  const text = readFileSync(new URL('../../../pkg/embedded.js', import.meta.url), 'utf8');
  const wasm = readFileSync(new URL('../../../pkg/minseal_core_bg.wasm', import.meta.url));
  assert.ok(text.includes(wasm.toString('base64')), 'the embedded module is pkg/minseal_core_bg.wasm');
});
