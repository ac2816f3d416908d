// minseal (wasm, pkg/node.js) side by side with what a web developer would pick instead.
// One process, interleaved rounds, medians. See README.md.
//
//   node bench.mjs            full run: 1 KiB .. 16 MiB, 15 cold starts; writes docs/BENCHMARKS-js.{md,png,svg}
//   node bench.mjs --quick    no 16 MiB, shorter runs, 5 cold starts; writes nothing unless --write
//   options: --write / --no-write, --time=MS (per case, default 300), --cold=N
//   node bench.mjs --only=register   only the register rows (load, lookups), printed
import os from 'node:os';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readFileSync, readdirSync, existsSync, writeFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync, constants as zc } from 'node:zlib';
import { createRequire } from 'node:module';
import { webcrypto } from 'node:crypto';

import { CipherSuite, HkdfSha256, Aes256Gcm } from '@hpke/core';
import { DhkemX25519HkdfSha256 } from '@hpke/dhkem-x25519';
import sodium from 'libsodium-wrappers';
import * as jose from 'jose';
import fastRedact from 'fast-redact';

import { makePayload, plainPick, REDACT_PATHS, POLICY_ID } from './payloads.mjs';
import { renderSvg, writeChart } from './chart.mjs';
import { SHAPES, genericPick } from './shapes.mjs';
import { runBrowserCold, renderBrowserCold } from './browser-cold.mjs';
import { registerBench } from './register.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const PKG = join(ROOT, 'pkg');
const DOCS = join(ROOT, 'docs');
const argv = process.argv.slice(2);
const flag = (n) => argv.includes(`--${n}`);
const opt = (n, d) => { const a = argv.find((x) => x.startsWith(`--${n}=`)); return a ? Number(a.split('=')[1]) : d; };
const QUICK = flag('quick');
const WRITE = !argv.some((x) => x.startsWith('--only=')) && (flag('write') || (!QUICK && !flag('no-write')));
const MIN_TIME = opt('time', QUICK ? 120 : 300);
const COLD_N = opt('cold', QUICK ? 5 : 15);
// --only=GROUP runs one group of cases (e.g. `--only=sign`: the signing rows at 4 KiB;
// `--only=shapes`: the payload shapes at 64 KiB and 1 MiB; `--only=browser`: the Chromium cold
// start alone) and writes nothing. --browser-runs=N: runs of the Chromium cold start.
const ONLY = argv.find((x) => x.startsWith('--only='))?.slice(7) ?? null;
const SIZES = ONLY === 'sign' ? [4096] : ONLY === 'browser' ? [] : ONLY === 'shapes' ? [64 * 1024, 1024 * 1024] : [1024, 4096, 64 * 1024, 1024 * 1024, ...(QUICK ? [] : [16 * 1024 * 1024])];
const ALL_SIZES = [1024, 4096, 64 * 1024, 1024 * 1024, 16 * 1024 * 1024];
const sizeLabel = (n) => (n >= 1 << 20 ? `${n / (1 << 20)} MiB` : `${n / 1024} KiB`);
const subtle = webcrypto.subtle;
const enc = new TextEncoder();
const dec = new TextDecoder();
const log = (...a) => process.stderr.write(a.join(' ') + '\n');
// A full GC before each case's slice (outside the clock), so one case's garbage (jose's 22 MB
// base64 strings at 16 MiB) is not collected on another case's time.
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

// ---------------------------------------------------------------------------------------------
// minseal: whatever pkg/ currently exports. Missing exports give "n/a (export missing)" rows.
// ---------------------------------------------------------------------------------------------
let ms = null, msLoadError = null;
try {
  ms = await import(pathToFileURL(join(PKG, 'node.js')).href);
} catch (e) {
  msLoadError = `pkg/node.js not loadable: ${e.message.split('\n')[0]}`;
}
const has = (name) => !!ms && typeof ms[name] === 'function';
const missing = (...names) => {
  if (!ms) return 'n/a (pkg missing)';
  const m = names.filter((n) => !has(n));
  return m.length ? `n/a (export missing: ${m.join(', ')})` : null;
};

function pkgVersion(name) {
  try {
    const req = createRequire(join(HERE, 'package.json'));
    // Read the installed package's own package.json (its exports may hide it, so resolve by path).
    const p = join(HERE, 'node_modules', name, 'package.json');
    return JSON.parse(readFileSync(existsSync(p) ? p : req.resolve(`${name}/package.json`), 'utf8')).version;
  } catch { return '?'; }
}

const eqBytes = (a, b) => a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
function firstDiff(a, b) { let i = 0; while (i < a.length && a[i] === b[i]) i++; return `differ at char ${i}: …${JSON.stringify(a.slice(Math.max(0, i - 40), i + 40))} vs …${JSON.stringify(b.slice(Math.max(0, i - 40), i + 40))}`; }

// ---------------------------------------------------------------------------------------------
// The cases. Each: { id, group, label, note, setup(ctx) -> { fn, async, verify? } | throws }.
// setup also runs the round-trip / cross checks once; a failing check makes the row FAILED and
// the run exit non-zero (a benchmark of something that does not round-trip is meaningless).
// ---------------------------------------------------------------------------------------------
await sodium.ready;
const hpke = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
const keys = {
  hpke: await hpke.kem.generateKeyPair(),
  sodium: sodium.crypto_box_keypair(),
  jose: await jose.generateKeyPair('ECDH-ES', { crv: 'X25519' }),
  aes: await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
  minseal: has('generateKeyPair') ? ms.generateKeyPair() : null,
  // Signing keys: jose's ES256 and Ed25519 pairs (WebCrypto), minseal's as JWKs, and a
  // non-extractable WebCrypto ECDSA P-256 pair for minseal's async path.
  joseEs256: await jose.generateKeyPair('ES256'),
  joseEd25519: await jose.generateKeyPair('EdDSA', { crv: 'Ed25519' }),
  msEs256: has('generateSigningKey') ? ms.generateSigningKey('ES256') : null,
  msEd25519: has('generateSigningKey') ? ms.generateSigningKey('Ed25519') : null,
  webEs256: await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']),
};
const redact = fastRedact({ paths: REDACT_PATHS, remove: true, serialize: JSON.stringify });
const FORBIDDEN_NAMES = ['login_history', 'ip_log', 'contacts_list', 'other_access_numbers', 'pan_full', 'health_data', 'credentials', 'internal_notes', 'marketing_segment'];
const jweHeader = { alg: 'ECDH-ES', enc: 'A256GCM' };
const iv = () => webcrypto.getRandomValues(new Uint8Array(12));
const check = (cond, msg) => { if (!cond) throw new Error(msg); };

