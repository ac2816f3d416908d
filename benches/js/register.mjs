// The register of authorities in wasm (docs/BENCHMARKS.md, "Register"): `Registers.load` of a
// signed register of 1 000 and 10 000 entries (each with one encryption and one signing key:
// 20 000 keys at 10 000), and lookups by kid and by Party and role in the larger one. Run alone
// with `node bench.mjs --only=register`.
import { performance } from 'node:perf_hooks';
import { authority, register, signed, T0 } from '../../tests/js/lib/register-kit.mjs';

const ROLES = ['competent_authority', 'notified_authority', 'designated_authority', 'poc_24_7',
  'central_authority', 'service_provider', 'registrar'];
// 676 two-letter Party codes × 7 roles: about two entries per (Party, role) at 10 000 entries,
// so a `find` returns a couple of entries whatever the register's size.
const party = (i) => String.fromCharCode(65 + (i % 26)) + String.fromCharCode(65 + (Math.floor(i / 26) % 26));

function build(m, operator, n) {
  const entries = [];
  const kids = [];
  for (let i = 0; i < n; i++) {
    const a = authority(m, `e${i}`, party(i), [ROLES[Math.floor(i / 676) % ROLES.length]]);
    entries.push(a.entry);
    kids.push(a.enc.kid, a.sig.kid);
  }
  return { doc: signed(m, operator, register(1, entries, { id: `bench-${n}` })), kids };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

// Median ms of `fn` over `runs` calls (after one warm-up).
function time(fn, runs) {
  fn();
  const xs = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

// Median µs per call over batches of `batch` calls.
function perCall(fn, batch, rounds = 15) {
  fn(0);
  const xs = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    for (let i = 0; i < batch; i++) fn(i);
    xs.push(((performance.now() - t) * 1000) / batch);
  }
  return median(xs);
}

/** Runs the register cases with the package `m`; returns `{ rows, note }` for the report. */
export function registerBench(m, log) {
  const operator = m.generateSigningKey('Ed25519');
  const rows = [];
  const sizes = {};
  for (const n of [1000, 10000]) {
    const t = performance.now();
    const { doc, kids } = build(m, operator, n);
    log(`register: built ${n} entries (${kids.length} keys, ${(doc.length / 1048576).toFixed(1)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const source = { document: doc, operators: operator.publicJwk };
    const ms = time(() => m.Registers.load(source, { now: T0 }).free(), n >= 10000 ? 7 : 15);
    sizes[n] = { ms, bytes: doc.length };
    rows.push({ label: `\`Registers.load\`, ${n.toLocaleString('en')} entries (${kids.length.toLocaleString('en')} keys, ${(doc.length / 1048576).toFixed(2)} MiB)`,
      figure: `${ms.toFixed(1)} ms`, per: `${((ms * 1000) / n).toFixed(1)} µs per entry` });
    const regs = m.Registers.load(source, { now: T0 });
    try {
      const byKid = perCall((i) => { if (regs.findKid(kids[(i * 7919) % kids.length]) === null) throw new Error('kid not found'); }, 2000);
      const byParty = perCall((i) => {
        const k = (i * 7919) % n;
        if (regs.find(party(k), ROLES[Math.floor(k / 676) % ROLES.length]).length === 0) throw new Error('entry not found');
      }, 2000);
      const miss = perCall(() => { if (regs.findKid('no-such-kid') !== null) throw new Error('found a missing kid'); }, 20000);
      rows.push({ label: `\`findKid\` in ${n.toLocaleString('en')} entries (entry and key as JS objects)`, figure: `${byKid.toFixed(2)} µs`, per: 'per lookup' });
      rows.push({ label: `\`find(party, role)\` in ${n.toLocaleString('en')} entries (1–2 entries returned)`, figure: `${byParty.toFixed(2)} µs`, per: 'per lookup' });
      rows.push({ label: `\`findKid\` of an absent kid in ${n.toLocaleString('en')} entries`, figure: `${miss.toFixed(2)} µs`, per: 'per lookup' });
    } finally {
      regs.free();
    }
  }
  const ratio = sizes[10000].ms / sizes[1000].ms;
  return { rows, note: `10 000 / 1 000 entries: ${ratio.toFixed(1)}× the load time for ${(sizes[10000].bytes / sizes[1000].bytes).toFixed(1)}× the bytes` };
}
