// The sender entry in headless Chromium, imported as a plain ES module (`/pkg/sender.js`, no
// bundler) by an empty page of the test server's origin under its strict CSP: it fetches its own wasm module (not the full one),
// minimises, seals and signs (a private JWK in `minimiseAndSeal`, a non-extractable WebCrypto
// key in `sealAsync`), and then the full entry (`/pkg/index.js`) opens both and verifies the
// signatures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CSP } from '../../../scripts/serve.mjs';
import { servedPages } from './launch.mjs';

const env = servedPages();
const order = readFileSync(new URL('../../fixtures/2ap-art7-order/input.json', import.meta.url), 'utf8');

test('sender.js seals and signs in the browser; index.js opens what it sealed', async () => {
  const page = await env.browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => (m.type() === 'error' || /Content Security Policy/i.test(m.text())) && problems.push(m.text()));
  const wasm = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && wasm.push(new URL(r.url()).pathname));
  // An empty page (www/'s pages load the full entry themselves), with the server's CSP.
  await page.route(`${env.base}/sender-test.html`, (r) => r.fulfill({ status: 200, contentType: 'text/html; charset=utf-8',
    headers: { 'content-security-policy': CSP }, body: '<!doctype html><title>sender</title><link rel="icon" href="data:,">' }));
  await page.goto(`${env.base}/sender-test.html`);
  const sealed = await page.evaluate(async (order) => {
    const s = await import('/pkg/sender.js');
    await s.init();
    const authority = s.generateKeyPair();
    const jwkKey = s.generateSigningKey('Ed25519');
    const sync = s.minimiseAndSeal(order, '2ap/art7-order', authority.publicJwk, { sign: jwkKey.privateJwk });
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const webPublic = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const asyncEnv = await s.sealAsync('{"a":1}', authority.publicJwk, { sign: pair, format: 'string' });
    return { authority, jwkKey, sync, webPublic, asyncEnv, exports: Object.keys(s).sort() };
  }, order);
  assert.deepEqual(wasm, ['/pkg/minseal_sender_bg.wasm']);
  for (const name of ['open', 'openAndVerify', 'exportProof', 'verifyProof']) {
    assert.ok(!sealed.exports.includes(name), `sender entry exports ${name}`);
  }
  assert.ok(sealed.exports.includes('sealAsync') && sealed.exports.includes('minimiseAndSeal'));
  const opened = await page.evaluate(async (x) => {
    const m = await import('/pkg/index.js');
    await m.init();
    const a = m.openAndVerify(x.sync.envelope, x.authority.privateJwk, { signers: [x.jwkKey.publicJwk] });
    const b = m.open(x.asyncEnv, x.authority.privateJwk, { signers: [x.webPublic] });
    return { a: { payload: a.payload, sig: a.signature.status, kid: a.signature.kid, conforms: a.verification.conforms },
      b: { payload: b.payload, sig: b.signature.status, alg: b.signature.alg } };
  }, sealed);
  assert.deepEqual(opened.a, { payload: sealed.sync.payload, sig: 'verified', kid: sealed.jwkKey.kid, conforms: true });
  assert.doesNotMatch(sealed.sync.payload, /investigator_notes/);
  assert.deepEqual(opened.b, { payload: '{"a":1}', sig: 'verified', alg: 'ES256' });
  assert.deepEqual(wasm, ['/pkg/minseal_sender_bg.wasm', '/pkg/minseal_core_bg.wasm']);
  assert.deepEqual(problems, []);
});
