// Node entry: the wasm is read and instantiated synchronously at import, so no init is needed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import core from './minseal.js';
export * from './minseal.js';

// Random bytes from node:crypto's `randomFillSync` rather than `globalThis.crypto
// .getRandomValues`, whose first call loads Node's whole WebCrypto (~0.6-0.9 ms of the cold
// start; the same OpenSSL CSPRNG). node:crypto is required at the first need, not imported, so
// an import that never seals or loads a policy does not pay for loading it.
let nodeCrypto;
const nodeCryptoModule = () => (nodeCrypto ??= createRequire(import.meta.url)('node:crypto'));
core.setRandomFill((bytes) => nodeCryptoModule().randomFillSync(bytes));
// The receipt's SHA-256 of a minimised payload of 16 KiB or more from node:crypto (OpenSSL,
// with the CPU's SHA instructions: ~4x the wasm's sha2 here), as the same digest; browsers
// have no synchronous SHA-256, so there the wasm hashes (src/digest.rs).
core.setHostSha256((bytes) => nodeCryptoModule().createHash('sha256').update(bytes).digest());
core.initSync({ module: readFileSync(new URL('./minseal_core_bg.wasm', import.meta.url)) });

/** Already initialised in Node; kept so code written for the browser entry runs unchanged. */
export async function init() {}
