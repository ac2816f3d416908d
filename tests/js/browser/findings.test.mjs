// One test per finding of the demo page's review (numbered as there), each checking what a user
// meets: text never lost, the "why" of each removal, keyboard-reachable explanations, errors in
// line/column, a recipient the page cannot open for, the clear header in words, a worker for
// minimising, and screen-reader announcements that are not repeated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servedPages } from './launch.mjs';
import { openDemo, settled, errorText, sample, fixture, shot } from './page.mjs';

const env = servedPages();
const MINE = '{\n  "profile": "2ap/art7-order@2",\n  "case_reference": "MY-OWN-CASE-1",\n  "note": "typed by me"\n}';

async function showKeys(page) {
  if (await page.$('details.keys:not([open])')) await page.click('details.keys > summary');
}

test('1: changing the profile never replaces the text; the example asks first and can be undone', async () => {
  const { page, problems, context } = await openDemo(env, 1280);
  await page.fill('#payload', MINE);
  await page.selectOption('#profile', '2ap/art8-subscriber');
  await page.waitForTimeout(600);
  assert.equal(await page.inputValue('#payload'), MINE, 'choosing another profile keeps the text');
  await page.focus('#profile');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.waitForTimeout(600);
  assert.equal(await page.inputValue('#payload'), MINE, 'ArrowDown on the list loads nothing');
  // Loading the example asks before replacing, and "Keep my text" keeps it.
  await page.click('#load-sample');
  assert.equal(await page.isVisible('#sample-confirm'), true, 'asks before replacing');
  assert.equal(await page.inputValue('#payload'), MINE);
  await page.click('#sample-cancel');
  assert.equal(await page.inputValue('#payload'), MINE);
  await page.click('#load-sample');
  await page.click('#sample-replace');
  const id = await page.inputValue('#profile');
  await page.waitForFunction((t) => document.getElementById('payload').value === t, sample(id.replace(/\//g, '-')));
  await page.click('#undo');
  assert.equal(await page.inputValue('#payload'), MINE, 'undo brings the text back');
  assert.deepEqual(problems, []);
  await context.close();
});

test('2: a field of the wrong type is reported as a wrong type, in words, with its article', async () => {
  const { page, problems, context } = await openDemo(env, 1280);
  await page.fill('#payload', sample('2ap-art7-order').replace('"issued_under_2ap": true', '"issued_under_2ap": "yes"'));
  await page.waitForSelector('#payload-errors [data-code]');
  const code = await page.getAttribute('#payload-errors [data-code]', 'data-code');
  const text = await errorText(page);
  assert.equal(code, 'type_mismatch', text);
  assert.match(text, /wrong type/i);
  assert.match(text, /Issued under 2ap \(in protocol statement\)/);
  assert.match(text, /expects true or false/);
  assert.match(text, /7\(3\)\(b\)/, 'the rule\'s article');
  assert.doesNotMatch(text, /missing/i);
  await shot(page, 'finding-2-wrong-type-1280.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('3: each removal says why in plain words with the policy\'s article and note; missing fields too', async () => {
  const { page, problems, context } = await openDemo(env, 1280);
  const item = (path) => page.locator(`#removals li[data-path="${path}"]`);
  assert.equal(await page.isVisible('#removals'), true, 'the list is shown, not folded away');
  assert.match(await item('$.offences[*].suspect_name').textContent(), /Suspect name \(in each of the offences\).*Not asked for.*7\(3\)\(d\)/);
  assert.match(await item('$.facts_summary').textContent(), /Facts summary.*Never sent.*7\(5\)\(a\)/);
  assert.match(await item('$.credentials').textContent(), /never-list/);
  const items = await page.$$eval('#removals li', (lis) => lis.map((li) => li.textContent));
  assert.ok(items.length >= 10);
  for (const t of items) assert.doesNotMatch(t, /^\$|not allowed by the policy/, t);
  await page.fill('#payload', fixture('2ap-art7-order', 'missing-required.json'));
  await page.waitForSelector('#payload-errors [data-code="missing_required"]');
  const text = await errorText(page);
  assert.match(text, /Issued at: 7\(3\)\(a\): date\./);
  assert.match(text, /Domestic legal grounds \(in supplemental\)/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('4: Seal works on the first click; when it cannot, it says why and stays in the Tab order', async () => {
  const { page, problems, context } = await openDemo(env, 1280);
  assert.equal(await page.getAttribute('#seal', 'disabled'), null);
  assert.notEqual(await page.getAttribute('#seal', 'aria-disabled'), 'true', 'available without any key step');
  await page.click('#seal');
  await page.waitForSelector('#seal-result:not([hidden])');
  // A broken request: Seal is not available, says why next to it, and Tab still reaches it.
  await page.fill('#payload', '{"profile": ');
  await settled(page);
  assert.equal(await page.getAttribute('#seal', 'aria-disabled'), 'true');
  assert.equal(await page.getAttribute('#seal', 'disabled'), null, 'not `disabled`: Tab must reach it');
  const why = await page.getAttribute('#seal', 'aria-describedby');
  const reason = await page.textContent(`#${why.split(/\s+/)[0]}`);
  assert.match(reason, /Fix the problem/);
  assert.equal(await page.isVisible(`#${why.split(/\s+/)[0]}`), true);
  await page.focus('#payload');
  let reached = false;
  for (let k = 0; k < 15 && !reached; k++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'seal');
  }
  assert.ok(reached, 'Tab from the request reaches Seal');
  await page.keyboard.press('Enter');
  assert.equal(await page.isVisible('#seal-result'), false, 'nothing is sealed while it cannot be');
  assert.deepEqual(problems, []);
  await context.close();
});

test('5: errors sit beside the field, in line and column, and name a duplicate key', async () => {
  const { page, problems, context } = await openDemo(env, 1280);
  await page.fill('#payload', sample('2ap-art7-order').replace('"language": "en",', '"language": "en"'));
  await page.waitForSelector('#payload-errors [data-code="invalid_json"]');
  const text = await errorText(page);
  assert.match(text, /Line 14, column 3/);
  assert.doesNotMatch(text, /byte/);
  const box = await page.locator('#payload-errors').boundingBox();
  const field = await page.locator('#payload').boundingBox();
  assert.ok(box.y < field.y + 120, `the error (y ${box.y}) is at the top of the field (y ${field.y}), not below it`);
  assert.ok(box.y + box.height < 900, 'visible without scrolling');
  await page.fill('#payload', sample('2ap-art7-order').replace('"language": "en",', '"language": "en",\n  "language": "fr",'));
  await page.waitForSelector('#payload-errors [data-code="duplicate_key"]');
  const dup = await errorText(page);
  assert.match(dup, /"language"/);
  assert.match(dup, /Line 14, column 3/);
  assert.doesNotMatch(dup, /byte/);
  await page.click('#payload-errors button');
  const sel = await page.$eval('#payload', (t) => t.value.slice(t.selectionStart, t.selectionEnd));
  assert.equal(sel, '"language"');
  await shot(page, 'finding-5-duplicate-key-1280.png');
  assert.deepEqual(problems, []);
  await context.close();
});

test('6: sealed for another authority\'s key, "Open as the authority" says why it cannot', async () => {
  const { generateKeyPair } = await import('../../../pkg/node.js');
  const other = generateKeyPair();
  const { page, problems, context } = await openDemo(env, 1280);
  if (await page.$('#gen-key')) await page.click('#gen-key');
  await showKeys(page);
  await page.fill('#public-jwk', JSON.stringify(other.publicJwk));
  await page.waitForFunction((kid) => document.getElementById('key-status').textContent.includes(kid), other.kid);
  await settled(page).catch(() => {});
  await page.click('#seal');
  await page.waitForSelector('#seal-result:not([hidden])');
  assert.equal(await page.getAttribute('#open', 'aria-disabled'), 'true');
  assert.match(await page.textContent('#open-why'), new RegExp(`sealed for the authority with key ${other.kid}.*private key`));
  // aria-disabled keeps it focusable: pressing it says why, and opens nothing.
  await page.focus('#open');
  await page.keyboard.press('Enter');
  assert.match(await page.textContent('#announce'), /Only that authority holds the private key/);
  assert.equal(await page.locator('[data-code="no_matching_recipient"]').count(), 0);
  await shot(page, 'finding-6-other-authority-1280.png');
  // Back to the demo authority: it opens.
  await page.click('#demo-key');
  await page.click('#seal');
  await page.click('#open');
  await page.locator('[data-testid="verification"][data-conforms="true"]').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('7: the clear header in words; no JSON repeated in nested scroll boxes; the profile title whole', async () => {
  for (const width of [1280, 390]) {
    const { page, problems, context } = await openDemo(env, width);
    if (await page.$('#gen-key')) await page.click('#gen-key');
    await page.click('#seal');
    await page.waitForSelector('#seal-result:not([hidden])');
    const header = await page.textContent('#clear-header');
    assert.doesNotMatch(header, /\b1\d{9}\b/, 'no unix time');
    assert.match(header, new RegExp(`${new Date().getUTCFullYear()} at \\d\\d:\\d\\d:\\d\\d UTC`));
    assert.match(header, /X25519, HKDF-SHA256, AES-256-GCM\. HPKE/);
    assert.doesNotMatch(header, /kem|aead/);
    await page.click('#open');
    await page.locator('[data-testid="verification"]').waitFor();
    const boxes = await page.evaluate(() => [...document.querySelectorAll('pre, .code, textarea')]
      .filter((e) => e.checkVisibility() && (e.value ?? e.textContent).includes('EXA-2026-00417')).map((e) => e.id || e.className));
    assert.ok(boxes.length <= 2, `the request is shown once besides the field: ${boxes}`);
    const scrollers = await page.evaluate(() => [...document.querySelectorAll('main *')].filter((e) => {
      if (e.tagName === 'TEXTAREA' || !e.checkVisibility()) return false;
      const s = getComputedStyle(e);
      return /auto|scroll/.test(s.overflowY + s.overflowX) && (e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1);
    }).map((e) => e.id || e.className));
    assert.deepEqual(scrollers, [], 'no scroll boxes inside the page');
    const title = await page.$eval('#profile', (s) => s.selectedOptions[0].textContent);
    const shown = page.locator('#profile-title');
    assert.equal(await shown.textContent(), title.replace(/ \(2ap\/.*\)$/, ''));
    assert.ok(await shown.evaluate((e) => e.scrollWidth <= e.clientWidth && e.offsetParent !== null), 'the title is shown whole');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at ${width}px (${overflow})`);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('8: minimising a 300 KB request does not block typing; stale answers are dropped', async (t) => {
  const big = JSON.parse(sample('2ap-art7-order'));
  big.subscriber_info_sought.account_identifiers = Array.from({ length: 9000 }, (_, k) => `account-${k}@mail.example.com`);
  const text = JSON.stringify(big, null, 2);
  assert.ok(text.length > 300_000);
  const { page, problems, context } = await openDemo(env, 1280);
  // As a paste does: the whole text at once, then one input event.
  await page.$eval('#payload', (t, v) => { t.value = v; t.dispatchEvent(new Event('input', { bubbles: true })); }, text);
  await page.waitForFunction(() => document.getElementById('minimised').textContent.includes('account-8999'), null, { timeout: 60_000 });
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({ type: 'longtask' });
  });
  const at = text.indexOf('Exampleland') + 4;
  await page.$eval('#payload', (t, i) => { t.focus(); t.setSelectionRange(i, i); }, at);
  await page.keyboard.type('xyz', { delay: 300 });
  await page.waitForFunction(() => document.getElementById('minimised').textContent.includes('Examxyzpleland'), null, { timeout: 60_000 });
  await page.waitForTimeout(300);
  const long = await page.evaluate(() => window.__long);
  const worst = Math.max(0, ...long);
  t.diagnostic(`longest main-thread task while typing into ${Math.round(text.length / 1024)} KB: ${Math.round(worst)} ms`);
  assert.ok(worst < 250, `the page's thread was blocked for ${Math.round(worst)} ms (long tasks: ${long.map(Math.round)})`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('9: screen readers hear a change once, not after every pause in typing', async () => {
  const { page, problems, context } = await openDemo(env, 1280);
  await page.evaluate(() => {
    window.__heard = [];
    const regions = document.querySelectorAll('[aria-live], [role="status"], [role="alert"], [role="log"]');
    const obs = new MutationObserver((records) => {
      for (const r of records) {
        const region = [...regions].find((x) => x.contains(r.target));
        window.__heard.push(region?.textContent);
      }
    });
    for (const r of regions) obs.observe(r, { childList: true, characterData: true, subtree: true });
  });
  const pause = () => page.waitForTimeout(500);
  // Edits that change nothing that leaves: nothing is announced.
  await page.$eval('#payload', (t) => { t.focus(); t.setSelectionRange(1, 1); });
  for (let k = 0; k < 3; k++) { await page.keyboard.type(' '); await pause(); }
  await page.waitForFunction(() => document.body.dataset.state !== 'checking');
  assert.deepEqual(await page.evaluate(() => window.__heard), [], 'whitespace edits announce nothing');
  // Breaking the JSON is announced once, however many pauses follow while it stays broken.
  for (let k = 0; k < 3; k++) { await page.keyboard.type('x'); await pause(); }
  await page.waitForFunction(() => document.body.dataset.state !== 'checking');
  const heard = await page.evaluate(() => window.__heard);
  assert.equal(heard.length, 1, JSON.stringify(heard));
  assert.match(heard[0], /problem/);
  assert.deepEqual(problems, []);
  await context.close();
});
