// One cold start of a built package, in a fresh Node process (docs/BENCHMARKS.md, "Cold start"):
// `node one.mjs <absolute pkg dir>` prints one JSON line. Timed like ../coldstart.mjs, from the
// import of `<pkg>/node.js` to the first `minimiseAndSeal` result (4 KiB payload, built-in
// policy id, public JWK), three ways: wall clock (`imp`, `total`), CPU of all the process's
// threads (`cpu`: V8's background TurboFan jobs included) and CPU of the main thread alone
// (`mimp`, `main`: /proc/self/task/<pid>/schedstat, Linux), which is about what the cold start
// takes on an idle machine, whatever else runs on a loaded one.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { makePayload, POLICY_ID } from '../payloads.mjs';

const dir = process.argv[2];
const text = makePayload(4096).text;
const publicJwk = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
const stat = `/proc/self/task/${process.pid}/schedstat`;
const mainMs = () => Number(readFileSync(stat, 'latin1').split(' ')[0]) / 1e6;

const m0 = mainMs();
const c0 = process.cpuUsage();
const t0 = performance.now();
const ms = await import(`${dir}/node.js`);
const t1 = performance.now();
const m1 = mainMs();
const r = ms.minimiseAndSeal(text, POLICY_ID, publicJwk);
const t2 = performance.now();
const m2 = mainMs();
const c = process.cpuUsage(c0);
if (!r.envelope) throw new Error('minimiseAndSeal returned no envelope');
console.log(JSON.stringify({ imp: t1 - t0, total: t2 - t0, cpu: (c.user + c.system) / 1000, mimp: m1 - m0, main: m2 - m0 }));
