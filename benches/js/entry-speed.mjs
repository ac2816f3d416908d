// Times the calls whose speed a build option of the wasm modules changes (an opt-level, the
// X25519 basepoint table), for one entry of one built package:
//   node benches/js/entry-speed.mjs [PKG_DIR (default pkg)] [ENTRY (default sender-node.js)]
// generateKeyPair (one X25519 basepoint multiplication), 4 KiB minimiseAndSeal, and minimise of
// 64 KiB and 1 MiB (the bench's payloads, payloads.mjs). Prints the median and the fastest of 5
// timed runs per call. Build variants side by side with MINSEAL_PKG_DIR (scripts/build-wasm).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makePayload, POLICY_ID } from './payloads.mjs';

const [dir = 'pkg', entry = 'sender-node.js'] = process.argv.slice(2);
const m = await import(pathToFileURL(resolve(dir, entry)).href);
const kp = m.generateKeyPair();
const p4 = makePayload(4096).text;
const p64 = makePayload(65536).text;
const p1m = makePayload(1 << 20).text;

function time(name, f, ms = 1500) {
  for (let i = 0; i < 20; i++) f();
  const runs = [];
  for (let r = 0; r < 5; r++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms / 5) { f(); n++; }
    runs.push((performance.now() - t0) / n);
  }
  runs.sort((a, b) => a - b);
  console.log(`${name}: median ${(runs[2] * 1000).toFixed(1)} µs, fastest ${(runs[0] * 1000).toFixed(1)} µs`);
}

console.log(`${resolve(dir, entry)}`);
time('generateKeyPair', () => m.generateKeyPair());
time('minimiseAndSeal 4 KiB', () => m.minimiseAndSeal(p4, POLICY_ID, kp.publicJwk));
time('minimise 64 KiB', () => m.minimise(p64, POLICY_ID));
time('minimise 1 MiB', () => m.minimise(p1m, POLICY_ID), 3000);
