// Helpers shared by the demo page's browser tests: open the page at a width, wait until the
// package has answered, take screenshots into test-output/screenshots/ (git-ignored).
import { mkdirSync, readFileSync } from 'node:fs';

export const repo = new URL('../../../', import.meta.url);
export const shots = new URL('test-output/screenshots/', repo);
export const fixture = (stem, file = 'input.json') => readFileSync(new URL(`tests/fixtures/${stem}/${file}`, repo), 'utf8');
export const sample = (stem) => readFileSync(new URL(`www/samples/${stem}.json`, repo), 'utf8');

export async function shot(page, name) {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: new URL(name, shots).pathname, fullPage: true });
}

/** Opens the demo page; resolves once the first answer (the example's minimisation) is shown. */
export async function openDemo(env, width, height = 900) {
  const context = await env.browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  await page.goto(`${env.base}/`);
  await page.waitForSelector('body[data-ready="true"], #load-error:not([hidden])');
  if (await page.isVisible('#load-error')) {
    throw new Error(`the page could not use the package: ${await page.textContent('#load-error')}`);
  }
  await page.waitForSelector('body[data-state="ok"], #annotated .json-root');
  return { page, problems, context };
}

/** Waits until the page has answered for the text now in the field (ok or error). */
export async function settled(page) {
  await page.waitForFunction(() => document.body.dataset.state === 'ok' || document.body.dataset.state === 'error');
}

/** The text of what the field describes when it holds an error. */
export const errorText = (page) => page.textContent('#payload-errors');
