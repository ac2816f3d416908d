// Loads the package as a browser would and shows a value computed by the wasm module.
import { init, version } from '/pkg/index.js';

await init();
document.getElementById('version').textContent = version();
