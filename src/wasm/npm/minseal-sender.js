// The module the sender entry (sender.js, sender-node.js) imports: the same surface as the full
// entry's minseal.js without receive.js, bundled by scripts/build-wasm with the glue of the
// sender's own wasm module (built with Cargo feature `wasm-sender` alone, which has no opening
// code). sender.js and sender-node.js are index.js and node.js pointed at this module and at
// minseal_sender_bg.wasm.
import * as core from './minseal_core.js';
export * from './api.js';

// The glue's own exports, as in minseal.js: not public API.
export default core;
