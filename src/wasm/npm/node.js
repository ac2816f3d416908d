// Node entry: the wasm is read and instantiated synchronously at import, so no init is needed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import core from './minseal.js';
export * from './minseal.js';

// Random bytes from node:crypto's `randomFillSync` rather than `globalThis.crypto
// .getRandomValues`, whose first call loads Node's whole WebCrypto (~0.6-0.9 ms of the cold
// start; the same OpenSSL CSPRNG). node:crypto is required at the first need, not imported, so
// an import that never seals or loads a policy does not pay for loading it.
let randomFillSync;
core.setRandomFill((bytes) => (randomFillSync ??= createRequire(import.meta.url)('node:crypto').randomFillSync)(bytes));
core.initSync({ module: readFileSync(new URL('./minseal_core_bg.wasm', import.meta.url)) });

/** Already initialised in Node; kept so code written for the browser entry runs unchanged. */
export async function init() {}