const CASES = [
  // ---- seal (encrypt to a public key) ----
  { id: 'ms-seal', color: '#d62728', group: 'seal', label: 'minseal `seal` (binary envelope)', chart: 'minseal seal (binary)',
    note: 'bytes in; HPKE X25519/HKDF-SHA256/AES-256-GCM; compact binary envelope',
    setup({ bytes }) {
      const m = missing('seal', 'generateKeyPair'); if (m) return { na: m };
      const pub = keys.minseal.publicJwk;
      const env = ms.seal(bytes, pub, { format: 'binary' });
      if (has('open')) check(eqBytes(ms.open(env, keys.minseal.privateJwk, { output: 'bytes' }).payload, bytes), 'open(seal(x)) != x');
      return { fn: () => ms.seal(bytes, pub, { format: 'binary' }), verified: has('open') };
    } },
  { id: 'ms-seal-json', color: '#ff9896', group: 'seal', label: 'minseal `seal` (JSON envelope, default)', chart: 'minseal seal (JSON)',
    note: 'as above, default JSON envelope object (base64url ciphertext)',
    setup({ bytes }) {
      const m = missing('seal', 'generateKeyPair'); if (m) return { na: m };
      const pub = keys.minseal.publicJwk;
      const env = ms.seal(bytes, pub);
      if (has('open')) check(eqBytes(ms.open(env, keys.minseal.privateJwk, { output: 'bytes' }).payload, bytes), 'open(seal(x)) != x');
      return { fn: () => ms.seal(bytes, pub), verified: has('open') };
    } },
  { id: 'ms-seal-async', color: '#ff5a00', group: 'seal', label: 'minseal `sealAsync` (binary envelope, chunks by WebCrypto)', chart: 'minseal sealAsync (binary)',
    note: 'as `seal` (binary), but the AES-256-GCM chunks by WebCrypto; same envelope bytes; async',
    async setup({ bytes }) {
      const m = missing('sealAsync', 'generateKeyPair'); if (m) return { na: m };
      const pub = keys.minseal.publicJwk;
      const env = await ms.sealAsync(bytes, pub, { format: 'binary' });
      if (has('open')) check(eqBytes(ms.open(env, keys.minseal.privateJwk, { output: 'bytes' }).payload, bytes), 'open(sealAsync(x)) != x');
      return { fn: () => ms.sealAsync(bytes, pub, { format: 'binary' }), async: true, verified: has('open') };
    } },
  { id: 'ms-mas', color: '#8b0000', group: 'seal', label: 'minseal `minimiseAndSeal`', chart: 'minseal minimiseAndSeal',
    note: 'string in, JSON envelope out; minimises then seals the (smaller) result; MB/s of the input',
    setup({ text, picked }) {
      const m = missing('minimiseAndSeal', 'generateKeyPair'); if (m) return { na: m };
      const pub = keys.minseal.publicJwk;
      const r = ms.minimiseAndSeal(text, POLICY_ID, pub);
      check(r.payload === picked, `minimiseAndSeal payload != plain-JS pick: ${firstDiff(r.payload, picked)}`);
      if (has('open')) check(ms.open(r.envelope, keys.minseal.privateJwk).payload === picked, 'open(minimiseAndSeal(x).envelope) != minimised payload');
      return { fn: () => ms.minimiseAndSeal(text, POLICY_ID, pub), verified: true };
    } },
  { id: 'hpke-seal', color: '#2ca02c', group: 'seal', label: 'hpke-js `seal`', chart: 'hpke-js seal',
    note: '@hpke/core + @hpke/dhkem-x25519, same suite; async',
    async setup({ bytes }) {
      const pk = keys.hpke.publicKey;
      const { ct, enc: e } = await hpke.seal({ recipientPublicKey: pk }, bytes);
      const pt = new Uint8Array(await hpke.open({ recipientKey: keys.hpke.privateKey, enc: e }, ct));
      check(eqBytes(pt, bytes), 'hpke open(seal(x)) != x');
      return { fn: () => hpke.seal({ recipientPublicKey: pk }, bytes), async: true, verified: true };
    } },
  { id: 'sodium-seal', color: '#9467bd', group: 'seal', label: 'libsodium `crypto_box_seal`', chart: 'libsodium crypto_box_seal',
    note: 'X25519 + XSalsa20-Poly1305 (libsodium-wrappers, wasm)',
    setup({ bytes }) {
      const { publicKey, privateKey } = keys.sodium;
      const c = sodium.crypto_box_seal(bytes, publicKey);
      check(eqBytes(sodium.crypto_box_seal_open(c, publicKey, privateKey), bytes), 'crypto_box_seal_open(seal(x)) != x');
      return { fn: () => sodium.crypto_box_seal(bytes, publicKey), verified: true };
    } },
  { id: 'jose-enc', color: '#8c564b', group: 'seal', label: 'jose JWE `CompactEncrypt` (ECDH-ES, A256GCM, X25519)', chart: 'jose JWE encrypt',
    note: 'compact JWE string out (base64url); WebCrypto underneath; async',
    async setup({ bytes }) {
      const jwe = await new jose.CompactEncrypt(bytes).setProtectedHeader(jweHeader).encrypt(keys.jose.publicKey);
      const { plaintext } = await jose.compactDecrypt(jwe, keys.jose.privateKey);
      check(eqBytes(plaintext, bytes), 'jose decrypt(encrypt(x)) != x');
      return { fn: () => new jose.CompactEncrypt(bytes).setProtectedHeader(jweHeader).encrypt(keys.jose.publicKey), async: true, verified: true };
    } },
  { id: 'aes-enc', color: '#e377c2', group: 'seal', label: 'WebCrypto AES-256-GCM `encrypt` (bulk limit)', chart: 'WebCrypto AES-256-GCM', dashed: true,
    note: 'symmetric only, key already imported, fresh IV: the engine\'s native bulk speed; async',
    async setup({ bytes }) {
      const v = iv();
      const c = await subtle.encrypt({ name: 'AES-GCM', iv: v }, keys.aes, bytes);
      check(eqBytes(new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: v }, keys.aes, c)), bytes), 'AES-GCM decrypt(encrypt(x)) != x');
      return { fn: () => subtle.encrypt({ name: 'AES-GCM', iv: iv() }, keys.aes, bytes), async: true, verified: true };
    } },
  // ---- open (decrypt with the private key); MB/s of the plaintext ----
  { id: 'ms-open', color: '#d62728', group: 'open', label: 'minseal `open` (binary envelope → bytes)', chart: 'minseal open',
    note: 'envelope from `seal` above',
    setup({ bytes }) {
      const m = missing('seal', 'open', 'generateKeyPair'); if (m) return { na: m };
      const env = ms.seal(bytes, keys.minseal.publicJwk, { format: 'binary' });
      const priv = keys.minseal.privateJwk;
      check(eqBytes(ms.open(env, priv, { output: 'bytes' }).payload, bytes), 'open(seal(x)) != x');
      return { fn: () => ms.open(env, priv, { output: 'bytes' }), verified: true };
    } },
  { id: 'ms-open-async', color: '#ff5a00', group: 'open', label: 'minseal `openAsync` (binary envelope → bytes, chunks by WebCrypto)', chart: 'minseal openAsync',
    note: 'as `open`, with the AES-256-GCM chunks by WebCrypto; same result and errors; async',
    async setup({ bytes }) {
      const m = missing('seal', 'openAsync', 'generateKeyPair'); if (m) return { na: m };
      const env = ms.seal(bytes, keys.minseal.publicJwk, { format: 'binary' });
      const priv = keys.minseal.privateJwk;
      check(eqBytes((await ms.openAsync(env, priv, { output: 'bytes' })).payload, bytes), 'openAsync(seal(x)) != x');
      return { fn: () => ms.openAsync(env, priv, { output: 'bytes' }), async: true, verified: true };
    } },
  { id: 'hpke-open', color: '#2ca02c', group: 'open', label: 'hpke-js `open`', chart: 'hpke-js open',
    note: 'async',
    async setup({ bytes }) {
      const { ct, enc: e } = await hpke.seal({ recipientPublicKey: keys.hpke.publicKey }, bytes);
      check(eqBytes(new Uint8Array(await hpke.open({ recipientKey: keys.hpke.privateKey, enc: e }, ct)), bytes), 'hpke open(seal(x)) != x');
      return { fn: () => hpke.open({ recipientKey: keys.hpke.privateKey, enc: e }, ct), async: true, verified: true };
    } },
  { id: 'sodium-open', color: '#9467bd', group: 'open', label: 'libsodium `crypto_box_seal_open`', chart: 'libsodium seal_open',
    note: '',
    setup({ bytes }) {
      const { publicKey, privateKey } = keys.sodium;
      const c = sodium.crypto_box_seal(bytes, publicKey);
      check(eqBytes(sodium.crypto_box_seal_open(c, publicKey, privateKey), bytes), 'crypto_box_seal_open(seal(x)) != x');
      return { fn: () => sodium.crypto_box_seal_open(c, publicKey, privateKey), verified: true };
    } },
  { id: 'jose-dec', color: '#8c564b', group: 'open', label: 'jose JWE `compactDecrypt`', chart: 'jose JWE decrypt',
    note: 'async',
    async setup({ bytes }) {
      const jwe = await new jose.CompactEncrypt(bytes).setProtectedHeader(jweHeader).encrypt(keys.jose.publicKey);
      check(eqBytes((await jose.compactDecrypt(jwe, keys.jose.privateKey)).plaintext, bytes), 'jose decrypt(encrypt(x)) != x');
      return { fn: () => jose.compactDecrypt(jwe, keys.jose.privateKey), async: true, verified: true };
    } },
  { id: 'aes-dec', color: '#e377c2', group: 'open', label: 'WebCrypto AES-256-GCM `decrypt` (bulk limit)', chart: 'WebCrypto AES-256-GCM', dashed: true,
    note: 'async',
    async setup({ bytes }) {
      const v = iv();
      const c = await subtle.encrypt({ name: 'AES-GCM', iv: v }, keys.aes, bytes);
      check(eqBytes(new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: v }, keys.aes, c)), bytes), 'AES-GCM decrypt(encrypt(x)) != x');
      return { fn: () => subtle.decrypt({ name: 'AES-GCM', iv: v }, keys.aes, c), async: true, verified: true };
    } },
  // ---- sign, then seal; and open, then verify the signature (4 KiB only) ----
  // The anchor a web developer would otherwise pick: minimise with the plain-JS pick, sign with
  // jose's JWS, then encrypt the JWS with jose's JWE (nested JWT style, cty: 'JWT'). minseal
  // signs inside its envelope (docs/FORMAT.md, "Signature").
  ...signCases(),
  // ---- minimise (string in, string out); MB/s of the input ----
  { id: 'ms-min', color: '#d62728', group: 'minimise', label: 'minseal `minimise`', chart: 'minseal minimise',
    note: 'allow-list policy `2ap/subscriber-response`, with receipt; output checked == plain-JS pick',
    setup({ text, picked }) {
      const m = missing('minimise'); if (m) return { na: m };
      const r = ms.minimise(text, POLICY_ID);
      check(r.payload === picked, `minimise payload != plain-JS pick: ${firstDiff(r.payload, picked)}`);
      return { fn: () => ms.minimise(text, POLICY_ID), verified: true };
    } },
  { id: 'ms-min-bytes', color: '#ff9896', group: 'minimise', label: 'minseal `minimise`, bytes in (`TextEncoder` first)', chart: 'minseal minimise (bytes in)',
    note: '`minimise(new TextEncoder().encode(text))`: the string row must be at least this fast (benches/js/strings.mjs)',
    setup({ text, picked }) {
      const m = missing('minimise'); if (m) return { na: m };
      check(ms.minimise(enc.encode(text), POLICY_ID).payload === picked, 'minimise(bytes) payload != plain-JS pick');
      return { fn: () => ms.minimise(enc.encode(text), POLICY_ID), verified: true };
    } },
  { id: 'js-generic', color: '#bcbd22', group: 'minimise', label: 'generic JS allow-list pick (from the policy\'s rules)', chart: 'generic JS pick',
    note: 'JSON.parse → a recursive walk of a tree compiled once from the policy\'s rule paths (types, mask, required) → JSON.stringify (shapes.mjs)',
    setup({ text, picked }) {
      const pick = genericPickFor('records-half');
      check(pick(text) === picked, `generic pick != plain-JS pick: ${firstDiff(pick(text), picked)}`);
      return { fn: () => pick(text), verified: true };
    } },
  { id: 'js-pick', color: '#ff7f0e', group: 'minimise', label: 'plain JS allow-list pick', chart: 'plain-JS pick',
    note: 'JSON.parse → hand-written picker for this policy → JSON.stringify; no receipt; checked == tests/fixtures expected.json',
    setup({ text, picked }) {
      check(plainPick(text) === picked, 'picker not deterministic');
      return { fn: () => plainPick(text), verified: true };
    } },
  { id: 'fast-redact', color: '#1f77b4', group: 'minimise', label: 'fast-redact (DENY-list, not equivalent)', chart: 'fast-redact (deny-list)', dashed: true,
    note: 'JSON.parse → remove listed paths → JSON.stringify; anything unlisted leaks, no mask transform, no required check',
    setup({ text, picked }) {
      const out = redact(JSON.parse(text));
      for (const n of FORBIDDEN_NAMES) check(!out.includes(`"${n}"`), `fast-redact left ${n}`);
      // Same members as the pick (the mask keeps lengths), so the same byte count.
      check(Buffer.byteLength(out) === Buffer.byteLength(picked), `fast-redact output ${Buffer.byteLength(out)} B != pick ${Buffer.byteLength(picked)} B`);
      return { fn: () => redact(JSON.parse(text)), verified: true };
    } },
  ...shapeCases(),
];

