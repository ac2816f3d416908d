// Node entry: the wasm is read and instantiated synchronously at import, so no init is needed.
import { readFileSync } from 'node:fs';
import { initSync } from './minseal_core.js';
export * from './api.js';

initSync({ module: readFileSync(new URL('./minseal_core_bg.wasm', import.meta.url)) });

/** Already initialised in Node; kept so code written for the browser entry runs unchanged. */
export async function init() {}
