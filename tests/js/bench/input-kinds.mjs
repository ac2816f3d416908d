// Which payload input kind is fastest? `node tests/js/bench/input-kinds.mjs` (after `make pkg`).
// Times minimise() of the same payload given as a JSON string, as UTF-8 bytes and as a plain
// object, for the art7-order fixture (~3 KB) and a ~1 MB subscriber response.
import { readFileSync } from 'node:fs';
import * as m from '../../../pkg/node.js';

const root = new URL('../../../', import.meta.url);
const small = readFileSync(new URL('tests/fixtures/2ap-art7-order/input.json', root), 'utf8');
const resp = JSON.parse(readFileSync(new URL('tests/fixtures/2ap-subscriber-response/input.json', root), 'utf8'));
const one = resp.records[0];
resp.records = Array.from({ length: Math.ceil(1e6 / JSON.stringify(one).length) }, () => one);
const large = JSON.stringify(resp);

function bench(label, policy, text) {
  const kinds = { string: () => text, 'Uint8Array': () => new TextEncoder().encode(text), object: () => JSON.parse(text) };
  const rows = [];
  for (const [kind, make] of Object.entries(kinds)) {
    const input = make(); // conversion by the caller is not timed
    const n = text.length > 1e5 ? 20 : 2000;
    for (let i = 0; i < n; i++) m.minimise(input, policy); // warm-up: let V8 tier the wasm up
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) m.minimise(input, policy);
    const us = Number(process.hrtime.bigint() - t0) / 1e3 / n;
    rows.push(`| ${label} (${text.length} B) | ${kind} | ${us.toFixed(1)} µs |`);
  }
  return rows;
}

console.log('| payload | input kind | minimise, mean per call |');
console.log('|---|---|---|');
for (const r of [...bench('art7-order fixture', '2ap/art7-order', small), ...bench('subscriber response', '2ap/subscriber-response', large)]) console.log(r);
