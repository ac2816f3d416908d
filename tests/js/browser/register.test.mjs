// The register demo page (www/register.html) in headless Chromium, under the strict CSP: the
// demo register loads and verifies, an order sealed to a recipient picked by Party and role is
// accepted with who signed it, a replay and an envelope signed with a revoked key are refused
// with their code, and each answer's signed acknowledgement verifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { servedPages } from './launch.mjs';

const shots = new URL('../../../test-output/screenshots/', import.meta.url);
const env = servedPages();

async function openPage() {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  await page.goto(`${env.base}/register.html`);
  await page.waitForSelector('body[data-ready]');
  if (await page.isVisible('#load-error')) throw new Error(`the page could not load: ${await page.textContent('#load-error')}`);
  return { page, problems };
}

const text = (page, id) => page.textContent(`[data-testid="${id}"]`);

test('register page: pick the recipient by Party and role, see who signed, refusals with their code', async () => {
  const { page, problems } = await openPage();
  assert.match(await text(page, 'reg-status'), /Register demo-register, serial 1, .*signature verified/);
  assert.equal(await page.locator('#reg-table tbody tr').count(), 7);
  assert.match(await page.textContent('#reg-table tbody'), /revoked 2026-10-01/);

  // The accepting path: the prosecutor general to XB's service provider (the Art. 7 profile's audience).
  assert.equal(await page.inputValue('#profile'), '2ap/art7-order');
  assert.match(await text(page, 'recipient'), /service provider of XB .*Example Telecom of Borduria/);
  await page.click('#send');
  await page.waitForFunction(() => document.getElementById('send-status').textContent !== '');
  assert.match(await text(page, 'send-status'), /^Sealed to Example Telecom of Borduria \(fictional\) and signed as Office of the Prosecutor General/);
  await page.click('#receive');
  assert.equal(await text(page, 'recv-status'),
    'Signed by Office of the Prosecutor General of Arcadia (fictional), XA, competent authority; register serial 1, verified.');
  assert.match(await text(page, 'ack-status'), /^Acknowledgement signed by Example Telecom of Borduria \(fictional\) \(XB\) verified: accepted\.$/);
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: new URL('register-accepted.png', shots).pathname, fullPage: true });

  // The same envelope again: a replay, refused, with a signed refusal.
  await page.click('#receive');
  assert.match(await text(page, 'recv-status'), /^Refused because this envelope was already received: replayed: /);
  assert.match(await text(page, 'ack-status'), /verified: refused \(replayed\)\.$/);

  // Signed with the police unit's revoked key: refused, and why.
  const police = await page.locator('#sender option', { hasText: 'signing key revoked' }).getAttribute('value');
  await page.selectOption('#sender', police);
  await page.click('#send');
  await page.waitForFunction(() => document.getElementById('send-status').textContent !== '');
  await page.click('#receive');
  assert.match(await text(page, 'recv-status'), /^Refused because the sender's signing key is revoked in the register: key_revoked: /);
  assert.match(await text(page, 'ack-status'), /verified: refused \(key_revoked\)\.$/);
  await page.screenshot({ path: new URL('register-revoked.png', shots).pathname, fullPage: true });

  // No service provider of XA in the register: sealing is refused.
  await page.selectOption('#party', 'XA');
  assert.match(await text(page, 'recipient'), /no service provider of XA/);
  await page.click('#send');
  await page.waitForFunction(() => document.getElementById('send-status').textContent !== '');
  assert.match(await text(page, 'send-status'), /^Refused: unknown_recipient: /);

  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(problems, []);
});
