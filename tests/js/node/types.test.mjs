// The package's index.d.ts checked by `tsc --noEmit` against tests/js/consumer/consumer.ts
// (which uses every export and has @ts-expect-error lines for misuse the types must reject), and
// against consumer/strict-es2022.ts with lib ES2022 alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
function check(config) {
  const project = fileURLToPath(new URL(`../consumer/${config}`, import.meta.url));
  try {
    execFileSync(process.execPath, [tsc, '--noEmit', '-p', project], { encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
}

test('tsc --noEmit on the TypeScript consumer (DOM, ESNext.Disposable: `using`)', () => check('tsconfig.json'));
test('tsc --noEmit under strict, skipLibCheck false, lib ES2022 only (no DOM)', () => check('tsconfig.es2022.json'));

// sender.d.ts: the sender entry's names have the full entry's types; the receiver's functions are
// not there (each @ts-expect-error fails the check if the name resolves).
test('tsc --noEmit on a consumer of minseal/sender (sender.d.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minseal-sender-types-'));
  const types = fileURLToPath(new URL('../../../pkg/', import.meta.url));
  try {
    writeFileSync(join(dir, 'app.ts'), `import * as sender from 'minseal/sender';
import type { Envelope, SealOptions, Receipt } from 'minseal/sender';
import * as full from 'minseal';
const kp: { publicJwk: full.PublicJwk } = sender.generateKeyPair();
const opts: SealOptions = { format: 'binary', sign: sender.generateSigningKey('Ed25519').privateJwk };
const r: { envelope: Envelope; receipt: Receipt; payload: string } =
  sender.minimiseAndSeal('{}', '2ap/art7-order', kp.publicJwk, opts);
const sameFn: typeof full.sealAsync = sender.sealAsync;
const err: full.MinsealError = new sender.MinsealError('io', 'x');
void r; void sameFn; void err;
// @ts-expect-error the sender entry has no open
sender.open(r.envelope, '');
// @ts-expect-error the sender entry has no openAndVerify
sender.openAndVerify(r.envelope, '');
// @ts-expect-error the sender entry has no exportProof
sender.exportProof(r.envelope, '');
// @ts-expect-error the sender entry has no verifyProof
sender.verifyProof('', '');
`);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022'], strict: true,
        noEmit: true, skipLibCheck: false, types: [],
        paths: { minseal: [join(types, 'index.d.ts')], 'minseal/sender': [join(types, 'sender.d.ts')] } },
      files: ['app.ts'],
    }));
    execFileSync(process.execPath, [tsc, '--noEmit', '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout ?? ''}${e.stderr ?? ''}${e.stdout === undefined ? e : ''}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
