// A/B of a 4 KiB `minimiseAndSeal` (unsigned, one recipient) for two or more built packages,
// alternating batches in one process; prints the median per package and the last/first ratio.
//   node sealab.mjs /abs/pkgA /abs/pkgB ...
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { makePayload, POLICY_ID } from './payloads.mjs';

const dirs = process.argv.slice(2);
if (dirs.length < 2) throw new Error('usage: node sealab.mjs /abs/pkgA /abs/pkgB ...');
const libs = [];
for (const d of dirs) libs.push(await import(pathToFileURL(join(d, 'node.js')).href + `?${libs.length}`));
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const { text } = makePayload(4096);
const fns = libs.map((m) => {
  const { publicJwk } = m.generateKeyPair();
  return () => m.minimiseAndSeal(text, POLICY_ID, publicJwk);
});
for (const f of fns) f();
const K = 200;
const samples = fns.map(() => []);
for (let w = 0; w < 3; w++) fns.forEach((f) => { for (let i = 0; i < K; i++) f(); });
for (let r = 0; r < 60; r++) {
  fns.forEach((f, j) => {
    const t = performance.now();
    for (let i = 0; i < K; i++) f();
    samples[j].push((performance.now() - t) / K);
  });
}
const m = samples.map(median);
console.log(dirs.map((d, j) => `${d}: ${(m[j] * 1000).toFixed(1)} µs`).join('; '),
  `ratio last/first ${(m[m.length - 1] / m[0]).toFixed(3)}`);