// Generic picks and policies, compiled once per shape.
const shapeCache = new Map();
function shapeOf(id) {
  if (!shapeCache.has(id)) {
    const doc = SHAPES[id].policy();
    shapeCache.set(id, { pick: genericPick(doc), policy: ms && has('minimise') ? (SHAPES[id].builtin ? ms.Policy.builtin(SHAPES[id].builtin) : ms.Policy.parse(doc)) : null, texts: new Map() });
  }
  return shapeCache.get(id);
}
function genericPickFor(id) { return shapeOf(id).pick; }

// `minimise` (string in, string out) against the generic pick on every payload shape of
// shapes.mjs, at 64 KiB and 1 MiB. MB/s of the shape's own text (its length is close to the size).
function shapeCases() {
  const sizes = [64 * 1024, 1024 * 1024];
  const textOf = (id, size) => { const s = shapeOf(id); if (!s.texts.has(size)) s.texts.set(size, SHAPES[id].make(size)); return s.texts.get(size); };
  return Object.entries(SHAPES).flatMap(([id, shape]) => [
    { id: `shape-ms-${id}`, color: '#d62728', group: 'shapes', sizes, label: `minseal \`minimise\`: ${shape.label}`, chart: `minseal ${id}`, note: `policy ${shape.builtin ?? `bench/${id}`}`,
      setup({ size }) {
        const m = missing('minimise'); if (m) return { na: m };
        const s = shapeOf(id), text = textOf(id, size);
        const want = s.pick(text), got = ms.minimise(text, s.policy).payload;
        check(got === want, `minimise != generic pick on ${id}: ${firstDiff(got, want)}`);
        check(Buffer.byteLength(want) < Buffer.byteLength(text), `${id}: nothing dropped`);
        return { fn: () => ms.minimise(text, s.policy), verified: true };
      } },
    { id: `shape-generic-${id}`, color: '#bcbd22', group: 'shapes', sizes, label: `generic JS pick: ${shape.label}`, chart: `generic pick ${id}`, note: 'JSON.parse → generic pick → JSON.stringify',
      setup({ size }) {
        const s = shapeOf(id), text = textOf(id, size);
        return { fn: () => s.pick(text), verified: true };
      } },
  ]);
}

