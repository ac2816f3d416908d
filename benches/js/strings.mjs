// The string input path of `minimise` (docs/JS-API.md): how a JSON string
// gets into wasm memory, at 64 KiB and 1 MiB, ASCII only (the payload's few non-ASCII names
// stripped) and as generated (some names non-ASCII). One process, alternating,
// median of batches; `minimise` outputs are checked equal first.
//   node strings.mjs [pkg dir, default ../../pkg]
//
// Rows: `minimise(text)` (the package's own string path), `minimise(TextEncoder.encode(text))`
// (the bytes path), and the encoding steps alone: `TextEncoder.encode` (a fresh JS buffer),
// `encodeInto` straight into wasm memory (the glue's allocator, what a string path without a
// JS copy costs), and wasm-bindgen's own string passing (a JS loop for the ASCII prefix, then
// `encodeInto`, as its glue does).
import { pathToFileURL } from 'node:url';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePayload, POLICY_ID } from './payloads.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const dir = resolve(process.argv[2] ?? join(HERE, '..', '..', 'pkg'));
const mod = await import(pathToFileURL(join(dir, 'minseal.js')).href);
await import(pathToFileURL(join(dir, 'node.js')).href);
const ms = mod;
const wasm = mod.default.initSync({ module: new Uint8Array(0) }); // already initialised: the exports
const malloc = wasm.__wbindgen_malloc, free = wasm.__wbindgen_free;
const enc = new TextEncoder();
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };

function bindgenPass(text) {
  // wasm-bindgen 0.2's passStringToWasm0, as its glue does it.
  let len = text.length;
  let ptr = malloc(len, 1) >>> 0;
  let mem = new Uint8Array(wasm.memory.buffer);
  let off = 0;
  for (; off < len; off++) { const c = text.charCodeAt(off); if (c > 0x7f) break; mem[ptr + off] = c; }
  if (off !== len) {
    const rest = off ? text.slice(off) : text;
    ptr = wasm.__wbindgen_realloc(ptr, len, len = off + rest.length * 3, 1) >>> 0;
    mem = new Uint8Array(wasm.memory.buffer);
    off += enc.encodeInto(rest, mem.subarray(ptr + off, ptr + len)).written;
  }
  free(ptr, len, 1);
  return off;
}
function encodeIntoWasm(text) {
  const cap = text.length * 3;
  const ptr = malloc(cap, 1) >>> 0;
  const n = enc.encodeInto(text, new Uint8Array(wasm.memory.buffer, ptr, cap)).written;
  free(ptr, cap, 1);
  return n;
}

for (const size of [64 * 1024, 1024 * 1024]) {
  for (const [kind, text] of [['ASCII', makePayload(size).text.normalize('NFD').replace(/[^\x00-\x7f]/g, '')], ['non-ASCII', makePayload(size).text]]) {
    const bytes = enc.encode(text);
    const a = ms.minimise(text, POLICY_ID).payload, b = ms.minimise(bytes, POLICY_ID).payload;
    if (a !== b) throw new Error('minimise(text) != minimise(bytes)');
    const fns = [
      ['minimise(text)', () => ms.minimise(text, POLICY_ID)],
      ['minimise(encode(text))', () => ms.minimise(enc.encode(text), POLICY_ID)],
      ['TextEncoder.encode', () => enc.encode(text)],
      ['encodeInto wasm memory', () => encodeIntoWasm(text)],
      ['wasm-bindgen string passing', () => bindgenPass(text)],
    ];
    const k = size > 100000 ? 4 : 40;
    const samples = fns.map(() => []);
    for (let w = 0; w < 5; w++) fns.forEach(([, f]) => { for (let i = 0; i < k; i++) f(); });
    for (let r = 0; r < 30; r++) fns.forEach(([, f], j) => { const t = performance.now(); for (let i = 0; i < k; i++) f(); samples[j].push((performance.now() - t) / k); });
    console.log(`${size / 1024} KiB ${kind} (${bytes.length} B): ` + fns.map(([n], j) => `${n} ${median(samples[j]).toFixed(3)} ms`).join('; '));
  }
}
