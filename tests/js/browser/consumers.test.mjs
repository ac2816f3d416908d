// The consumer matrix in Chromium: the packed package installed from its tarball into fresh
// projects, built (or served) by each common front-end set-up with no minseal-specific
// configuration beyond what docs/JS-API.md ("Bundlers") says, and the app
// (tests/js/consumer/matrix.mjs) minimises, seals, opens and verifies in the page. Each row
// names the entries it works with; tests/js/node/consumers.test.mjs has the Node and
// TypeScript rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { build as esbuild } from 'esbuild';
import { build as viteBuild, createServer as viteServer } from 'vite';
import webpack from 'webpack';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { launch } from './launch.mjs';
import { ENTRIES, EXPECTED, appSource, packed, write } from '../consumer/matrix.mjs';

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/** Serves `dir` on 127.0.0.1 (port 0); resolves to its base URL and a close function. */
function serve(dir) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(req.url.split('?')[0])).replace(/^(\.\.[/\\])+/, '');
    let file = join(dir, path);
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] || 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({
    url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close(),
  })));
}

// `rel=icon` data: no favicon request (its 404 would count as a page error).
const html = (script) => `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>app</title>${script}`;
const moduleHtml = (src) => html(`<script type="module" src="${src}"></script>`);

let pack;
let browser;
const closers = [];
before(async () => {
  pack = packed();
  browser = await launch();
});
after(async () => {
  for (const close of closers) await close();
  await browser?.close();
  pack?.cleanup();
});

/** Opens `url` and returns what the app reported, with the page's errors. */
async function runPage(url) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  try {
    await page.goto(url);
    await page.waitForFunction(() => globalThis.minsealResult !== undefined, null, { timeout: 30_000 });
    return { result: await page.evaluate(() => globalThis.minsealResult), problems };
  } finally {
    await page.close();
  }
}

async function served(dir) {
  const s = await serve(dir);
  closers.push(s.close);
  return s.url;
}

/**
 * The rows: a set-up, the entries it works with, and how it turns a project (with `main.js`
 * importing the entry) into a URL that serves the app. A new entry that works in a set-up is
 * one more name in that row's `entries`.
 */
const ROWS = [
  {
    name: 'Vite build', entries: ['default', 'embedded', 'sender'],
    async url(app) {
      write(app, { 'index.html': moduleHtml('./main.js') });
      await viteBuild({ root: app, configFile: false, logLevel: 'silent', build: { outDir: 'dist' } });
      return served(join(app, 'dist'));
    },
  },
  ...[['tarball', false], ['linked', true]].map(([how, linked]) => ({
    name: `Vite dev server (${how} install)`, entries: ['default', 'embedded', 'sender'], linked,
    async url(app, entry) {
      write(app, { 'index.html': moduleHtml('/main.js') });
      const server = await viteServer({
        root: app, configFile: false, logLevel: 'silent',
        server: {
          host: '127.0.0.1', port: 0, hmr: false, watch: null,
          // The fetched entry from a linked package: the package's own folder (outside the
          // project) must be allowed (docs/JS-API.md, "Bundlers"); the embedded entry needs
          // nothing.
          ...(linked && ENTRIES[entry].fetched && { fs: { allow: [app, realpathSync(join(app, 'node_modules/minseal'))] } }),
        },
      });
      await server.listen();
      closers.push(() => server.close());
      return `http://127.0.0.1:${server.httpServer.address().port}/`;
    },
  })),
  {
    name: 'webpack 5', entries: ['default', 'embedded'],
    async url(app) {
      const stats = await new Promise((ok, fail) => webpack({
        mode: 'production', context: app, entry: './main.js', devtool: false, performance: { hints: false },
        output: { path: join(app, 'dist'), filename: 'main.js' },
      }, (e, s) => (e ? fail(e) : ok(s))));
      assert.ok(!stats.hasErrors(), stats.toString('errors-only'));
      write(join(app, 'dist'), { 'index.html': html('<script src="main.js"></script>') });
      return served(join(app, 'dist'));
    },
  },
  ...['esm', 'iife'].map((format) => ({
    name: `esbuild (${format})`, entries: ['embedded'],
    async url(app) {
      await esbuild({
        absWorkingDir: app, entryPoints: ['main.js'], bundle: true, format, platform: 'browser',
        outfile: 'dist/main.js', minify: true, logLevel: 'silent',
      });
      write(join(app, 'dist'), { 'index.html': format === 'esm' ? moduleHtml('main.js') : html('<script src="main.js"></script>') });
      return served(join(app, 'dist'));
    },
  })),
  {
    name: 'Rollup + node-resolve', entries: ['embedded'],
    async url(app) {
      const bundle = await rollup({ input: join(app, 'main.js'), plugins: [nodeResolve({ browser: true })], onwarn() {} });
      await bundle.write({ dir: join(app, 'dist'), format: 'es' });
      await bundle.close();
      write(join(app, 'dist'), { 'index.html': moduleHtml('main.js') });
      return served(join(app, 'dist'));
    },
  },
  {
    name: 'plain browser ESM (import map)', entries: ['default', 'embedded', 'sender'],
    async url(app) {
      const imports = Object.fromEntries(Object.values(ENTRIES).map((e) => [e.spec, `/node_modules/minseal/${e.file}`]));
      write(app, {
        'index.html': html(`<script type="importmap">${JSON.stringify({ imports })}</script><script type="module" src="/main.js"></script>`),
      });
      return served(app);
    },
  },
];

for (const row of ROWS) {
  for (const entry of row.entries) {
    test(`${row.name}: ${ENTRIES[entry].spec} seals and opens in Chromium`, async () => {
      const app = pack.project(`${row.name.replace(/\W+/g, '-')}-${entry}`, { linked: row.linked });
      write(app, { 'main.js': appSource(ENTRIES[entry].spec, ENTRIES[entry].opener) });
      const url = await row.url(app, entry);
      const { result, problems } = await runPage(url);
      assert.deepEqual(result, EXPECTED);
      assert.deepEqual(problems, []);
    });
  }
}

// The fetched entry where the bundler does not carry its wasm: `init()` rejects with a
// MinsealError (`io`) that says what to do, not a bare TypeError (esbuild's iife has no
// import.meta.url).
test('esbuild (iife) with the fetched entry: init fails as a MinsealError io', async () => {
  const app = pack.project('esbuild-iife-fetched');
  write(app, { 'main.js': appSource('minseal') });
  const dist = join(app, 'dist');
  mkdirSync(dist);
  await esbuild({ absWorkingDir: app, entryPoints: ['main.js'], bundle: true, format: 'iife', platform: 'browser', outfile: 'dist/main.js', logLevel: 'silent' });
  writeFileSync(join(dist, 'index.html'), html('<script src="main.js"></script>'));
  const { result } = await runPage(await served(dist));
  assert.match(result.error, /^io: the wasm module could not be loaded .*pass its URL, a Response or its bytes to init\(\)/);
});
