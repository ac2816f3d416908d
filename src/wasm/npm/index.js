// Browser and bundler entry: call `await init()` once before anything else. The wasm is fetched
// from `new URL('minseal_core_bg.wasm', import.meta.url)` unless `init` is given a URL, a
// Response or the bytes.
import core, { MinsealError } from './minseal.js';
export * from './minseal.js';

// The module uses WebAssembly SIMD (scripts/build-wasm). This probe (i8x16.splat, i8x16.popcnt)
// validates only where SIMD does, so an older engine gets a code rather than a CompileError.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

// A failed load as a MinsealError: the module could not be fetched (`io`: network, 404, a CSP
// without connect-src for it) or is not a module this engine compiles (`unsupported_host`).
function loadError(e) {
  if (e instanceof MinsealError) return e;
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const compile = e instanceof WebAssembly.CompileError || e instanceof WebAssembly.LinkError
    || e instanceof WebAssembly.RuntimeError;
  return compile
    ? new MinsealError('unsupported_host', `the wasm module did not compile here (${what})`)
    : new MinsealError('io', `the wasm module could not be loaded (${what}); pass its URL, a Response or its bytes to init()`);
}

let ready;
/** Loads and instantiates the wasm module (once; after a failure, the next call tries again). */
export function init(input) {
  if (!ready && !WebAssembly.validate(SIMD_PROBE)) {
    return Promise.reject(new MinsealError('unsupported_host',
      'this browser lacks WebAssembly SIMD (needs Chrome 91, Firefox 89, Safari 16.4 or later)'));
  }
  ready ??= Promise.resolve()
    .then(() => core.default(input === undefined ? undefined : { module_or_path: input }))
    .catch((e) => {
      ready = undefined;
      throw loadError(e);
    });
  return ready.then(() => undefined);
}
