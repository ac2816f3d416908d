// End to end in Chromium: a page seals and signs an order to a receiver it picks from a register
// (by Party and role), the receiving service (crates/receiver, in register mode, on 127.0.0.1 with
// a free port) accepts it and answers with a signed acknowledgement, and the page verifies that
// acknowledgement against the register; the same bytes again get the same answer, and an envelope
// signed with a revoked key is refused (403 key_revoked) with a signed refusal the page verifies.
//
// The receiver is built with `cargo build -p minseal-receiver`; if it cannot be built or started,
// the test fails with its output. This file's server serves the page, pkg/ and the test's
// register, under the demo's strict CSP, and forwards POST /envelopes to the receiver, so the
// page talks to one origin only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as m from '../../../pkg/node.js';
import { CSP } from '../../../scripts/serve.mjs';
import { launch } from './launch.mjs';
import { authority, register, signed } from '../lib/register-kit.mjs';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const DAY = 86400;
const iso = (t) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const now = Math.floor(Date.now() / 1000);
// Dates around the real clock: the receiver loads the register against it.
const valid = { from: iso(now - 30 * DAY), until: iso(now + 30 * DAY) };
const dates = { issuedAt: iso(now - DAY), nextUpdate: iso(now + 7 * DAY) };

const operator = m.generateSigningKey('Ed25519');
const pg = authority(m, 'xa-prosecutor', 'XA', ['competent_authority'], { alg: 'ES256', name: 'Prosecutor General (test)', encKey: valid, sigKey: valid });
const police = authority(m, 'xa-police', 'XA', ['competent_authority'],
  { encKey: valid, sigKey: { ...valid, revokedAt: iso(now - DAY) } });
const isp = authority(m, 'xb-isp', 'XB', ['service_provider'], { name: 'Example Networks (test)', encKey: valid, sigKey: valid });
const registerDoc = signed(m, operator, register(4, [pg, police, isp].map((a) => a.entry), dates));

let dir, receiver, receiverUrl, server, base, browser;

function buildReceiver() {
  const r = spawnSync('cargo', ['build', '-q', '-p', 'minseal-receiver'], { cwd: repo, encoding: 'utf8',
    env: { CARGO_BUILD_JOBS: '1', ...process.env } });
  if (r.status !== 0) throw new Error(`cargo build -p minseal-receiver failed (${r.error ?? `exit ${r.status}`}):\n${r.stderr}`);
  return join(process.env.CARGO_TARGET_DIR ?? join(repo, 'target'), 'debug', 'minseal-receiver');
}

// Starts the receiver and resolves with its URL from the first line it prints.
function startReceiver(bin) {
  const file = (name, value) => { const p = join(dir, name); writeFileSync(p, value); return p; };
  const args = ['--key', file('isp.jwk', JSON.stringify(isp.enc.privateJwk)), '--store', join(dir, 'store'), '--port', '0',
    '--register', file('register.json', registerDoc), '--trust', file('operator.jwk', JSON.stringify(operator.publicJwk)),
    '--accept', '2ap/art7-order', '--sign-key', file('isp-sig.jwk', JSON.stringify(isp.sig.privateJwk))];
  receiver = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  receiver.stderr.on('data', (d) => { stderr += d; });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the receiver did not start within 60 s:\n${stderr}`)), 60_000);
    receiver.on('error', (e) => { clearTimeout(timer); fail(new Error(`the receiver could not be started: ${e.message}`)); });
    receiver.on('exit', (code) => { clearTimeout(timer); fail(new Error(`the receiver exited (${code}) before listening:\n${stderr}`)); });
    receiver.stdout.on('data', (d) => {
      stdout += d;
      const hit = stdout.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\/envelopes/);
      if (hit) { clearTimeout(timer); ok(hit[1]); }
    });
  });
}

const PAGES = { '/e2e.html': ['tests/js/browser/pages/e2e.html', 'text/html; charset=utf-8'],
  '/e2e.js': ['tests/js/browser/pages/e2e.js', 'text/javascript; charset=utf-8'] };
const PKG = { '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm' };

function serve(req, res) {
  const path = new URL(req.url, 'http://x').pathname;
  const send = (status, type, body) => res.writeHead(status, { 'content-type': type, 'content-security-policy': CSP,
    'cache-control': 'no-store' }).end(body);
  if (req.method === 'POST' && path === '/envelopes') {
    const fwd = request(`${receiverUrl}/envelopes`, { method: 'POST', headers: { 'content-type': req.headers['content-type'] } }, (up) => {
      res.writeHead(up.statusCode, { 'content-type': up.headers['content-type'] ?? 'application/json' });
      up.pipe(res);
    });
    fwd.on('error', (e) => send(502, 'text/plain', `receiver unreachable: ${e.message}`));
    req.pipe(fwd);
    return;
  }
  if (path === '/config.json') {
    return send(200, 'application/json', JSON.stringify({
      register: registerDoc, operator: operator.publicJwk,
      order: readFileSync(join(repo, 'tests/fixtures/2ap-art7-order/input.json'), 'utf8'),
      senders: { accepted: pg.sig.privateJwk, revoked: police.sig.privateJwk },
    }));
  }
  if (PAGES[path]) return send(200, PAGES[path][1], readFileSync(join(repo, PAGES[path][0])));
  const pkg = path.match(/^\/pkg\/([\w.-]+)$/);
  const type = pkg && PKG[pkg[1].slice(pkg[1].lastIndexOf('.'))];
  if (type) {
    try { return send(200, type, readFileSync(join(repo, 'pkg', pkg[1]))); } catch { /* 404 below */ }
  }
  send(404, 'text/plain', 'not found');
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'minseal-e2e-'));
  receiverUrl = await startReceiver(buildReceiver());
  server = createServer(serve);
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
  receiver?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('page → receiver → signed acknowledgement, verified by the page; a revoked key refused', async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
  await page.goto(`${base}/e2e.html`);
  await page.waitForFunction(() => document.getElementById('result').textContent !== 'running', null, { timeout: 60_000 });
  const r = JSON.parse(await page.textContent('#result'));
  assert.equal(r.failed, undefined, r.failed);
  assert.equal(r.recipients, 1);
  assert.deepEqual(r.accepted, { status: 202, error: null, signer: 'xa-prosecutor',
    ack: { outcome: 'accepted', code: null, signer: 'Example Networks (test)', party: 'XB' } });
  assert.deepEqual(r.again, r.accepted);
  assert.deepEqual(r.revoked, { status: 403, error: 'key_revoked', signer: null,
    ack: { outcome: 'refused', code: 'key_revoked', signer: 'Example Networks (test)', party: 'XB' } });
  // Chromium logs the 403 as a failed resource load; nothing else may be logged.
  assert.deepEqual(problems.filter((p) => !/status of 403/.test(p)), []);
});
