// The wasm side of examples/policy_compile_time.rs: `Policy.parse` of the costliest policies
// inside the compiler's limits and of refused ones, best of 5, through the built package.
//
// make pkg && node examples/policy_compile_time.mjs
import { Policy } from '../pkg/node.js';

const RUNS = 5;

function policy(paths) {
  return JSON.stringify({
    minseal_policy: 1, id: 't/bounds', version: '1', title: 't', basis: 't',
    audience: 'service_provider', rules: paths.map((path) => ({ path })),
  });
}

// `n` rules, `$..x` then `depth` segments `..yD`, D the digits of `i × K` (as in the Rust example).
function chains(n, depth) {
  const paths = [];
  for (let i = 0n; i < BigInt(n); i++) {
    let p = '$..x';
    for (let j = 0; j < depth; j++) p += `..y${(i * 2654435761n) / 10n ** BigInt(j % 12) % 10n}`;
    paths.push(p);
  }
  return policy(paths);
}

const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));

// The sizes are the largest accepted and smallest refused of the native example's bisection.
const cases = [
  ['n × ($..x + 60 × ..yD)', 1, () => chains(1, 60)],
  ['n × ($..x + 60 × ..yD)', 2, () => chains(2, 60)],
  ['n × ($..x + 12 × ..yD)', 2, () => chains(2, 12)],
  ['n × ($..x + 12 × ..yD)', 3, () => chains(3, 12)],
  ['n × ($..x + 3 × ..yD)', 5, () => chains(5, 3)],
  ['n × ($..x + 3 × ..yD)', 6, () => chains(6, 3)],
  ['n × $..aI..b..c', 5, () => policy(range(5, (i) => `$..a${i}..b..c`))],
  ['n × $..aI..b..c', 6, () => policy(range(6, (i) => `$..a${i}..b..c`))],
  ['n × $.aI.b.c', 3332, () => policy(range(3332, (i) => `$.a${i}.b.c`))],
  ['n × $.aI.b.c', 3333, () => policy(range(3333, (i) => `$.a${i}.b.c`))],
  ['n × $..aI', 287, () => policy(range(287, (i) => `$..a${i}`))],
  ['n × $..aI', 288, () => policy(range(288, (i) => `$..a${i}`))],
  ['n × ($..x + 60 × ..yD)', 4096, () => chains(4096, 60)],
];

console.log(`| policy | n | bytes | result | best of ${RUNS} |`);
console.log('|---|---|---|---|---|');
for (const [name, n, make] of cases) {
  const doc = make();
  let best = Infinity;
  let result = '';
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    try {
      Policy.parse(doc, { maxBytes: 4 << 20 });
      result = 'loaded';
    } catch (e) {
      result = `refused (${e.code}): ${e.details.join('; ').split(': over the ').pop()}`;
    }
    best = Math.min(best, performance.now() - t);
  }
  console.log(`| ${name} | ${n} | ${doc.length} | ${result} | ${best.toFixed(1)} ms |`);
}
