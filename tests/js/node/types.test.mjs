// The package's index.d.ts checked by `tsc --noEmit` against tests/js/consumer/consumer.ts
// (which uses every export and has @ts-expect-error lines for misuse the types must reject), and
// against consumer/strict-es2022.ts with lib ES2022 alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
