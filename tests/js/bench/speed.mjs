// Seal/open/minimiseAndSeal timings of a built package: `node tests/js/bench/speed.mjs <absolute pkg dir>`.
// Used for the opt-level table in docs/BENCHMARKS.md.
import { readFileSync } from 'node:fs';
const dir = process.argv[2];
const m = await import(`${dir}/node.js`);
const kp = m.generateKeyPair();
const small = '{"a":"' + 'x'.repeat(1000) + '"}';
const big = new Uint8Array(8 << 20).fill(65);
const order = readFileSync(new URL('../../fixtures/2ap-art7-order/input.json', import.meta.url), 'utf8');
function t(label, n, f) { for (let i = 0; i < n; i++) f(); const t0 = performance.now(); for (let i = 0; i < n; i++) f(); return `${label} ${((performance.now() - t0) / n * 1000).toFixed(0)} µs`; }
const env = m.seal(small, kp.publicJwk, { format: 'binary' });
const benv = m.seal(big, kp.publicJwk, { format: 'binary' });
console.log(dir, [t('seal1k', 300, () => m.seal(small, kp.publicJwk, { format: 'binary' })), t('open1k', 300, () => m.open(env, kp.privateJwk)),
  t('seal8M', 5, () => m.seal(big, kp.publicJwk, { format: 'binary' })), t('open8M', 5, () => m.open(benv, kp.privateJwk, { output: 'bytes' })),
  t('minimiseAndSeal order', 300, () => m.minimiseAndSeal(order, '2ap/art7-order', kp.publicJwk))].join(', '));
