// Browser and bundler entry: call `await init()` once before anything else.
import initCore from './minseal_core.js';
export { version } from './minseal_core.js';

let ready;
/** Loads and instantiates the wasm module (once). `input` may be a URL, Response or bytes. */
export function init(input) {
  ready ??= initCore(input === undefined ? undefined : { module_or_path: input });
  return ready.then(() => undefined);
}
