// DEV ONLY — a TEMPORARY fake of the minseal JS API (docs/JS-API.md) so the demo page can be built
// before the wasm bindings land. It is NOT secure: "sealing" is a keyed XOR with SHA-256, not HPKE,
// and the keys are not X25519 keys. The committed page never loads this file: www/minseal.js imports
// /pkg/index.js; only the dev server / browser tests with MINSEAL_DEMO_FAKE=1 serve this file at that
// URL. Delete it once the real package works in the page.
import POLICIES from '/dev/fake-policies.js';

export class MinsealError extends Error {
  constructor(code, message, details = []) {
    super(message);
    this.name = 'MinsealError';
    this.code = code;
    this.details = details;
  }
}

// ---------- small sync SHA-256 and base64url ----------
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
function sha256(bytes) {
  const l = bytes.length, n = ((l + 9 + 63) >> 6) << 6;
  const m = new Uint8Array(n); m.set(bytes); m[l] = 0x80;
  const dv = new DataView(m.buffer); dv.setUint32(n - 4, l * 8); dv.setUint32(n - 8, Math.floor(l / 2 ** 29));
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  const r = (x, y) => (x >>> y) | (x << (32 - y));
  for (let o = 0; o < n; o += 64) {
    for (let t = 0; t < 16; t++) w[t] = dv.getUint32(o + t * 4);
    for (let t = 16; t < 64; t++) {
      const s0 = r(w[t - 15], 7) ^ r(w[t - 15], 18) ^ (w[t - 15] >>> 3), s1 = r(w[t - 2], 17) ^ r(w[t - 2], 19) ^ (w[t - 2] >>> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let t = 0; t < 64; t++) {
      const t1 = (hh + (r(e, 6) ^ r(e, 11) ^ r(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) >>> 0;
      const t2 = ((r(a, 2) ^ r(a, 13) ^ r(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      hh = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  const out = new Uint8Array(32); const ov = new DataView(out.buffer);
  h.forEach((v, k) => ov.setUint32(k * 4, v));
  return out;
}
const enc = new TextEncoder(), dec = new TextDecoder('utf-8', { fatal: true });
const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const b64u = (b) => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const unb64u = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const concat = (...parts) => { const o = new Uint8Array(parts.reduce((n, p) => n + p.length, 0)); let k = 0; for (const p of parts) { o.set(p, k); k += p.length; } return o; };
const jcs = (v) => (v === null || typeof v !== 'object') ? JSON.stringify(v)
  : Array.isArray(v) ? '[' + v.map(jcs).join(',') + ']'
    : '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + jcs(v[k])).join(',') + '}';

// ---------- init / version / profiles / Policy ----------
let ready = false;
export function init() { ready = true; return Promise.resolve(); }
export function version() { return '0.0.0-fake'; }
const need = () => { if (!ready) throw new MinsealError('invalid_argument', 'call init() first'); };

export class Policy {
  constructor(doc) { this.doc = doc; }
  static builtin(id) {
    const doc = POLICIES.find((p) => p.id === id);
    if (!doc) throw new MinsealError('unknown_policy', `unknown policy ${id}`, [id]);
    return new Policy(doc);
  }
  static parse(p) { return new Policy(typeof p === 'string' ? JSON.parse(p) : p); }
  get id() { return this.doc.id; }
  get version() { return this.doc.version; }
  get title() { return this.doc.title; }
  get basis() { return this.doc.basis; }
  get audience() { return this.doc.audience; }
  get digest() { return hex(sha256(enc.encode(jcs(this.doc)))); }
  canonicalJson() { return jcs(this.doc); }
}
export function profiles() {
  need();
  return POLICIES.map(({ id, version: v, title, basis, audience }) => ({ id, version: v, title, basis, audience }));
}
const asPolicy = (p) => (p instanceof Policy ? p : Policy.builtin(p));

// ---------- paths ----------
function parsePath(path) {
  const segs = []; let i = 1;
  while (i < path.length) {
    if (path.startsWith('[*]', i)) { segs.push({ any: true }); i += 3; continue; }
    if (path.startsWith("['", i)) { const j = path.indexOf("']", i); segs.push({ name: path.slice(i + 2, j) }); i = j + 2; continue; }
    const desc = path.startsWith('..', i); i += desc ? 2 : 1;
    if (path[i] === '*') { segs.push({ any: true }); i++; continue; }
    const m = /^[^.[]+/.exec(path.slice(i)); segs.push(desc ? { desc: m[0] } : { name: m[0] }); i += m[0].length;
  }
  return segs;
}
function matches(segs, loc) {
  const go = (si, li) => {
    if (si === segs.length) return li === loc.length;
    const s = segs[si];
    if (s.desc !== undefined) { for (let k = li; k < loc.length; k++) if (loc[k] === s.desc && go(si + 1, k + 1)) return true; return false; }
    if (li >= loc.length) return false;
    if (s.any) return go(si + 1, li + 1);
    return loc[li] === s.name && go(si + 1, li + 1);
  };
  return go(0, 0);
}
const SHORT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const collapse = (loc) => '$' + loc.map((s) => (typeof s === 'number' ? '[*]' : SHORT.test(s) ? '.' + s : `['${s}']`)).join('');
const typeOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
const typeOk = (v, t) => !t || [].concat(t).some((x) => x === typeOf(v) || (x === 'number' && typeof v === 'number'));
const leaves = (v) => (v && typeof v === 'object' ? (Object.keys(v).length ? Object.values(v).reduce((n, x) => n + leaves(x), 0) : 1) : 1);

// ---------- minimise ----------
function parsePayload(payload) {
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) return payload;
  const text = typeof payload === 'string' ? payload : dec.decode(payload);
  try { return JSON.parse(text); } catch (e) {
    const m = /position (\d+)/.exec(e.message);
    const off = m ? enc.encode(text.slice(0, Number(m[1]))).length : text.length;
    throw new MinsealError('invalid_json', `invalid JSON at byte ${off}: ${e.message.replace(/ in JSON at position.*/, '').replace(/, ".*/s, '')}`, [`byte ${off}`]);
  }
}
function transform(v, t, loc) {
  if (t.op === 'mask') {
    if (typeof v !== 'string') throw new MinsealError('transform_failed', `mask needs a string at ${collapse(loc)}`, [collapse(loc)]);
    const cs = [...v]; const ch = t.char || '*';
    return cs.map((c, k) => (k < cs.length - t.keep_last ? ch : c)).join('');
  }
  if (t.op === 'max_len') return [...v].slice(0, t.len).join('');
  if (t.op === 'replace') return t.value;
  if (t.op === 'generalise_date') return v.slice(0, { year: 4, month: 7, day: 10 }[t.to]);
  throw new MinsealError('transform_failed', `fake does not implement ${t.op}`, [collapse(loc)]);
}
function run(value, doc) {
  const rules = doc.rules.map((r) => ({ ...r, segs: parsePath(r.path) }));
  const forbidden = (doc.forbidden || []).map(parsePath);
  const removed = new Map(), transformed = new Map();
  let kept = 0, nTransformed = 0, nRemoved = 0;
  const justified = (() => {
    const j = doc.sensitive?.justification; if (!j) return false;
    let v = value; for (const s of parsePath(j)) v = v && typeof v === 'object' ? v[s.name] : undefined;
    return typeof v === 'string' ? v.length > 0 : v && typeof v === 'object' ? Object.keys(v).length > 0 : false;
  })();
  const remove = (loc, reason, v) => {
    const key = collapse(loc) + '\u0000' + reason;
    const e = removed.get(key) || { path: collapse(loc), reason, count: 0, leaves: 0 };
    e.count++; e.leaves += leaves(v); nRemoved += leaves(v); removed.set(key, e);
    return undefined;
  };
  const walk = (v, loc, inSubtree) => {
    if (loc.length && forbidden.some((f) => matches(f, loc))) return remove(loc, 'forbidden', v);
    const rule = rules.find((r) => matches(r.segs, loc));
    if (rule?.category && !(doc.sensitive?.allow || []).includes(rule.category) || (rule?.category && !justified)) return remove(loc, 'sensitive', v);
    if (rule && !typeOk(v, rule.type)) return remove(loc, 'type_mismatch', v);
    const sub = inSubtree || rule?.subtree;
    if (v && typeof v === 'object') {
      const isArr = Array.isArray(v);
      const entries = isArr ? v.map((x, k) => [k, x]) : Object.entries(v);
      if (!entries.length) { if (rule || sub) { kept++; return v; } return remove(loc, 'not_allowed', v); }
      const snapshot = [new Map([...removed].map(([k2, e]) => [k2, { ...e }])), kept, nTransformed, nRemoved];
      const out = isArr ? [] : {};
      let any = false;
      for (const [k, x] of entries) {
        const r = walk(x, [...loc, k], sub);
        if (r !== undefined) { any = true; if (isArr) out.push(r); else out[k] = r; }
      }
      if (any || rule || sub) return out;
      // nothing kept below: report the container as the removed root
      removed.clear();
      for (const [k2, e] of snapshot[0]) removed.set(k2, e);
      [, kept, nTransformed, nRemoved] = snapshot;
      return remove(loc, 'not_allowed', v);
    }
    if (!rule && !sub) return remove(loc, 'not_allowed', v);
    if (rule?.transform) {
      const t = transform(v, rule.transform, loc);
      if (t !== v) {
        const key = collapse(loc) + '\u0000' + rule.transform.op;
        const e = transformed.get(key) || { path: collapse(loc), op: rule.transform.op, count: 0 };
        e.count++; transformed.set(key, e); nTransformed++;
        return t;
      }
    }
    kept++;
    return v;
  };
  const out = walk(value, [], false) ?? {};
  // required
  const missing = [];
  for (const r of rules.filter((x) => x.required)) {
    const check = (node, si) => {
      const s = r.segs[si], last = si === r.segs.length - 1;
      if (s.any) {
        if (!Array.isArray(node) && !(node && typeof node === 'object')) { if (last) missing.push(r.path); return; }
        const items = Array.isArray(node) ? node : Object.values(node);
        if (last) { if (!items.length || !items.some((x) => typeOk(x, r.type))) missing.push(r.path); return; }
        items.forEach((x) => check(x, si + 1));
        return;
      }
      if (!node || typeof node !== 'object' || Array.isArray(node) || !(s.name in node)) { missing.push(r.path); return; }
      if (last) { if (!typeOk(node[s.name], r.type)) missing.push(r.path); return; }
      check(node[s.name], si + 1);
    };
    check(value, 0);
  }
  const sortBy = (a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return {
    out, missing: [...new Set(missing)],
    removed: [...removed.values()].sort((a, b) => sortBy(a, b) || (a.reason < b.reason ? -1 : 1)),
    transformed: [...transformed.values()].sort(sortBy),
    counts: { input_leaves: kept + nTransformed + nRemoved, kept, transformed: nTransformed, removed: nRemoved },
  };
}
export function minimise(payload, policy) {
  need();
  const p = asPolicy(policy);
  const r = run(parsePayload(payload), p.doc);
  if (r.missing.length) throw new MinsealError('missing_required', `missing required fields: ${r.missing.join(', ')}`, r.missing);
  const text = JSON.stringify(r.out);
  const bytes = enc.encode(text);
  return {
    payload: text,
    receipt: {
      minseal_receipt: 1, policy: { id: p.id, version: p.version, digest: p.digest }, counts: r.counts,
      removed: r.removed, transformed: r.transformed, payload: { sha256: hex(sha256(bytes)), bytes: bytes.length },
    },
  };
}
export function verify(payload, policy) {
  need();
  const p = asPolicy(policy);
  const r = run(parsePayload(payload), p.doc);
  const violations = [
    ...r.missing.map((path) => ({ path, kind: 'missing_required' })),
    ...r.removed.map((e) => ({ path: e.path, kind: e.reason })),
    ...r.transformed.map((e) => ({ path: e.path, kind: 'not_transformed' })),
  ];
  return { conforms: violations.length === 0, violations };
}

// ---------- keys (FAKE: not X25519) ----------
const parseKey = (k) => {
  if (typeof k === 'string') { try { k = JSON.parse(k); } catch { return { kty: 'OKP', crv: 'X25519', x: k }; } }
  if (k && Array.isArray(k.keys)) return k.keys[0];
  if (!k || k.kty !== 'OKP' || k.crv !== 'X25519' || typeof k.x !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(k.x)) {
    throw new MinsealError('invalid_key', 'not an X25519 public JWK (kty OKP, crv X25519, x: 32 bytes base64url)', []);
  }
  return k;
};
export function thumbprint(key) {
  const k = parseKey(key);
  return b64u(sha256(enc.encode(`{"crv":"X25519","kty":"OKP","x":"${k.x}"}`)));
}
export function publicKey(priv) {
  const k = typeof priv === 'string' ? JSON.parse(priv) : priv;
  if (!k?.d) throw new MinsealError('invalid_key', 'not a private JWK', []);
  return { kty: 'OKP', crv: 'X25519', x: b64u(sha256(concat(enc.encode('fake-x25519:'), unb64u(k.d)))) };
}
export function generateKeyPair() {
  need();
  const d = b64u(crypto.getRandomValues(new Uint8Array(32)));
  const publicJwk = publicKey({ d });
  const kid = thumbprint(publicJwk);
  return { privateJwk: { ...publicJwk, d, kid }, publicJwk: { ...publicJwk, kid }, kid };
}

// ---------- envelope (FAKE: not HPKE) ----------
function keystream(x, aad, n) {
  const out = new Uint8Array(n);
  for (let c = 0; c * 32 < n; c++) out.set(sha256(concat(unb64u(x), aad, Uint8Array.of(c >> 24, c >> 16, c >> 8, c))).slice(0, Math.min(32, n - c * 32)), c * 32);
  return out;
}
export function seal(payload, recipients, options = {}) {
  need();
  const bytes = typeof payload === 'string' ? enc.encode(payload) : payload;
  const keys = (Array.isArray(recipients) ? recipients : [recipients]).map(parseKey);
  const p = options.policy ? asPolicy(options.policy) : null;
  const header = {
    minseal: 1, suite: 'FAKE-NOT-ENCRYPTED', content_type: options.contentType || 'application/json',
    created_at: options.createdAt ?? Math.floor(Date.now() / 1000),
    policy: p ? { id: p.id, version: p.version, digest: p.digest } : null,
    recipients: keys.map((k) => thumbprint(k)), metadata: options.metadata || {},
  };
  const aad = enc.encode(jcs(header));
  const cek = crypto.getRandomValues(new Uint8Array(32));
  const stanzas = keys.map((k) => ({ kid: thumbprint(k), enc: b64u(cek.map((b, i) => b ^ keystream(k.x, aad, 32)[i])) }));
  const ct = bytes.map((b, i) => b ^ keystream(b64u(cek), aad, bytes.length)[i]);
  const tag = sha256(concat(cek, aad, bytes));
  const env = { minseal: 1, header, recipients: stanzas, payload: b64u(ct), tag: b64u(tag) };
  return options.format === 'string' ? JSON.stringify(env) : env;
}
export function minimiseAndSeal(payload, policy, recipients, options = {}) {
  const { payload: text, receipt } = minimise(payload, policy, options);
  return { envelope: seal(text, recipients, { ...options, policy }), receipt, payload: text };
}
export function open(envelope, privateKey) {
  need();
  let env = envelope;
  try { if (typeof env === 'string') env = JSON.parse(env); } catch { throw new MinsealError('malformed_envelope', 'not a JSON envelope', []); }
  if (!env || env.minseal !== 1 || !env.header || !Array.isArray(env.recipients)) throw new MinsealError('malformed_envelope', 'not a minseal envelope', []);
  const pub = publicKey(privateKey);
  const kid = thumbprint(pub);
  const st = env.recipients.find((s) => s.kid === kid);
  if (!st) throw new MinsealError('no_matching_recipient', 'no recipient stanza for this key', [kid]);
  const aad = enc.encode(jcs(env.header));
  const cek = unb64u(st.enc).map((b, i) => b ^ keystream(pub.x, aad, 32)[i]);
  const ct = unb64u(env.payload);
  const pt = ct.map((b, i) => b ^ keystream(b64u(cek), aad, ct.length)[i]);
  if (b64u(sha256(concat(cek, aad, pt))) !== env.tag) throw new MinsealError('decryption_failed', 'decryption failed', []);
  return { payload: dec.decode(pt), header: env.header };
}
export function openAndVerify(envelope, privateKey, policy) {
  const { payload, header } = open(envelope, privateKey);
  let p;
  if (policy) p = asPolicy(policy);
  else {
    if (!header.policy) throw new MinsealError('unknown_policy', 'the header names no policy', []);
    p = Policy.builtin(header.policy.id);
    if (p.digest !== header.policy.digest) throw new MinsealError('unknown_policy', 'policy digest differs', [header.policy.id]);
  }
  return { payload, header, verification: verify(payload, p) };
}
