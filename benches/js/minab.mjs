// A/B of `minimise` (string in, string out) vs the plain-JS pick, for two or more pkg dirs,
// alternating, median of batches (checks each output equals the pick's first).
//   node minab.mjs /abs/pkgA /abs/pkgB ...
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { makePayload, plainPick, POLICY_ID } from './payloads.mjs';
const dirs = process.argv.slice(2);
const libs = [];
for (const d of dirs) libs.push(await import(pathToFileURL(join(d, 'node.js')).href + `?${libs.length}`));
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
for (const size of [64 * 1024, 1024 * 1024]) {
  const { text } = makePayload(size);
  const picked = plainPick(text);
  const fns = [['pick', () => plainPick(text)], ...libs.map((m, i) => [`ms${i}`, () => m.minimise(text, POLICY_ID)])];
  for (const [, f] of fns.slice(1)) if (f().payload !== picked) throw new Error('payload differs');
  const k = size > 100000 ? 4 : 40;
  const samples = fns.map(() => []);
  for (let w = 0; w < 5; w++) fns.forEach(([, f]) => { for (let i = 0; i < k; i++) f(); });
  for (let r = 0; r < 40; r++) {
    fns.forEach(([, f], j) => { const t = performance.now(); for (let i = 0; i < k; i++) f(); samples[j].push((performance.now() - t) / k); });
  }
  const pick = median(samples[0]);
  console.log(`${size / 1024} KiB: pick ${pick.toFixed(3)} ms; ` + fns.slice(1).map(([n], j) => `${n} ${median(samples[j + 1]).toFixed(3)} ms (${(pick / median(samples[j + 1])).toFixed(2)}x pick)`).join('; '));
}
