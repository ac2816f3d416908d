// `npm pack` in pkg/, install the tarball into an empty temp project (no network: the package
// has no dependencies), and use it from there with a bare `import('minseal')`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../../../pkg', import.meta.url));

test('npm pack → npm install <tgz> in an empty folder → import works', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minseal-pack-'));
  try {
    const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], pkg));
    const files = packed[0].files.map((f) => f.path).sort();
    assert.deepEqual(files, ['README.md', 'embedded.js', 'index.d.cts', 'index.d.ts', 'index.js', 'minseal-sender.js', 'minseal.js',
      'minseal_core_bg.wasm', 'minseal_core_bg.wasm.d.ts', 'minseal_sender_bg.wasm', 'node.js', 'package.json',
      'sender-node.js', 'sender.d.cts', 'sender.d.ts', 'sender.js']);
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
    assert.equal(manifest.name, 'minseal');
    assert.equal(manifest.type, 'module');
    assert.equal(manifest.sideEffects, false);
    assert.equal(manifest.dependencies, undefined);
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    const app = join(dir, 'app');
    execFileSync('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), '{"name":"app","private":true,"type":"module"}');
    npm(['install', '--no-audit', '--no-fund', '--offline', '--ignore-scripts', join(dir, tgz)], app);
    const script = `import('minseal').then((m) => {
      const kp = m.generateKeyPair();
      const env = m.seal('{"a":1}', kp.publicJwk, { format: 'binary' });
      let code; try { m.open(env, m.generateKeyPair().privateJwk); } catch (e) { code = e instanceof m.MinsealError && e.code; }
      console.log(JSON.stringify({ v: m.version(), p: m.open(env, kp.privateJwk).payload, code, n: m.profiles().length }));
    })`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' }));
    assert.deepEqual(out, { v: manifest.version, p: '{"a":1}', code: 'no_matching_recipient', n: 15 });
    // `minseal/sender` resolves (Node condition) to the sender entry, which seals what the full
    // entry opens and has no opening function.
    const sender = `Promise.all([import('minseal/sender'), import('minseal')]).then(([s, m]) => {
      const kp = m.generateKeyPair();
      const env = s.seal('{"s":1}', kp.publicJwk);
      console.log(JSON.stringify({ url: import.meta.resolve('minseal/sender').split('/').pop(),
        p: m.open(env, kp.privateJwk).payload, open: typeof s.open, v: s.version() }));
    })`;
    const so = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', sender], { cwd: app, encoding: 'utf8' }));
    assert.deepEqual(so, { url: 'sender-node.js', p: '{"s":1}', open: 'undefined', v: manifest.version });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
