// Browser and bundler entry: call `await init()` once before anything else. The wasm is fetched
// from `new URL('minseal_core_bg.wasm', import.meta.url)` unless `init` is given a URL, a
// Response or the bytes.
import core, { MinsealError } from './minseal.js';
export * from './minseal.js';

// The module uses WebAssembly SIMD (scripts/build-wasm). This probe (i8x16.splat, i8x16.popcnt)
// validates only where SIMD does, so an older engine gets a code rather than a CompileError.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

let ready;
/** Loads and instantiates the wasm module (once). `input` may be a URL, Response or bytes. */
export function init(input) {
  if (!ready && !WebAssembly.validate(SIMD_PROBE)) {
    return Promise.reject(new MinsealError('unsupported_host',
      'this browser lacks WebAssembly SIMD (needs Chrome 91, Firefox 89, Safari 16.4 or later)'));
  }
  ready ??= core.default(input === undefined ? undefined : { module_or_path: input });
  return ready.then(() => undefined);
}
