// Payload shapes for the `minimise` rows beyond the subscriber response (bench.mjs, group
// `shapes`), each with its policy document, and a generic recursive allow-list pick compiled
// from a policy's rules: what a developer writes once for any policy (JSON.parse → walk the
// allowed paths → JSON.stringify), as opposed to the picker hand-written for one policy in
// payloads.mjs.
import { readFileSync } from 'node:fs';
import { makePayload, prng, record } from './payloads.mjs';

const policyDoc = (id, rules) => ({
  minseal_policy: 1, id, version: '1.0.0', title: `Benchmark shape ${id}`, basis: 'benchmark only',
  audience: 'competent_authority', senders: ['service_provider'],
  description: 'A benchmark policy (benches/js/shapes.mjs); not a profile.', rules,
});
const str = (path, extra = {}) => ({ path, type: 'string', ...extra });

function subscriberResponse() {
  return JSON.parse(readFileSync(new URL('../../policies/2ap-subscriber-response.json', import.meta.url), 'utf8'));
}

// Fills `items` with `make(r, i)` while the JSON text stays within `bytes` (at least one item).
function fill(bytes, seed, top, make) {
  const r = prng(seed ^ bytes);
  const obj = { ...top, items: [] };
  let used = Buffer.byteLength(JSON.stringify(obj));
  for (let i = 0; ; i++) {
    const it = make(r, i);
    const len = Buffer.byteLength(JSON.stringify(it)) + (i ? 1 : 0);
    if (i > 0 && used + len > bytes) break;
    used += len;
    obj.items.push(it);
  }
  return JSON.stringify(obj);
}
const word = (r, n) => { let s = ''; while (s.length < n) s += 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor '.split(' ')[Math.floor(r() * 13)] + ' '; return s.slice(0, n); };

const DEPTH = 12;
const WIDTH = 120;

/** The shapes: id → { label, make(bytes) → text, policy (document) }. */
export const SHAPES = {
  'records-half': {
    label: 'records, about half of each dropped (the subscriber response)',
    make: (bytes) => makePayload(bytes).text,
    policy: () => subscriberResponse(),
    builtin: '2ap/subscriber-response',
  },
  'records-kept': {
    label: 'records, most members kept (traffic data allowed, a few members dropped)',
    make: (bytes) => fill(bytes, 0x4b, { profile: 'bench/records-kept@1' }, (r, i) => record(r, i)),
    policy: () => policyDoc('bench/records-kept', [
      str('$.profile'),
      ...subscriberResponse().rules.filter((x) => x.path.startsWith('$.records[*]')).map((x) => ({ ...x, path: x.path.replace('$.records', '$.items'), required: undefined })),
      str('$.items[*].subscriber.other_access_numbers[*]'),
      str('$.items[*].login_history[*].ip'), str('$.items[*].login_history[*].at'),
      str('$.items[*].ip_log[*].ip'), { path: '$.items[*].ip_log[*].port', type: 'number' }, str('$.items[*].ip_log[*].at'),
      str('$.items[*].contacts_list[*]'),
    ].map((x) => JSON.parse(JSON.stringify(x)))),
  },
  deep: {
    label: `deep nesting (${DEPTH} levels per item, a dropped note at each)`,
    make: (bytes) => fill(bytes, 0xd3, { profile: 'bench/deep@1' }, (r, i) => {
      let node = { value: `leaf ${i} ${word(r, 20)}` };
      for (let d = DEPTH - 1; d >= 0; d--) node = { id: `L${d}-${i}`, note: word(r, 16), next: node };
      return node;
    }),
    policy: () => policyDoc('bench/deep', [
      str('$.profile'), { path: '$.items[*]', type: 'object' },
      ...Array.from({ length: DEPTH }, (_, d) => str(`$.items[*]${'.next'.repeat(d)}.id`)),
      str(`$.items[*]${'.next'.repeat(DEPTH)}.value`),
    ]),
  },
  wide: {
    label: `wide objects (${WIDTH} members each, every other one kept)`,
    make: (bytes) => fill(bytes, 0x71, { profile: 'bench/wide@1' }, (r) =>
      Object.fromEntries(Array.from({ length: WIDTH }, (_, k) => [`m${String(k).padStart(3, '0')}`, word(r, 8 + Math.floor(r() * 8))]))),
    policy: () => policyDoc('bench/wide', [
      str('$.profile'), { path: '$.items[*]', type: 'object' },
      ...Array.from({ length: WIDTH / 2 }, (_, k) => str(`$.items[*].m${String(2 * k).padStart(3, '0')}`)),
    ]),
  },
  'long-strings': {
    label: 'long strings (8 KiB bodies kept, 8 KiB attachments dropped)',
    make: (bytes) => fill(bytes, 0x15, { profile: 'bench/long-strings@1' }, (r, i) => ({
      title: `document ${i}`, body: word(r, 8192), attachment: word(r, 8192), summary: word(r, 1024),
    })),
    policy: () => policyDoc('bench/long-strings', [
      str('$.profile'), { path: '$.items[*]', type: 'object' },
      str('$.items[*].title'), str('$.items[*].body'), str('$.items[*].summary'),
    ]),
  },
};

// ---------------------------------------------------------------------------------------------
// The generic pick: the policy's rule paths compiled into a tree once, then one recursive walk
// per payload. Keeps input order, checks each leaf's type, applies `mask`, drops containers left
// empty, checks required paths. No receipt, duplicate-key detection, exact number text or limits.
// ---------------------------------------------------------------------------------------------
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const TYPES = { string: (v) => typeof v === 'string', number: (v) => typeof v === 'number', boolean: (v) => typeof v === 'boolean', object: isObj, array: Array.isArray };

function compile(rules) {
  const root = { kids: new Map(), star: null };
  const required = [];
  for (const rule of rules) {
    const steps = rule.path.replace(/^\$/, '').match(/\.[^.[]+|\[\*\]/g) ?? [];
    let n = root;
    for (const s of steps) {
      if (s === '[*]') n = n.star ??= { kids: new Map(), star: null };
      else { const k = s.slice(1); if (!n.kids.has(k)) n.kids.set(k, { kids: new Map(), star: null }); n = n.kids.get(k); }
    }
    n.type = rule.type;
    if (rule.transform?.op === 'mask') n.keepLast = rule.transform.keep_last;
    if (rule.required) required.push(steps);
  }
  return { root, required };
}

function mask(s, keep) {
  const cps = Array.from(s);
  return cps.length <= keep ? s : '*'.repeat(cps.length - keep) + cps.slice(cps.length - keep).join('');
}

function walk(v, n) {
  const leaf = n.kids.size === 0 && n.star === null;
  if (n.type !== undefined && !TYPES[n.type]?.(v)) return undefined;
  if (leaf) return n.keepLast !== undefined ? mask(v, n.keepLast) : v;
  if (n.star !== null) {
    if (!Array.isArray(v)) return undefined;
    const out = [];
    for (const x of v) { const y = walk(x, n.star); if (y !== undefined) out.push(y); }
    return out.length ? out : undefined;
  }
  if (!isObj(v)) return undefined;
  let out;
  for (const k in v) {
    const c = n.kids.get(k);
    if (c === undefined) continue;
    const y = walk(v[k], c);
    if (y !== undefined) (out ??= {})[k] = y;
  }
  return out ?? (n.type === 'object' ? {} : undefined);
}

function present(v, steps) {
  if (!steps.length) return v !== undefined;
  const [s, ...rest] = steps;
  if (s === '[*]') return Array.isArray(v) && v.some((x) => present(x, rest));
  return isObj(v) && present(v[s.slice(1)], rest);
}

/** A string → string allow-list pick for `policy` (a policy document). */
export function genericPick(policy) {
  const { root, required } = compile(policy.rules);
  return (text) => {
    const out = walk(JSON.parse(text), root) ?? {};
    for (const steps of required) if (!present(out, steps)) throw new Error(`missing_required: $${steps.join('')}`);
    return JSON.stringify(out);
  };
}
