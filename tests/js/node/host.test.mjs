// The browser entry (pkg/index.js) on an engine without WebAssembly SIMD: `init` rejects with
// `unsupported_host` (not a bare CompileError), and once SIMD is there it initialises. Node 20
// always has SIMD, so its absence is simulated by a `WebAssembly.validate` that says no.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as m from '../../../pkg/index.js';

const wasm = readFileSync(new URL('../../../pkg/minseal_core_bg.wasm', import.meta.url));

test('the module needs WebAssembly SIMD: without it, init says unsupported_host', async () => {
  const validate = WebAssembly.validate;
  // Only the probe (31 bytes) is refused; the module itself still validates.
  WebAssembly.validate = (bytes) => (bytes.length < 64 ? false : validate(bytes));
  try {
    await assert.rejects(m.init(wasm), (e) => e instanceof m.MinsealError && e.code === 'unsupported_host'
      && /SIMD/.test(e.message));
  } finally {
    WebAssembly.validate = validate;
  }
  await m.init(wasm);
  assert.match(m.version(), /^\d+\.\d+\.\d+/);
  assert.ok(m.profiles().some((p) => p.id === '2ap/art7-order'));
});
