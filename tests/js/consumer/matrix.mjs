// The consumer matrix's shared parts (tests/js/node/consumers.test.mjs for Node and TypeScript,
// tests/js/browser/consumers.test.mjs for the bundlers in Chromium): the package as a user gets
// it (`npm pack` of pkg/, installed from the tarball into a fresh project, offline: it has no
// dependencies), the entries every row is tried with, and the app each row builds.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const pkg = join(root, 'pkg');
export const order = readFileSync(join(root, 'tests/fixtures/2ap-art7-order/input.json'), 'utf8');

/**
 * The package's entries. `fetched`: the entry loads `minseal_core_bg.wasm` from beside itself
 * (`new URL(…, import.meta.url)`), so the bundler or server must carry that file; `embedded`:
 * the wasm is inside the JS. A new entry is one more line here (and its rows say where it runs).
 */
export const ENTRIES = {
  default: { spec: 'minseal', file: 'index.js', fetched: true },
  embedded: { spec: 'minseal/embedded', file: 'embedded.js', fetched: false },
  sender: { spec: 'minseal/sender', file: 'sender.js', fetched: true, opener: 'minseal' },
};
// `file`: the browser entry's file (for import maps). An entry without `openAndVerify` names,
// as `opener`, the entry its rows open with.

const npm = (args, cwd) => execFileSync('npm', args, {
  cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
});

/** A temp folder with the packed tarball; `project()` makes fresh projects that install it. */
export function packed() {
  const dir = mkdtempSync(join(tmpdir(), 'minseal-consumers-'));
  const info = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], pkg))[0];
  const tgz = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz')));
  let n = 0;
  return {
    dir,
    tgz,
    files: info.files.map((f) => f.path).sort(),
    /**
     * A fresh project `name` with `package.json` fields `manifest`, minseal installed from the
     * tarball, or with `linked` from an unpacked copy of it as a folder install (npm links it:
     * node_modules/minseal is a symlink to a folder outside the project, as in a workspace).
     */
    project(name, { manifest = { type: 'module' }, linked = false } = {}) {
      const app = join(dir, `${name}-${n++}`);
      mkdirSync(app);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, ...manifest }));
      let from = tgz;
      if (linked) {
        from = join(dir, `linked-${n++}`);
        mkdirSync(from);
        execFileSync('tar', ['xzf', tgz, '-C', from, '--strip-components=1']);
      }
      npm(['install', '--offline', '--ignore-scripts', '--no-package-lock', from], app);
      return app;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The app every browser row builds: init, minimise and seal the sample order, open and verify
 * it, and check that an unknown profile is a MinsealError naming the known ids. It leaves its
 * result in `globalThis.minsealResult` (or the error it met).
 */
export function appSource(spec, opener = spec) {
  const second = opener === spec ? '' : `import { init as initOpener, openAndVerify } from '${opener}';\n`;
  return `import { init, generateKeyPair, minimiseAndSeal, ${second ? '' : 'openAndVerify, '}minimise, MinsealError } from '${spec}';
${second}const ORDER = ${JSON.stringify(order)};
async function main() {
  await init();
  ${second ? 'await initOpener();' : ''}
  const kp = generateKeyPair();
  const { envelope, receipt } = minimiseAndSeal(ORDER, '2ap/art7-order', kp.publicJwk, { format: 'binary' });
  const opened = openAndVerify(envelope, kp.privateJwk);
  let code = null;
  try { minimise('{}', '2ap/art7-ordr'); } catch (e) { code = e instanceof MinsealError ? e.code + ' ' + e.details.includes('2ap/art7-order') : String(e); }
  return { conforms: opened.verification.conforms, removed: receipt.counts.removed > 0, code };
}
main().then((r) => { globalThis.minsealResult = r; },
  (e) => { globalThis.minsealResult = { error: (e && e.code ? e.code + ': ' : '') + String(e && e.message || e) }; });
`;
}

/** What a row's app must report. */
export const EXPECTED = { conforms: true, removed: true, code: 'unknown_policy true' };

/** Writes `files` ({ relative path: text }) into `dir`. */
export function write(dir, files) {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