function signCases() {
  const only4k = [4096];
  const jwsHeader = { ES256: { alg: 'ES256' }, Ed25519: { alg: 'EdDSA' } };
  const nestedHeader = { ...jweHeader, cty: 'JWT' };
  const joseKeys = { ES256: () => keys.joseEs256, Ed25519: () => keys.joseEd25519 };
  const msKeys = { ES256: () => keys.msEs256, Ed25519: () => keys.msEd25519 };
  async function joseSignEncrypt(alg, picked) {
    const jws = await new jose.CompactSign(enc.encode(picked)).setProtectedHeader(jwsHeader[alg]).sign(joseKeys[alg]().privateKey);
    return new jose.CompactEncrypt(enc.encode(jws)).setProtectedHeader(nestedHeader).encrypt(keys.jose.publicKey);
  }
  async function joseDecryptVerify(alg, jwe) {
    const { plaintext } = await jose.compactDecrypt(jwe, keys.jose.privateKey);
    return jose.compactVerify(dec.decode(plaintext), joseKeys[alg]().publicKey);
  }
  const cases = [
    { id: 'ms-mas-unsigned', color: '#8b0000', group: 'sign', label: 'minseal `minimiseAndSeal`, unsigned', chart: 'minseal unsigned',
      note: 'the `minimiseAndSeal` row above, for comparison in this table',
      setup({ text, picked }) {
        const m = missing('minimiseAndSeal', 'generateKeyPair'); if (m) return { na: m };
        const pub = keys.minseal.publicJwk;
        check(ms.minimiseAndSeal(text, POLICY_ID, pub).payload === picked, 'minimised payload != plain-JS pick');
        return { fn: () => ms.minimiseAndSeal(text, POLICY_ID, pub), verified: true };
      } },
  ];
  for (const alg of ['ES256', 'Ed25519']) {
    cases.push(
      { id: `ms-mas-${alg}`, color: '#d62728', group: 'sign', label: `minseal \`minimiseAndSeal\`, signed ${alg} (private JWK, sync)`, chart: `minseal signed ${alg}`,
        note: 'minimise, sign inside the envelope, seal; checked by `openAndVerify` with `signers`',
        setup({ text, picked }) {
          const m = missing('minimiseAndSeal', 'generateSigningKey', 'openAndVerify'); if (m) return { na: m };
          const pub = keys.minseal.publicJwk, signer = msKeys[alg]();
          const r = ms.minimiseAndSeal(text, POLICY_ID, pub, { sign: signer.privateJwk });
          const o = ms.openAndVerify(r.envelope, keys.minseal.privateJwk, { signers: [signer.publicJwk] });
          check(o.payload === picked && o.signature.status === 'verified' && o.signature.kid === signer.kid, 'signed envelope did not verify');
          return { fn: () => ms.minimiseAndSeal(text, POLICY_ID, pub, { sign: signer.privateJwk }), verified: true };
        } },
      { id: `jose-sign-enc-${alg}`, color: '#8c564b', group: 'sign', label: `jose JWS ${jwsHeader[alg].alg} in JWE (ECDH-ES X25519, A256GCM), after the plain-JS pick`, chart: `jose JWS-in-JWE ${alg}`,
        note: 'pick → `CompactSign` → `CompactEncrypt` of the JWS; WebCrypto underneath; async',
        async setup({ text, picked }) {
          const jwe = await joseSignEncrypt(alg, plainPick(text));
          check(dec.decode((await joseDecryptVerify(alg, jwe)).payload) === picked, 'jose decrypt+verify != pick');
          return { fn: () => joseSignEncrypt(alg, plainPick(text)), async: true, verified: true };
        } },
      { id: `ms-verify-${alg}`, color: '#d62728', group: 'sign', label: `minseal \`openAndVerify\` with \`signers\`, ${alg}`, chart: `minseal open+verify ${alg}`,
        note: 'open, check the signature against the trusted key, verify the payload against the policy',
        setup({ text, picked }) {
          const m = missing('minimiseAndSeal', 'generateSigningKey', 'openAndVerify'); if (m) return { na: m };
          const signer = msKeys[alg](), priv = keys.minseal.privateJwk, signers = [signer.publicJwk];
          const env = ms.minimiseAndSeal(text, POLICY_ID, keys.minseal.publicJwk, { sign: signer.privateJwk }).envelope;
          const o = ms.openAndVerify(env, priv, { signers });
          check(o.payload === picked && o.signature.status === 'verified' && o.verification.conforms, 'openAndVerify did not verify');
          return { fn: () => ms.openAndVerify(env, priv, { signers }), verified: true };
        } },
      { id: `jose-dec-verify-${alg}`, color: '#8c564b', group: 'sign', label: `jose \`compactDecrypt\` + \`compactVerify\`, ${jwsHeader[alg].alg}`, chart: `jose decrypt+verify ${alg}`,
        note: 'async; no policy check',
        async setup({ text, picked }) {
          const jwe = await joseSignEncrypt(alg, plainPick(text));
          check(dec.decode((await joseDecryptVerify(alg, jwe)).payload) === picked, 'jose decrypt+verify != pick');
          return { fn: () => joseDecryptVerify(alg, jwe), async: true, verified: true };
        } },
    );
  }
  cases.push(
    { id: 'ms-masa-ES256-webcrypto', color: '#ff5a00', group: 'sign', label: 'minseal `minimiseAndSealAsync`, signed ES256 by a non-extractable WebCrypto key', chart: 'minseal async ES256 (CryptoKey)',
      note: 'the portal\'s key never leaves WebCrypto; async',
      async setup({ text, picked }) {
        const m = missing('minimiseAndSealAsync', 'openAndVerify'); if (m) return { na: m };
        const pub = keys.minseal.publicJwk, signer = keys.webEs256;
        const publicJwk = await subtle.exportKey('jwk', signer.publicKey);
        const r = await ms.minimiseAndSealAsync(text, POLICY_ID, pub, { sign: signer });
        const o = ms.openAndVerify(r.envelope, keys.minseal.privateJwk, { signers: [publicJwk] });
        check(o.payload === picked && o.signature.status === 'verified', 'CryptoKey-signed envelope did not verify');
        return { fn: () => ms.minimiseAndSealAsync(text, POLICY_ID, pub, { sign: signer }), async: true, verified: true };
      } },
  );
  return cases.map((c) => ({ ...c, sizes: only4k }));
}

