// Shared Chromium launcher (playwright gives each launch a fresh temporary profile) for browser tests: Debian's Chromium driven by playwright-core.
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { before, after } from 'node:test';
import { startServer } from '../../../scripts/serve.mjs';

export const EXECUTABLE = process.env.CHROMIUM || '/usr/bin/chromium';
/** The flags every headless launch uses (benches/js/browser-cold.mjs too). */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

export async function launch() {
  if (!existsSync(EXECUTABLE)) {
    throw new Error(`Chromium not found at ${EXECUTABLE}: run scripts/setup (apt-get install chromium)`);
  }
  return chromium.launch({
    executablePath: EXECUTABLE,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * Registers node:test hooks that serve www/ and pkg/ (scripts/serve.mjs, port 0 on 127.0.0.1)
 * and launch Chromium for the file's tests; `env.base` and `env.browser` are set before they run.
 */
export function servedPages() {
  const env = {};
  before(async () => {
    env.server = await startServer(0);
    env.base = `http://127.0.0.1:${env.server.address().port}`;
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    env.server?.close();
  });
  return env;
}
