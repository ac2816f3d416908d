// A page from www/ loads the package in headless Chromium and shows a value computed in wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { servedPages } from './launch.mjs';

const env = servedPages();

test('www/smoke.html shows the version computed by the wasm module', async () => {
  const page = await env.browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.goto(`${env.base}/smoke.html`);
  await page.waitForFunction(() => document.getElementById('version').textContent !== 'loading');
  const cargo = readFileSync(new URL('../../../Cargo.toml', import.meta.url), 'utf8');
  const want = /^version = "([^"]+)"/m.exec(cargo)[1];
  assert.equal(await page.textContent('#version'), want);
  assert.deepEqual(problems, []);
});