// ---------------------------------------------------------------------------------------------
// Timing: calibrate a batch (≥ ~1 ms) per case, then interleaved rounds over all cases of a size
// until each has ≥ MIN_TIME ms and ≥ MIN_SAMPLES batches; the figure is the median per call.
// ---------------------------------------------------------------------------------------------
const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function runBatch(c, k) {
  const t0 = performance.now();
  if (c.async) for (let i = 0; i < k; i++) await c.fn();
  else for (let i = 0; i < k; i++) c.fn();
  return performance.now() - t0;
}

async function measureSize(size, live) {
  const rounds = size >= 16 << 20 ? 5 : 3;
  const minSamples = 5;
  for (const c of live) {
    c.samples = []; c.spent = 0;
    // Calibrate the batch, then warm up (JIT, wasm tier-up, key caches) for a third of the budget.
    let t = await runBatch(c, 1);
    c.k = 1;
    while (t < 1 && c.k < 1 << 16) { c.k *= 2; t = await runBatch(c, c.k); }
    for (let w = 0, n = 0; w < MIN_TIME / 3 || n < 2; n++) w += await runBatch(c, c.k);
  }
  for (let r = 0; r < rounds || live.some((c) => c.spent < MIN_TIME || c.samples.length < minSamples); r++) {
    for (const c of live) {
      const budget = MIN_TIME / rounds, perRound = Math.ceil(minSamples / rounds);
      let spentHere = 0, n = 0;
      gc();
      while ((spentHere < budget || n < perRound) && !(r >= rounds && c.spent >= MIN_TIME && c.samples.length >= minSamples)) {
        if (size >= 1 << 20) gc(); // big payloads: every batch starts from a clean heap
        const t = await runBatch(c, c.k);
        c.samples.push(t / c.k); c.spent += t; spentHere += t; n++;
      }
    }
    if (r > rounds + 20) break; // safety
  }
  for (const c of live) c.ms = median(c.samples);
}

// ---------------------------------------------------------------------------------------------
const results = {}; // results[caseId][size] = { ms, mbs, n } | { na } | { failed }
let failures = 0;
const machine = { cpu: os.cpus()[0]?.model ?? '?', cores: os.cpus().length, node: process.version, os: `${os.type()} ${os.release()} ${os.arch()}` };
log(`minseal JS bench: node ${machine.node}, ${machine.cpu} × ${machine.cores}${QUICK ? ' (--quick)' : ''}`);
if (msLoadError) log(msLoadError);
else log(`pkg exports: ${Object.keys(ms).sort().join(', ')}`);

