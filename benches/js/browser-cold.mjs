// Cold start in the browser: headless Chromium (Debian's, driven by playwright-core, like the
// browser tests) loads one page per library from a local server and the page records, from
// navigation start (`performance.now()`), when its first seal of a 4 KiB order is done.
//
//   node browser-cold.mjs [--runs=N] [--linger=MS] [--only=ID,ID]    prints the Markdown table
//
// Visits (each a fresh Chromium process on the run's own profile directory, so nothing stays in
// memory between them; the profile's disk caches do; each first opens a blank page of the same
// site, as a user arrives from the portal's other pages, so the renderer process is up):
//   1. first visit: empty profile (no HTTP cache, no code cache);
//   2. second visit: warm HTTP cache; Chromium has seen the scripts once, so it compiles them
//      and now writes their V8 code cache;
//   3. repeat visit: warm HTTP cache, and the V8 code cache of the scripts and, for a wasm
//      module of 128 KiB or more compiled by streaming, of its compiled code.
// Chromium stores a wasm module's compiled code only once V8 has tiered enough of it up, so
// visits 1 and 2 use the page the way a portal's user does before leaving: `--uses` more seals
// (default 100), then the page stays open `--linger` ms (default 2500) before the browser closes.
// The "page" row is the same HTML and module without any library (it reads the order and the
// key): the page's own load, which the other rows are read against ("beyond the page").
//
// Every library is bundled with esbuild as an application would ship it (minseal's wasm file
// sits beside the bundle, where `new URL(…, import.meta.url)` finds it); scripts and wasm are
// served with `Cache-Control: max-age=86400`, the HTML with `no-cache`.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, EXECUTABLE } from '../../tests/js/browser/launch.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const PKG = join(ROOT, 'pkg');
const OUT = join(ROOT, 'target', 'bench-browser');
const testsRequire = createRequire(join(ROOT, 'tests', 'js', 'package.json'));

// ---------------------------------------------------------------------------------------------
// The contenders, one line each: id, label, the module's imports, what readies the library,
// the first seal (an expression; `order` is the 4 KiB order text, `jwk` the recipient's X25519
// public JWK, `raw` its 32 bytes, `utf8` a TextEncoder), and for minseal the entry's file in pkg/
// (`when`: skipped if not built) and its wasm module, copied beside the bundle. A sender entry of the package is one more line.
// ---------------------------------------------------------------------------------------------
const MINSEAL = (entry, wasm) => ({ imports: `import { init, minimiseAndSeal } from ${JSON.stringify(join(PKG, entry))};`, ready: 'await init();',
  seal: "minimiseAndSeal(order, '2ap/art7-order', jwk).envelope", wasm, when: entry });
export const CONTENDERS = [
  { id: 'page', label: 'the page alone (no library: reads the order and the key)', imports: '', ready: '', seal: 'utf8.encode(order)' },
  { id: 'minseal', label: 'minseal `minimiseAndSeal` (full entry)', ...MINSEAL('index.js', 'minseal_core_bg.wasm') },
  { id: 'minseal-sender', label: 'minseal `minimiseAndSeal` (sender entry)', ...MINSEAL('sender.js', 'minseal_sender_bg.wasm') },
  { id: 'hpke', label: 'hpke-js `seal` (X25519, HKDF-SHA256, AES-256-GCM)', imports: "import { CipherSuite, HkdfSha256, Aes256Gcm } from '@hpke/core'; import { DhkemX25519HkdfSha256 } from '@hpke/dhkem-x25519';",
    ready: 'const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });',
    seal: '(await suite.seal({ recipientPublicKey: await suite.kem.deserializePublicKey(raw) }, utf8.encode(order))).ct' },
  { id: 'jose', label: 'jose JWE `CompactEncrypt` (ECDH-ES+A256KW, X25519, A256GCM)', imports: "import { CompactEncrypt, importJWK } from 'jose';", ready: '',
    seal: "await new CompactEncrypt(utf8.encode(order)).setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' }).encrypt(await importJWK(jwk, 'ECDH-ES+A256KW'))" },
  { id: 'sodium', label: 'libsodium.js `crypto_box_seal`', imports: "import sodium from 'libsodium-wrappers';", ready: 'await sodium.ready;',
    seal: 'sodium.crypto_box_seal(utf8.encode(order), raw)' },
];
// The anchors the ratios are given to.
export const ANCHORS = ['hpke', 'jose', 'sodium'];

