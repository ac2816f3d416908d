// A/B of cold starts: `node ab.mjs N <pkg dir A> <pkg dir B> ...` runs one.mjs N times per
// package, alternating the packages process by process (so both see the same load), and prints
// the median and minimum of each figure per package (docs/BENCHMARKS.md, "Cold start"). "first
// call" is the first `minimiseAndSeal` alone (total minus import).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const [n, ...dirs] = process.argv.slice(2);
const one = fileURLToPath(new URL('./one.mjs', import.meta.url));
const runs = new Map(dirs.map((d) => [d, []]));
for (let i = 0; i < Number(n); i++) {
  for (const d of dirs) runs.get(d).push(JSON.parse(execFileSync(process.execPath, [one, resolve(d)], { encoding: 'utf8' })));
}
const med = (a) => { const s = [...a].sort((x, y) => x - y); const h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2; };
for (const [d, v] of runs) {
  for (const x of v) Object.assign(x, { call: x.total - x.imp, mcall: x.main - x.mimp });
  const f = (k) => `med ${med(v.map((x) => x[k])).toFixed(2)} min ${Math.min(...v.map((x) => x[k])).toFixed(2)}`;
  console.log(`${d} (${v.length} runs) | wall: import ${f('imp')}, first call ${f('call')}, total ${f('total')} | all threads' CPU ${f('cpu')} | main thread's CPU: import ${f('mimp')}, first call ${f('mcall')}, total ${f('main')}`);
}