// ---- the register of authorities (register.mjs) -----------------------------------------------
function registerSection() {
  if (!has('signRegister')) return ['## Register of authorities (wasm)', '', `n/a (${missing('signRegister')})`, ''];
  const { rows, note } = registerBench(ms, log);
  return ['## Register of authorities (wasm)', '', '| case | median CPU time (wall) | |', '|---|---|---|',
    ...rows.map((r) => `| ${r.label} | ${r.figure} | ${r.per} |`), '', `${note}.`, ''];
}
if (ONLY === 'register') {
  process.stdout.write(registerSection().join('\n') + '\n');
  process.exit(0);
}

// ---- cold start -------------------------------------------------------------------------------
// Measured first, before this process has allocated and compiled for the size rounds, so the
// children are not timed beside its garbage-collector and compiler threads on a 2-core machine
// (those threads add several milliseconds to each child's figure).
function coldOnce(which) {
  const r = spawnSync(process.execPath, [join(HERE, 'coldstart.mjs'), which], { cwd: HERE, encoding: 'utf8' });
  try { return JSON.parse(r.stdout.trim().split('\n').pop()); } catch { return { error: (r.stderr || 'no output').trim().split('\n')[0] }; }
}
const cold = {};
{
  // Alternate the two so that background load hits both alike; stop one after its first error.
  const runs = { minseal: [], hpke: [] }, err = {};
  for (let i = 0; i < (ONLY ? 0 : COLD_N); i++) {
    for (const which of ['hpke', 'minseal']) {
      if (err[which]) continue;
      const o = coldOnce(which);
      if (o.error) err[which] = o.error; else runs[which].push(o);
    }
  }
  for (const which of ['hpke', 'minseal']) {
    cold[which] = ONLY ? { error: 'not run (--only)' } : err[which] ? { error: err[which] }
      : { totalMs: median(runs[which].map((o) => o.totalMs)), importMs: median(runs[which].map((o) => o.importMs)), n: runs[which].length };
  }
}
log(`cold start: hpke ${cold.hpke.error ?? cold.hpke.totalMs.toFixed(1) + ' ms'}, minseal ${cold.minseal.error ?? cold.minseal.totalMs.toFixed(1) + ' ms'}`);

// ---- cold start in Chromium (browser-cold.mjs): first and repeat visits ---------------------------
const BROWSER_RUNS = opt('browser-runs', QUICK ? 2 : 5);
const browserCold = !ONLY || ONLY === 'browser' ? await runBrowserCold({ runs: BROWSER_RUNS, log }) : null;

for (const size of SIZES) {
  const tg = performance.now();
  const { text, records } = makePayload(size);
  const bytes = enc.encode(text);
  const picked = plainPick(text);
  const ctx = { text, bytes, picked, size };
  const live = [];
  for (const c of CASES) {
    (results[c.id] ??= {});
    if (c.sizes && !c.sizes.includes(size)) continue;
    if (ONLY && c.group !== ONLY) continue;
    try {
      const s = await c.setup(ctx);
      if (s.na) { results[c.id][size] = { na: s.na }; continue; }
      live.push({ id: c.id, fn: s.fn, async: !!s.async, verified: s.verified });
    } catch (e) {
      failures++;
      results[c.id][size] = { failed: e.message };
      log(`FAILED ${c.id} @ ${sizeLabel(size)}: ${e.message}`);
    }
  }
  await measureSize(size, live);
  for (const c of live) results[c.id][size] = { ms: c.ms, mbs: size / 1e6 / (c.ms / 1e3), n: c.samples.length * c.k, verified: c.verified };
  log(`${sizeLabel(size)} (${records} records, minimised to ${Buffer.byteLength(picked)} B): ${((performance.now() - tg) / 1e3).toFixed(1)} s`);
}