/** The sample Art. 7 order, padded to exactly 4 KiB with a member the policy drops. */
export function order4k() {
  const o = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', '2ap-art7-order', 'input.json'), 'utf8'));
  o.internal_notes = '';
  const pad = 4096 - Buffer.byteLength(JSON.stringify(o));
  if (pad < 0) throw new Error('the sample order is over 4 KiB');
  o.internal_notes = 'x'.repeat(pad);
  return JSON.stringify(o);
}

const html = (id, order, jwk) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cold start: ${id}</title>
<script type="application/json" id="order">${order.replace(/</g, '\\u003c')}</script>
<script type="application/json" id="key">${JSON.stringify(jwk)}</script>
<script type="module" src="main.js"></script>
</head><body></body></html>
`;

const main = (c) => `${c.imports}
const utf8 = new TextEncoder();
const order = document.getElementById('order').textContent;
const jwk = JSON.parse(document.getElementById('key').textContent);
const raw = Uint8Array.from(atob(jwk.x.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0));
const evaluated = performance.now();
try {
  ${c.ready}
  const ready = performance.now();
  const sealOnce = async () => ${c.seal};
  const out = await sealOnce();
  const done = performance.now();
  const size = out instanceof Uint8Array ? out.length : typeof out === 'string' ? out.length : JSON.stringify(out).length;
  window.__use = async (n) => { for (let i = 0; i < n; i++) await sealOnce(); };
  // When the HTML had arrived: what follows is the page's own work and the library's.
  const html = performance.getEntriesByType('navigation')[0]?.responseEnd ?? NaN;
  window.__coldstart = { html, evaluated, ready, done, size };
} catch (e) {
  window.__coldstart = { error: String(e && e.stack || e) };
}
`;

/** Writes target/bench-browser/<id>/{index.html,main.js[,*.wasm]} for the contenders pkg/ has. */
export function buildPages(only) {
  const esbuild = testsRequire('esbuild');
  const { publicKey } = generateKeyPairSync('x25519');
  const jwk = publicKey.export({ format: 'jwk' });
  const order = order4k();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'blank.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>portal</title></head><body></body></html>\n');
  const built = [], skipped = [];
  for (const c of CONTENDERS) {
    if (only && c.id !== 'page' && !only.includes(c.id)) continue;
    if (c.when && !existsSync(join(PKG, c.when))) { skipped.push({ ...c, why: `pkg/${c.when} not built` }); continue; }
    const dir = join(OUT, c.id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.html'), html(c.id, order, jwk));
    writeFileSync(join(dir, 'main.src.js'), main(c));
    esbuild.buildSync({ entryPoints: [join(dir, 'main.src.js')], outfile: join(dir, 'main.js'), bundle: true, minify: true,
      format: 'esm', platform: 'browser', target: 'es2022', nodePaths: [join(HERE, 'node_modules')], logLevel: 'error' });
    if (c.wasm) copyFileSync(join(PKG, c.wasm), join(dir, c.wasm));
    const bytes = readdirSync(dir).filter((f) => f !== 'main.src.js').reduce((s, f) => s + readFileSync(join(dir, f)).length, 0);
    built.push({ ...c, bytes });
  }
  return { built, skipped };
}

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm' };
function serve() {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url || '/').split('?')[0])).replace(/^(\.\.[/\\])+/, '');
    const file = join(OUT, path.endsWith('/') ? join(path, 'index.html') : path);
    if (!file.startsWith(OUT) || !existsSync(file) || file.endsWith('.src.js')) { res.writeHead(404).end(); return; }
    const ext = extname(file);
    res.writeHead(200, { 'content-type': MIME[ext] ?? 'application/octet-stream',
      'cache-control': ext === '.html' ? 'no-cache' : 'public, max-age=86400' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

async function visit(chromium, profile, url, { uses, linger }) {
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: EXECUTABLE, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = ctx.pages()[0] ?? await ctx.newPage();
    // The user arrives from another page of the same site: the renderer process is up.
    await page.goto(new URL('/blank.html', url).href, { waitUntil: 'load' });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__coldstart !== undefined, null, { timeout: 60_000 });
    const r = await page.evaluate(() => window.__coldstart);
    if (!r.error && uses > 0) {
      await page.evaluate((n) => window.__use(n), uses);
      await page.waitForTimeout(linger);
    }
    return r;
  } finally {
    await ctx.close();
  }
}

const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length ? (s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2) : NaN; };
// Entries of Chromium's simple disk cache are files named <hash>_0 (the index files are not).
const countEntries = (dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => /^[0-9a-f]{16}_0$/.test(f)).length : 0);

/** Runs every built contender `runs` times (interleaved), three visits each. */
export async function runBrowserCold({ runs = 5, uses = 100, linger = 2500, only = null, log = () => {} } = {}) {
  if (!existsSync(EXECUTABLE)) return { error: `Chromium not found at ${EXECUTABLE}` };
  const { chromium } = testsRequire('playwright-core');
  const { built, skipped } = buildPages(only);
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const samples = Object.fromEntries(built.map((c) => [c.id, { v1: [], v2: [], v3: [], a1: [], a2: [], a3: [], ready1: [], eval1: [], wasmCache: [] }]));
  const errors = {};
  try {
    for (let run = 0; run < runs; run++) {
      // A different order every run, so a slow first launch does not always hit the same page.
      for (const c of built.map((_, i) => built[(i + run) % built.length])) {
        if (errors[c.id]) continue;
        const profile = mkdtempSync(join(tmpdir(), 'minseal-cold-'));
        try {
          const s = samples[c.id];
          for (const v of [1, 2, 3]) {
            const r = await visit(chromium, profile, `${base}/${c.id}/`, { uses: v < 3 ? uses : 0, linger });
            if (r.error) { errors[c.id] = r.error.split('\n')[0]; break; }
            s[`v${v}`].push(r.done);
            s[`a${v}`].push(r.done - r.html);
            if (v === 1) { s.ready1.push(r.ready); s.eval1.push(r.evaluated); }
          }
          s.wasmCache.push(countEntries(join(profile, 'Default', 'Code Cache', 'wasm')));
        } finally {
          rmSync(profile, { recursive: true, force: true });
        }
      }
      log(`browser cold start: run ${run + 1}/${runs}`);
    }
  } finally {
    server.close();
  }
  const rows = built.map((c) => {
    const s = samples[c.id];
    return { id: c.id, label: c.label, bytes: c.bytes, error: errors[c.id], n: s.v1.length,
      v1: median(s.v1), v2: median(s.v2), v3: median(s.v3), a1: median(s.a1), a3: median(s.a3), eval1: median(s.eval1), ready1: median(s.ready1),
      wasmCache: Math.max(0, ...s.wasmCache) };
  });
  return { rows, skipped, runs, uses, linger };
}

const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');

/** The Markdown section: times, beyond the page's own load, ratios to the anchors, targets. */
export function renderBrowserCold(res, cmd) {
  const L = ['## Cold start in Chromium (`browser-cold.mjs`)', ''];
  if (res.error) return [...L, `Not run: ${res.error}.`, ''].join('\n');
  const by = Object.fromEntries(res.rows.map((r) => [r.id, r]));
  const page = by.page;
  const beyond = (r, v) => (page && !page.error ? r[v] - page[v] : NaN);
  L.push(`From navigation start to the first sealed 4 KiB order (the sample Art. 7 order padded with a dropped member), in ms, median of ${res.runs} runs; each visit a fresh headless Chromium process on the run's profile. Visits 1 and 2 then seal ${res.uses} more times and stay ${res.linger} ms (so V8 tiers the code up and Chromium may store it). minseal minimises and seals; the others only seal. Command: \`${cmd}\`.`, '');
  L.push('| page | bundle + wasm | module evaluated (visit 1) | library ready (visit 1) | **first visit** | beyond the page | after the HTML | second visit | **repeat visit** | beyond the page | after the HTML | wasm code cache entries |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of res.rows) {
    if (r.error) { L.push(`| ${r.label} | ${r.bytes} B | n/a (${r.error}) | | | | | | | | | |`); continue; }
    const b = r.id === 'page' ? '—' : f1(beyond(r, 'v1'));
    const b3 = r.id === 'page' ? '—' : f1(beyond(r, 'v3'));
    L.push(`| ${r.label} | ${r.bytes} B | ${f1(r.eval1)} | ${f1(r.ready1)} | **${f1(r.v1)}** | ${b} | ${f1(r.a1)} | ${f1(r.v2)} | **${f1(r.v3)}** | ${b3} | ${f1(r.a3)} | ${r.wasmCache} |`);
  }
  for (const s of res.skipped) L.push(`| ${s.label} | n/a (${s.why}) | | | | | | | | | | |`);
  L.push('', '"After the HTML": from the end of the HTML response (Navigation Timing `responseEnd`) to the first seal, each visit\'s own difference, median; it leaves out the navigation itself, whose time varies most on a loaded host.');
  L.push('');
  const ms = res.rows.filter((r) => r.id.startsWith('minseal') && !r.error);
  const anchors = ANCHORS.map((a) => by[a]).filter((a) => a && !a.error);
  if (ms.length && anchors.length) {
    L.push('Ratios, time to the first seal (minseal ÷ anchor; below 1 is faster than the anchor):', '');
    L.push(`| minseal entry | visit | ${anchors.map((a) => a.id).join(' | ')} |`, `|---|---|${anchors.map(() => '---').join('|')}|`);
    for (const r of ms) {
      for (const [v, name] of [['v1', 'first'], ['v3', 'repeat']]) {
        L.push(`| ${r.id} | ${name} | ${anchors.map((a) => `${(r[v] / a[v]).toFixed(2)}× (beyond the page: ${(beyond(r, v) / beyond(a, v)).toFixed(2)}×)`).join(' | ')} |`);
      }
    }
    L.push('');
    L.push('| target | figure | status |', '|---|---|---|');
    for (const r of ms) {
      const b1 = beyond(r, 'v1'), b3 = beyond(r, 'v3');
      const slower = ['hpke', 'jose'].filter((a) => by[a] && !by[a].error && r.v1 >= by[a].v1);
      L.push(`| ${r.id}: first visit ≤ 15 ms beyond the page's own load, below hpke-js and jose | ${f1(b1)} ms beyond (${f1(r.v1)} vs page ${f1(page?.v1)}); hpke-js ${f1(by.hpke?.v1)}, jose ${f1(by.jose?.v1)} | ${b1 <= 15 && !slower.length ? 'met' : 'not met'}${slower.length ? ` (not below ${slower.join(', ')})` : ''} |`);
      L.push(`| ${r.id}: repeat visit ≤ 5 ms beyond the page's own load | ${f1(b3)} ms (${f1(r.v3)} vs page ${f1(page?.v3)}) | ${b3 <= 5 ? 'met' : 'not met'} |`);
    }
    L.push('');
  }
  return L.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (n, d) => { const a = process.argv.find((x) => x.startsWith(`--${n}=`)); return a ? a.slice(n.length + 3) : d; };
  const only = arg('only', null)?.split(',');
  const opts = { runs: Number(arg('runs', 5)), uses: Number(arg('uses', 100)), linger: Number(arg('linger', 2500)), only };
  const res = await runBrowserCold({ ...opts, log: (m) => process.stderr.write(m + '\n') });
  process.stdout.write(renderBrowserCold(res, `cd benches/js && node browser-cold.mjs${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}`) + '\n');
  if (res.error || res.rows.some((r) => r.error)) process.exitCode = 1;
}
