// The demo page (www/index.html) in headless Chromium, under the strict CSP of scripts/serve.mjs.
// Runs against the real package in pkg/ (scripts/build-wasm).
// Screenshots of the main states go to test-output/screenshots/ (git-ignored).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { servedPages } from './launch.mjs';
import { openDemo, settled, fixture, repo, shot } from './page.mjs';

const env = servedPages();
const setPayload = (page, text) => page.fill('#payload', text);

test('the samples in www/samples/ are the fixtures\' input.json files', () => {
  const stems = readdirSync(new URL('tests/fixtures/', repo), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  assert.ok(stems.length >= 10);
  for (const stem of stems) {
    assert.equal(readFileSync(new URL(`www/samples/${stem}.json`, repo), 'utf8'), fixture(stem), stem);
  }
});

test('desktop: Art. 7 order is minimised, sealed, opened and verified; errors show next to the field', async () => {
  const { page, problems, context } = await openDemo(env, 1280);
  // every profile is offered
  const ids = await page.$$eval('#profile option', (os) => os.map((o) => o.value));
  for (const id of ['2ap/art6-domain-registration', '2ap/art7-order', '2ap/art7-order-notified', '2ap/art8-subscriber',
    '2ap/art8-traffic', '2ap/art8-subscriber-provider', '2ap/art8-traffic-provider', '2ap/art9-emergency',
    '2ap/art10-emergency-mla', '2ap/subscriber-response']) assert.ok(ids.includes(id), id);

  // pick another profile and load its example, then Art. 7's
  await page.selectOption('#profile', '2ap/art6-domain-registration');
  await page.click('#load-sample');
  await page.waitForFunction(() => document.getElementById('payload').value.includes('2ap/art6-domain-registration@2'));
  await page.selectOption('#profile', '2ap/art7-order');
  await page.click('#load-sample');
  await page.waitForFunction(() => document.getElementById('payload').value.includes('"2ap/art7-order@2"'));
  await page.waitForSelector('[data-removed-path="$.facts_summary"]');

  // planted fields are struck out with the receipt's reason, and absent from the output
  for (const [path, reason] of [['$.facts_summary', 'forbidden'], ['$.suspect', 'forbidden'],
    ['$.issuing_authority.officer_badge_number', 'not_allowed'], ['$.offences[*].suspect_name', 'not_allowed']]) {
    const item = page.locator(`[data-removed-path="${path}"]`);
    assert.equal(await item.count(), 1, path);
    assert.equal(await item.getAttribute('data-reason'), reason, path);
    assert.ok(await item.locator('del').count() >= 1, `${path} struck through`);
    assert.match(await item.locator('.tag-removed').textContent(), /^taken out/, `${path} labelled in text`);
    const decoration = await item.locator('del.value').evaluate((e) => getComputedStyle(e).textDecorationLine);
    assert.match(decoration, /line-through/);
  }
  const minimised = await page.textContent('#minimised');
  for (const gone of ['facts_summary', 'suspect', 'Casimir', 'officer_badge_number', 'Tr0ub4dor', 'investigator_notes']) {
    assert.ok(!minimised.includes(gone), `${gone} must not be in the minimised payload`);
  }
  assert.deepEqual(JSON.parse(minimised), JSON.parse(fixture('2ap-art7-order', 'expected.json')));
  assert.ok(!(await page.textContent('#removals')).includes('Casimir'), 'the list of removals holds no values');
  await shot(page, 'desktop-1-minimised.png');

  // seal with the ready demo keys, open
  assert.equal(await page.getAttribute('#seal', 'aria-disabled'), null);
  await page.click('#seal');
  await page.waitForSelector('#seal-result:not([hidden])');
  const envelopeText = await page.textContent('#envelope');
  const envelope = JSON.parse(envelopeText);
  assert.ok(!envelopeText.includes('Exampleland'), 'the envelope does not show the payload in clear');
  assert.ok(envelope && typeof envelope === 'object');
  assert.equal(await page.textContent('#envelope-size'), `${Buffer.byteLength(envelopeText).toLocaleString('en-GB')} bytes`);
  assert.match(await page.textContent('#clear-header'), /Minimised under2ap\/art7-order version 2\.0\.0/);
  await page.click('#open');
  const verdict = page.locator('[data-testid="verification"]');
  await verdict.waitFor();
  assert.equal(await verdict.getAttribute('data-conforms'), 'true', await verdict.textContent());
  assert.deepEqual(JSON.parse(await page.textContent('[data-testid="opened-payload"]')), JSON.parse(fixture('2ap-art7-order', 'expected.json')));
  assert.equal(await page.getAttribute('[data-testid="opened-same"]', 'data-same'), 'true');
  // Signed by the in-page demo key (ES256 by default), verified against it by the authority.
  const kid = (await page.textContent('#sign-status')).match(/id ([A-Za-z0-9_-]{43})/)[1];
  assert.equal(envelope.header.signed, true);
  const who = page.locator('[data-testid="signature"]');
  assert.equal(await who.getAttribute('data-status'), 'verified');
  assert.equal(await who.textContent(), `✓ Signed by your office (key ${kid}, ES256): the signature checks out.`);
  await shot(page, 'desktop-2-sealed-opened.png');

  // Ed25519, then unsigned: the page says which.
  await page.click('details.keys > summary');
  await page.selectOption('#sign-alg', 'Ed25519');
  await page.click('#seal');
  await page.waitForSelector('#seal-result:not([hidden])');
  await page.click('#open');
  await page.locator('[data-testid="signature"][data-status="verified"]').waitFor();
  assert.match(await page.textContent('[data-testid="signature"]'), /Ed25519\): the signature checks out\.$/);
  await page.uncheck('#sign-on');
  await page.click('#seal');
  await page.waitForSelector('#seal-result:not([hidden])');
  await page.click('#open');
  await page.locator('[data-testid="signature"][data-status="unsigned"]').waitFor();
  assert.match(await page.textContent('[data-testid="signature"]'), /Not signed/);
  await page.check('#sign-on');

  // editing the payload invalidates the envelope
  await page.type('#payload', ' ');
  await page.waitForSelector('#seal-result[hidden]', { state: 'attached' });

  // broken JSON: the error and its position appear next to the field, described by it
  const broken = fixture('2ap-art7-order').replace('"language": "en",', '"language": "en"');
  await setPayload(page, broken);
  await page.waitForSelector('#payload-errors [data-code="invalid_json"]');
  const described = (await page.getAttribute('#payload', 'aria-describedby')).split(/\s+/);
  assert.ok(described.includes('payload-errors'));
  assert.equal(await page.getAttribute('#payload', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#payload-errors'), /not valid JSON/);
  assert.match(await page.textContent('#payload-errors'), /Line 1[34], column \d+/);
  assert.equal(await page.getAttribute('#seal', 'aria-disabled'), 'true');
  await shot(page, 'desktop-3-bad-json.png');
  await page.click('#payload-errors button');
  const caret = await page.$eval('#payload', (t) => t.selectionStart);
  assert.ok(caret > broken.indexOf('"language": "en"') && caret <= broken.indexOf('"issued_at"'), `caret at ${caret}`);

  // missing required fields: each path listed
  await setPayload(page, fixture('2ap-art7-order', 'missing-required.json'));
  await page.waitForSelector('#payload-errors [data-code="missing_required"]');
  const missing = await page.$$eval('#payload-errors li code', (cs) => cs.map((c) => c.textContent));
  assert.ok(missing.some((m) => m.includes('$.issued_at')), missing.join());
  assert.ok(missing.some((m) => m.includes('$.supplemental.domestic_legal_grounds')), missing.join());
  await shot(page, 'desktop-4-missing-required.png');

  // a clean payload clears the error
  await page.click('#load-sample');
  await page.click('#sample-replace');
  await page.waitForFunction(() => document.getElementById('payload-errors').children.length === 0);
  assert.equal(await page.getAttribute('#payload', 'aria-invalid'), null);

  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the subscriber response marks the masked payment reference as transformed', async () => {
  const { page, problems, context } = await openDemo(env, 1280);
  await page.selectOption('#profile', '2ap/subscriber-response');
  await page.click('#load-sample');
  const tag = page.locator('[data-transformed-path="$.records[*].billing_and_payment.masked_reference"]');
  await tag.waitFor();
  assert.match(await tag.textContent(), /changed \(mask\)/);
  assert.match(await page.textContent('#removals li.transformed'), /Masked reference.*Changed before it leaves \(mask\)/);
  assert.equal(await page.locator('[data-removed-path="$.records[*].login_history"]').getAttribute('data-reason'), 'forbidden');
  await shot(page, 'desktop-5-response-transformed.png');
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('360 px wide: no horizontal scrolling, everything reachable, seal and open work', async () => {
  const { page, problems, context } = await openDemo(env, 360, 740);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
  await shot(page, 'narrow-1-minimised.png');
    // keyboard: the first Tab reaches the skip link, which moves to the payload
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  await page.click('#seal');
  await page.click('#open');
  await page.locator('[data-testid="verification"][data-conforms="true"]').waitFor();
  const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow2 <= 0, `page scrolls sideways by ${overflow2}px after sealing`);
  await shot(page, 'narrow-2-sealed-opened.png');
  await setPayload(page, '{"profile": ');
  await page.waitForSelector('#payload-errors [data-code="invalid_json"]');
  await page.locator('#payload-errors').scrollIntoViewIfNeeded();
  await shot(page, 'narrow-3-bad-json.png');
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(problems, []);
  await context.close();
});
