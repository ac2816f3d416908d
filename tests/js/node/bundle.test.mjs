// Bundler consumers: esbuild bundles tests/js/consumer/bundle-entry.js (and an importer of
// `minseal/sender`) for the browser from a
// node_modules/minseal that points at pkg/ (so package.json `exports` conditions are used), and
// the bundle runs (in Node, handed the wasm bytes, as a browser app would hand a URL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = new URL('../../../', import.meta.url);
const pkg = fileURLToPath(new URL('pkg', root));

test('esbuild --platform=browser bundle of a consumer runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minseal-bundle-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(pkg, join(dir, 'node_modules', 'minseal'), 'dir');
    writeFileSync(join(dir, 'entry.js'), readFileSync(new URL('../consumer/bundle-entry.js', import.meta.url)));
    const out = join(dir, 'bundle.js');
    const result = await build({
      absWorkingDir: dir, entryPoints: ['entry.js'], bundle: true, format: 'esm', platform: 'browser',
      outfile: out, minify: true, logLevel: 'silent', metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.some((f) => f.endsWith('pkg/index.js')), `browser entry used: ${inputs}`);
    assert.ok(!inputs.some((f) => f.endsWith('pkg/node.js')), 'node entry must not be bundled');
    const code = readFileSync(out, 'utf8');
    assert.ok(!code.includes('node:fs'), 'no Node built-ins in a browser bundle');
    assert.ok(code.includes('minseal_core_bg.wasm'), 'the wasm URL survives as new URL(…, import.meta.url)');
    const { run } = await import(pathToFileURL(out).href);
    const wasm = readFileSync(join(pkg, 'minseal_core_bg.wasm'));
    const order = readFileSync(new URL('tests/fixtures/2ap-art7-order/input.json', root), 'utf8');
    const r = await run(wasm, order);
    assert.equal(r.conforms, true);
    assert.ok(r.removed > 0);
    assert.equal(r.code, 'invalid_argument');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('esbuild --platform=browser bundle of `minseal/sender` uses the sender entry and seals', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minseal-bundle-sender-'));
  try {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(pkg, join(dir, 'node_modules', 'minseal'), 'dir');
    writeFileSync(join(dir, 'entry.js'), `import { init, generateKeyPair, minimiseAndSeal, generateSigningKey } from 'minseal/sender';
export async function run(wasm, order) {
  await init(wasm);
  const kp = generateKeyPair();
  const k = generateSigningKey('Ed25519');
  const r = minimiseAndSeal(order, '2ap/art7-order', kp.publicJwk, { sign: k.privateJwk, format: 'string' });
  return { kp, k, envelope: r.envelope, payload: r.payload };
}
`);
    const out = join(dir, 'bundle.js');
    const result = await build({
      absWorkingDir: dir, entryPoints: ['entry.js'], bundle: true, format: 'esm', platform: 'browser',
      outfile: out, minify: true, logLevel: 'silent', metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.some((f) => f.endsWith('pkg/sender.js')), `sender browser entry used: ${inputs}`);
    assert.ok(inputs.some((f) => f.endsWith('pkg/minseal-sender.js')), `sender module used: ${inputs}`);
    for (const f of ['pkg/index.js', 'pkg/minseal.js', 'pkg/node.js', 'pkg/sender-node.js']) {
      assert.ok(!inputs.some((i) => i.endsWith(f)), `${f} must not be bundled`);
    }
    const code = readFileSync(out, 'utf8');
    assert.ok(code.includes('minseal_sender_bg.wasm') && !code.includes('minseal_core_bg.wasm'), 'the sender wasm URL');
    const { run } = await import(pathToFileURL(out).href);
    const order = readFileSync(new URL('tests/fixtures/2ap-art7-order/input.json', root), 'utf8');
    const r = await run(readFileSync(join(pkg, 'minseal_sender_bg.wasm')), order);
    const full = await import(pathToFileURL(join(pkg, 'node.js')).href);
    const o = full.openAndVerify(r.envelope, r.kp.privateJwk, { signers: [r.k.publicJwk] });
    assert.equal(o.payload, r.payload);
    assert.equal(o.signature.status, 'verified');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