// ---- package size -----------------------------------------------------------------------------
const pkgFiles = existsSync(PKG) ? readdirSync(PKG).filter((f) => /\.(wasm|js)$/.test(f)).sort() : [];
const sizes = pkgFiles.map((f) => {
  const buf = readFileSync(join(PKG, f));
  return { file: f, raw: buf.length, gz: gzipSync(buf, { level: zc.Z_BEST_COMPRESSION }).length };
});
const pkgVer = (() => { try { return JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')).version; } catch { return 'not built'; } })();

// ---- targets ----------------------------------------------------------------------------------
const R = (id, size) => results[id]?.[size];
const fmtMs = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v >= 0.01 ? v.toFixed(3) : v.toFixed(4));
const fmtMbs = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const why = (r) => (r?.na ?? (r?.failed ? `FAILED: ${r.failed}` : 'not measured'));
const KiB4 = 4096, KiB64 = 65536, MiB1 = 1 << 20, MiB16 = 16 << 20;
const targets = [];
function target(name, fn) {
  try { targets.push({ name, ...fn() }); } catch (e) { targets.push({ name, status: 'n/a', figure: e.message }); }
}
const need = (id, size) => { const r = R(id, size); if (!r || r.ms === undefined) throw new Error(`${id} @ ${sizeLabel(size)}: ${why(r)}`); return r; };
target('1a. 4 KiB `minimiseAndSeal` ≤ 0.8 × libsodium `crypto_box_seal` time', () => {
  const so = need('sodium-seal', KiB4); const m = need('ms-mas', KiB4);
  const x = m.ms / so.ms;
  return { status: x <= 0.8 ? 'met' : 'not met', figure: `${fmtMs(m.ms)} ms vs ${fmtMs(so.ms)} ms = ${x.toFixed(2)}×` };
});
target('1b. 4 KiB `minimiseAndSeal` ≤ 1/3 × hpke-js `seal` time', () => {
  const h = need('hpke-seal', KiB4); const m = need('ms-mas', KiB4);
  const x = m.ms / h.ms;
  return { status: x <= 1 / 3 ? 'met' : 'not met', figure: `${fmtMs(m.ms)} ms vs ${fmtMs(h.ms)} ms = ${x.toFixed(2)}×` };
});
for (const size of [KiB64, MiB1]) {
  target(`2. ${sizeLabel(size)} \`minimise\` ≥ 1× plain-JS pick MB/s (aim 1.5×)`, () => {
    const p = need('js-pick', size); const m = need('ms-min', size);
    const x = m.mbs / p.mbs;
    return { status: x >= 1.5 ? 'met (aim met)' : x >= 1 ? 'met (aim 1.5× not met)' : 'not met', figure: `${fmtMbs(m.mbs)} vs ${fmtMbs(p.mbs)} MB/s = ${x.toFixed(2)}×` };
  });
}
for (const size of [KiB64, MiB1]) {
  target(`2b. ${sizeLabel(size)} \`minimise\` ≥ 1× the generic JS pick MB/s (aim 1.5×)`, () => {
    const p = need('js-generic', size); const m = need('ms-min', size);
    const x = m.mbs / p.mbs;
    return { status: x >= 1.5 ? 'met (aim met)' : x >= 1 ? 'met (aim 1.5× not met)' : 'not met', figure: `${fmtMbs(m.mbs)} vs ${fmtMbs(p.mbs)} MB/s = ${x.toFixed(2)}×` };
  });
  target(`2c. ${sizeLabel(size)} \`minimise(text)\` ≥ 1× \`minimise(TextEncoder.encode(text))\``, () => {
    const b = need('ms-min-bytes', size); const m = need('ms-min', size);
    const x = b.ms / m.ms;
    return { status: x >= 1 ? 'met' : 'not met', figure: `${fmtMs(m.ms)} vs ${fmtMs(b.ms)} ms = ${x.toFixed(2)}×` };
  });
  for (const id of Object.keys(SHAPES)) {
    target(`2d. ${sizeLabel(size)} \`minimise\`, shape ${id}, ≥ 1× the generic JS pick (aim 1.5×)`, () => {
      const p = need(`shape-generic-${id}`, size); const m = need(`shape-ms-${id}`, size);
      const x = p.ms / m.ms;
      return { status: x >= 1.5 ? 'met (aim met)' : x >= 1 ? 'met (aim 1.5× not met)' : 'not met', figure: `${fmtMs(m.ms)} vs ${fmtMs(p.ms)} ms = ${x.toFixed(2)}×` };
    });
  }
}
// Bulk: the async WebCrypto path when the package has it (the sync `seal` row stays in the table).
const bulkId = () => (R('ms-seal-async', MiB16)?.ms !== undefined ? 'ms-seal-async' : 'ms-seal');
const bulkName = () => (bulkId() === 'ms-seal-async' ? '`sealAsync`' : '`seal`');
target('3a. 16 MiB seal (`sealAsync` if present, else `seal`) ≥ hpke-js `seal` MB/s', () => {
  if (!SIZES.includes(MiB16)) throw new Error('16 MiB not run (--quick)');
  const h = need('hpke-seal', MiB16); const m = need(bulkId(), MiB16);
  const x = m.mbs / h.mbs;
  return { status: x >= 1 ? 'met' : 'not met', figure: `${bulkName()} ${fmtMbs(m.mbs)} vs ${fmtMbs(h.mbs)} MB/s = ${x.toFixed(2)}× (sync \`seal\`: ${fmtMbs(need('ms-seal', MiB16).mbs)} MB/s)` };
});
target('3b. 16 MiB seal (`sealAsync` if present, else `seal`) ≥ 0.5 × WebCrypto AES-256-GCM MB/s', () => {
  if (!SIZES.includes(MiB16)) throw new Error('16 MiB not run (--quick)');
  const a = need('aes-enc', MiB16); const m = need(bulkId(), MiB16);
  const x = m.mbs / a.mbs;
  return { status: x >= 0.5 ? 'met' : 'not met', figure: `${bulkName()} ${fmtMbs(m.mbs)} vs ${fmtMbs(a.mbs)} MB/s = ${x.toFixed(2)}×` };
});
target('3c. 16 MiB `openAsync` ≥ hpke-js `open` MB/s', () => {
  if (!SIZES.includes(MiB16)) throw new Error('16 MiB not run (--quick)');
  const h = need('hpke-open', MiB16); const m = need('ms-open-async', MiB16);
  const x = m.mbs / h.mbs;
  return { status: x >= 1 ? 'met' : 'not met', figure: `${fmtMbs(m.mbs)} vs ${fmtMbs(h.mbs)} MB/s = ${x.toFixed(2)}× (sync \`open\`: ${fmtMbs(need('ms-open', MiB16).mbs)} MB/s)` };
});
target('3d. 16 MiB `openAsync` ≥ 0.5 × WebCrypto AES-256-GCM `decrypt` MB/s', () => {
  if (!SIZES.includes(MiB16)) throw new Error('16 MiB not run (--quick)');
  const a = need('aes-dec', MiB16); const m = need('ms-open-async', MiB16);
  const x = m.mbs / a.mbs;
  return { status: x >= 0.5 ? 'met' : 'not met', figure: `${fmtMbs(m.mbs)} vs ${fmtMbs(a.mbs)} MB/s = ${x.toFixed(2)}×` };
});
target('4. cold start (import → first `minimiseAndSeal`) ≤ 15 ms', () => {
  if (cold.minseal.error) throw new Error(`minseal: ${cold.minseal.error}`);
  return { status: cold.minseal.totalMs <= 15 ? 'met' : 'not met', figure: `${fmtMs(cold.minseal.totalMs)} ms (median of ${cold.minseal.n}; hpke-js: ${cold.hpke.error ?? fmtMs(cold.hpke.totalMs) + ' ms'})` };
});
// What a page downloads for each entry: its browser entry, the shared module and the wasm
// (scripts/build-wasm prints the same sums with gzip -9; zlib level 9 here differs by a few bytes).
const ENTRIES = [
  { name: 'full entry (`minseal`)', files: ['index.js', 'minseal.js', 'minseal_core_bg.wasm'], budget: 150 },
  { name: 'sender entry (`minseal/sender`)', files: ['sender.js', 'minseal-sender.js', 'minseal_sender_bg.wasm'], budget: 100 },
];
for (const e of ENTRIES) {
  target(`5. ${e.name}: ${e.files.join(' + ')} ≤ ${e.budget} KiB gzip -9`, () => {
    const parts = e.files.map((f) => sizes.find((s) => s.file === f));
    if (parts.some((p) => p === undefined)) throw new Error(`pkg/ lacks ${e.files.filter((f, i) => !parts[i]).join(', ')}`);
    const gz = parts.reduce((n, p) => n + p.gz, 0);
    return { status: gz <= e.budget * 1024 ? 'met' : 'not met', figure: `${(gz / 1024).toFixed(1)} KiB (${gz} B)` };
  });
}

// ---- the report -------------------------------------------------------------------------------
const versions = {
  minseal: pkgVer,
  '@hpke/core': pkgVersion('@hpke/core'),
  '@hpke/dhkem-x25519': pkgVersion('@hpke/dhkem-x25519'),
  'libsodium-wrappers': pkgVersion('libsodium-wrappers'),
  libsodium: pkgVersion('libsodium'),
  jose: pkgVersion('jose'),
  'fast-redact': pkgVersion('fast-redact'),
};
const cmd = `cd benches/js && npm ci && node bench.mjs${QUICK ? ' --quick' : ''}`;
const cell = (r) => {
  if (!r) return '—';
  if (r.na) return r.na;
  if (r.failed) return `**FAILED**`;
  return `${fmtMs(r.ms)} ms · ${fmtMbs(r.mbs)} MB/s`;
};
const L = [];
L.push('# JavaScript benchmarks: minseal (wasm) side by side', '');
L.push(`Generated by \`make bench\` (\`${cmd}\`); do not edit by hand.`, '');
L.push(`- Machine: ${machine.cpu}, ${machine.cores} cores (shared with other builds: expect noise); ${machine.os}`);
L.push(`- Node ${machine.node}; packages: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
L.push(`- Payload: \`2ap/subscriber-response\` JSON made by \`benches/js/payloads.mjs\` (seeded PRNG; about half of each record is traffic data and other fields the policy strips). Figures: median time per call, and MB/s = 10⁶ bytes of *input* payload per second (for \`open\`: of the plaintext). Each case runs ≥ ${MIN_TIME} ms and ≥ 5 batches, interleaved with the others in ${'≥ 3'} rounds, all in one process.`);
if (!has('minimiseAndSeal')) L.push(`- **minseal's bindings are not in pkg/ yet** (pkg exports: ${ms ? Object.keys(ms).sort().join(', ') : 'none'}): its rows read "n/a (export missing)"; no number is estimated.`);
L.push('');
L.push('## Targets', '', '| target | figure | status |', '|---|---|---|');
for (const t of targets) L.push(`| ${t.name} | ${t.figure} | ${t.status} |`);
L.push('');
const groups = [
  ['seal', 'Seal (encrypt to an X25519 public key)'],
  ['open', 'Open (decrypt with the private key)'],
  ['minimise', 'Minimise (JSON string in, JSON string out)'],
  ['sign', 'Signed: minimise, sign and seal; open and verify the signature (4 KiB)'],
  ['shapes', 'Minimise, payload shapes (string in, string out; MB/s of the nominal size, the text is at most that)'],
];
for (const [g, title] of groups) {
  L.push(`## ${title}`, '', `| row | ${SIZES.map(sizeLabel).join(' | ')} | what |`, `|---|${SIZES.map(() => '---').join('|')}|---|`);
  for (const c of CASES.filter((c) => c.group === g)) L.push(`| ${c.label} | ${SIZES.map((s) => cell(R(c.id, s))).join(' | ')} | ${c.note} |`);
  L.push('');
}
L.push('fast-redact is a **deny-list**: it removes only the paths it is told about, so any field nobody listed (a new `login_history_v2`, a typo) leaks; it has no `$..name` at any depth, no type checks, no mask transform and no required-field check. It is here for speed context only, not as an equivalent. The plain-JS pick is an allow-list but hand-written for one policy, without a receipt, duplicate-key detection, exact number text or size/depth limits.', '');
L.push('## Cold start (fresh `node` process, `coldstart.mjs`)', '', '| library | import | import → first minimised, sealed result | runs |', '|---|---|---|---|');
for (const [k, lbl] of [['minseal', 'minseal `minimiseAndSeal`'], ['hpke', 'hpke-js (plain-JS pick + `seal`)']]) {
  const c = cold[k];
  L.push(c.error ? `| ${lbl} | n/a | n/a (${c.error}) | — |` : `| ${lbl} | ${fmtMs(c.importMs)} ms | ${fmtMs(c.totalMs)} ms | median of ${c.n} |`);
}
L.push('');
if (browserCold) L.push(renderBrowserCold(browserCold, `cd benches/js && node browser-cold.mjs --runs=${BROWSER_RUNS}`));
L.push('## Package size (gzip -9, zlib level 9, each file separately)', '', '| file | raw | gzip -9 |', '|---|---|---|');
for (const s of sizes) L.push(`| pkg/${s.file} | ${s.raw} B | ${s.gz} B |`);
if (!sizes.length) L.push('| pkg/ not built | | |');
for (const e of ENTRIES) {
  const parts = e.files.map((f) => sizes.find((s) => s.file === f)).filter(Boolean);
  const raw = parts.reduce((n, p) => n + p.raw, 0), gz = parts.reduce((n, p) => n + p.gz, 0);
  if (parts.length) L.push(`| **${e.name}: what a page downloads** | ${raw} B | ${gz} B (${(gz / 1024).toFixed(1)} KiB) |`);
}
L.push('');
L.push(...registerSection());
const failedRows = Object.entries(results).flatMap(([id, bySize]) => Object.entries(bySize).filter(([, r]) => r.failed).map(([s, r]) => `- ${id} @ ${sizeLabel(Number(s))}: ${r.failed}`));
if (failedRows.length) L.push('## Failed checks', '', ...failedRows, '');

// The chart: one panel per group.
const svg = renderSvg({
  title: 'minseal (wasm) vs alternatives — MB/s by payload size (higher is better)',
  subtitle: `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; medians; dashed = reference, not an equivalent`,
  sizes: ALL_SIZES.map(sizeLabel),
  panels: groups.filter(([g]) => g !== 'shapes').map(([g, title]) => ({
    title: title.replace(/ \(.*/, ''),
    series: CASES.filter((c) => c.group === g).map((c) => ({ label: c.chart, color: c.color, dashed: c.dashed, points: ALL_SIZES.map((s) => R(c.id, s)?.mbs ?? null) })),
  })),
});

const md = L.join('\n');
process.stdout.write(md + '\n');
if (WRITE) {
  const chart = writeChart(svg, join(DOCS, 'BENCHMARKS-js.svg'), join(DOCS, 'BENCHMARKS-js.png'));
  const img = chart.png ? '![MB/s by payload size](BENCHMARKS-js.png)' : '![MB/s by payload size](BENCHMARKS-js.svg)';
  writeFileSync(join(DOCS, 'BENCHMARKS-js.md'), md.replace('## Targets', `${img}\n\n## Targets`) + '\n');
  log(`wrote ${relative(process.cwd(), join(DOCS, 'BENCHMARKS-js.md'))}; ${chart.note}`);
} else {
  log('not written (--quick without --write)');
}
if (failures) { log(`${failures} check(s) FAILED`); process.exitCode = 1; }
