// The package under the strict CSP (`script-src 'self' 'wasm-unsafe-eval'`, no 'unsafe-eval',
// no inline script) in headless Chromium: www/csp-check.html imports /pkg/index.js, seals,
// minimises and opens, and records every `securitypolicyviolation` event; there must be none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CSP } from '../../../scripts/serve.mjs';
import { servedPages } from './launch.mjs';

const env = servedPages();

test('the package works under the strict CSP with no violations', async () => {
  assert.match(CSP, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.doesNotMatch(CSP, /(^|[\s;])'unsafe-eval'|'unsafe-inline'/);
  const page = await env.browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => (m.type() === 'error' || /Content Security Policy/i.test(m.text())) && problems.push(m.text()));
  const res = await page.goto(`${env.base}/csp-check.html`);
  assert.equal(res.headers()['content-security-policy'], CSP);
  await page.waitForFunction(() => document.getElementById('result').textContent !== 'running');
  const r = JSON.parse(await page.textContent('#result'));
  assert.deepEqual(r, {
    opened: '{"hello":"csp"}',
    flow: { payload: '{"keep":1}', conforms: true },
    code: 'no_matching_recipient',
    violations: [],
  });
  assert.deepEqual(problems, []);
});
