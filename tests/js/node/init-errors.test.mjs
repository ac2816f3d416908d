// The browser entry's `init` when the module cannot be loaded: a MinsealError with a code
// (`unsupported_host` for bytes that do not compile, `io` for a fetch that fails), never a bare
// CompileError or TypeError, and the failure is not cached. Its own file (its own process), as
// the glue is initialised once per process and host.test.mjs initialises it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as m from '../../../pkg/index.js';

const wasm = readFileSync(new URL('../../../pkg/minseal_core_bg.wasm', import.meta.url));

test('init failures are MinsealErrors with a code, and a later init still succeeds', async () => {
  await assert.rejects(m.init(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99])),
    (e) => e instanceof m.MinsealError && e.code === 'unsupported_host' && /did not compile/.test(e.message));
  await assert.rejects(m.init(new URL('file:///nonexistent/minseal_core_bg.wasm')),
    (e) => e instanceof m.MinsealError && e.code === 'io' && /could not be loaded/.test(e.message));
  await m.init(wasm);
  assert.match(m.version(), /^\d+\.\d+\.\d+/);
});
