// Bundler-proof browser entry (`minseal/embedded`): the wasm module travels inside this file as
// base64, so no bundler has to find, copy or serve a `.wasm` asset (esbuild's ESM and iife
// output, a linked install under the Vite dev server, any bundler without asset support). It
// costs about a third more bytes than the fetched form before compression and the decoding at
// `init` (docs/JS-API.md, "Bundlers"). `init()` needs no argument; given one, it loads that
// instead, as the fetched entry does.
import { init as load } from './index.js';
export * from './index.js';

// Replaced by scripts/build-wasm with the base64 of minseal_core_bg.wasm.
const WASM_BASE64 = '__MINSEAL_WASM_BASE64__';

// `Uint8Array.fromBase64` where the engine has it (native: Chrome 140, Firefox 133, Safari 18.2),
// else atob and a copy loop (~15-30 ms on its first, cold run in Node 20 for the ~770 KB).
function wasmBytes() {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(WASM_BASE64);
  const text = atob(WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

let ready;
/**
 * Instantiates the embedded wasm module (once: the base64 is decoded at the first call only;
 * after a failure, the next call tries again). Given an input, loads that instead.
 */
export function init(input) {
  if (input !== undefined) return load(input);
  ready ??= load(wasmBytes()).catch((e) => {
    ready = undefined;
    throw e;
  });
  return ready;
}
