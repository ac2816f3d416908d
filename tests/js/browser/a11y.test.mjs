// axe-core (tests/js devDependency, pinned) on the demo page in its main states and on the
// register page, at 1280 and 390 px: zero violations of any rule axe runs by default (WCAG 2 A/AA
// and best practices).
// axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the
// page itself runs under the same strict policy as ever. Screenshots of each state go to
// test-output/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { servedPages } from './launch.mjs';
import { openDemo, settled, sample, shot } from './page.mjs';

const env = servedPages();
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function axe(page, state) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document);
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(result, [], `axe violations in "${state}"`);
}

for (const width of [1280, 390]) {
  test(`axe finds no violations in the main states at ${width} px`, async () => {
    const { generateKeyPair } = await import('../../../pkg/node.js');
    const { page, problems, context } = await openDemo(env, width);
    await axe(page, 'first screen');
    await shot(page, `a11y-${width}-1-first-screen.png`);

    await page.fill('#payload', sample('2ap-art7-order').replace('"language": "en",', '"language": "en"'));
    await page.waitForSelector('#payload-errors [data-code="invalid_json"]');
    await axe(page, 'invalid JSON');
    await shot(page, `a11y-${width}-2-invalid-json.png`);

    await page.fill('#payload', sample('2ap-art7-order').replace('"issued_under_2ap": true', '"issued_under_2ap": "yes"'));
    await page.waitForSelector('#payload-errors [data-code="type_mismatch"]');
    await axe(page, 'wrong type');

    await page.click('#load-sample');
    await page.waitForSelector('#sample-confirm:not([hidden])');
    await axe(page, 'asking before replacing the text');
    await page.click('#sample-replace');
    await settled(page);
    await page.waitForSelector('body[data-state="ok"]');

    await page.click('#seal');
    await page.waitForSelector('#seal-result:not([hidden])');
    await page.click('#open');
    await page.locator('[data-testid="verification"][data-conforms="true"]').waitFor();
    await page.click('details.keys > summary');
    await axe(page, 'sealed and opened, keys shown');
    await shot(page, `a11y-${width}-3-sealed-opened.png`);

    await page.click('#view-out');
    await axe(page, 'only what leaves');

    await page.fill('#public-jwk', JSON.stringify(generateKeyPair().publicJwk));
    await page.waitForFunction(() => /no private key/.test(document.getElementById('key-status').textContent));
    await page.click('#seal');
    await page.waitForSelector('#open[aria-disabled="true"]');
    await axe(page, 'sealed for another authority');
    await shot(page, `a11y-${width}-4-other-authority.png`);

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

for (const width of [1280, 390]) {
  test(`axe finds no violations on the register page at ${width} px`, async () => {
    const context = await env.browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${env.base}/register.html`);
    await page.waitForSelector('body[data-ready]');
    assert.equal(await page.isVisible('#load-error'), false);
    await axe(page, 'register loaded');
    await page.click('#send');
    await page.waitForFunction(() => document.getElementById('send-status').textContent !== '');
    await page.click('#receive');
    await page.waitForFunction(() => document.getElementById('ack-status').textContent !== '');
    await axe(page, 'sent, received and acknowledged');
    await shot(page, `a11y-${width}-register.png`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
    await context.close();
  });
}
