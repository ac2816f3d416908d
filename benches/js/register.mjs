// The register of authorities in wasm (docs/BENCHMARKS.md, "Register"): `Registers.load` of a
// signed register of 1 000 and 10 000 entries (each with one X25519 key and one signing key, half
// ES256 and half Ed25519, as the native bench: 20 000 keys at 10 000), and lookups by kid and by
// Party and role in each. Run alone with `node bench.mjs --only=register`.
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
    const a = authority(m, `e${i}`, party(i), [ROLES[Math.floor(i / 676) % ROLES.length]], { alg: i % 2 ? 'ES256' : 'Ed25519' });
    entries.push(a.entry);
    kids.push(a.enc.kid, a.sig.kid);
  }
  return { doc: signed(m, operator, register(1, entries, { id: `bench-${n}` })), kids };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
// CPU time of this process (all its threads), in ms: on a machine shared with other builds the
// wall clock counts the time other processes had the cores; this does not.
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

// Median CPU and wall ms of `fn` over `runs` calls (after one warm-up).
function time(fn, runs) {
  fn();
  const c = [], w = [];
  for (let i = 0; i < runs; i++) {
    const c0 = cpu(), w0 = performance.now();
    fn();
    w.push(performance.now() - w0);
    c.push(cpu() - c0);
  }
  return { cpu: median(c), wall: median(w) };
}

// Median CPU and wall µs per call over batches of `batch` calls.
function perCall(fn, batch, rounds = 11) {
  fn(0);
  const c = [], w = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = cpu(), w0 = performance.now();
    for (let i = 0; i < batch; i++) fn(i);
    w.push(((performance.now() - w0) * 1000) / batch);
    c.push(((cpu() - c0) * 1000) / batch);
  }
  return { cpu: median(c), wall: median(w) };
}

const fmt = (t, unit, digits) => `${t.cpu.toFixed(digits)} ${unit} (wall ${t.wall.toFixed(digits)} ${unit})`;

/** Runs the register cases with the package `m`; returns `{ rows, note }` for the report. */
export function registerBench(m, log) {
  const operator = m.generateSigningKey('Ed25519');
  const rows = [];
  const sizes = {};
  // For scale: the cost of one trivial call into the wasm on this machine at this moment.
  const call = perCall(() => m.version(), 20000);
  rows.push({ label: '`version()`: one trivial call into the wasm, for scale', figure: fmt(call, 'µs', 2), per: 'per call' });
  for (const n of [1000, 10000]) {
    const t = performance.now();
    const { doc, kids } = build(m, operator, n);
    log(`register: built ${n} entries (${kids.length} keys, ${(doc.length / 1048576).toFixed(1)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const source = { document: doc, operators: operator.publicJwk };
    const load = time(() => m.Registers.load(source, { now: T0 }).free(), n >= 10000 ? 7 : 15);
    sizes[n] = { load, bytes: doc.length };
    rows.push({ label: `\`Registers.load\`, ${n.toLocaleString('en')} entries (${kids.length.toLocaleString('en')} keys, ${(doc.length / 1048576).toFixed(2)} MiB)`,
      figure: fmt(load, 'ms', 1), per: `${((load.cpu * 1000) / n).toFixed(1)} µs CPU per entry` });
    const regs = m.Registers.load(source, { now: T0 });
    try {
      const byKid = perCall((i) => { if (regs.findKid(kids[(i * 7919) % kids.length]) === null) throw new Error('kid not found'); }, 1000);
      const byParty = perCall((i) => {
        const k = (i * 7919) % n;
        if (regs.find(party(k), ROLES[Math.floor(k / 676) % ROLES.length]).length === 0) throw new Error('entry not found');
      }, 1000);
      const miss = perCall(() => { if (regs.findKid('no-such-kid') !== null) throw new Error('found a missing kid'); }, 20000);
      rows.push({ label: `\`findKid\` in ${n.toLocaleString('en')} entries (entry and key as JS objects)`, figure: fmt(byKid, 'µs', 1), per: 'per lookup' });
      rows.push({ label: `\`find(party, role)\` in ${n.toLocaleString('en')} entries (about 2 entries returned)`, figure: fmt(byParty, 'µs', 1), per: 'per lookup' });
      rows.push({ label: `\`findKid\` of an absent kid in ${n.toLocaleString('en')} entries`, figure: fmt(miss, 'µs', 2), per: 'per lookup' });
    } finally {
      regs.free();
    }
  }
  const ratio = sizes[10000].load.cpu / sizes[1000].load.cpu;
  return { rows, note: `10 000 / 1 000 entries: ${ratio.toFixed(1)}× the load CPU time for ${(sizes[10000].bytes / sizes[1000].bytes).toFixed(1)}× the bytes. Figures: median CPU time of the process (\`process.cpuUsage\`, all its threads), wall-clock median beside it` };
}
