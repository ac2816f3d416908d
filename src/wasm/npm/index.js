// Browser and bundler entry: call `await init()` once before anything else. The wasm is fetched
// from `new URL('minseal_core_bg.wasm', import.meta.url)` unless `init` is given a URL, a
// Response or the bytes.
import initCore from './minseal_core.js';
export * from './api.js';

let ready;
/** Loads and instantiates the wasm module (once). `input` may be a URL, Response or bytes. */
export function init(input) {
  ready ??= initCore(input === undefined ? undefined : { module_or_path: input });
  return ready.then(() => undefined);
}
