// The built package loads in Node and runs wasm code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as minseal from '../../../pkg/node.js';

test('pkg/node.js imports and calls into wasm', () => {
  const cargo = readFileSync(new URL('../../../Cargo.toml', import.meta.url), 'utf8');
  const want = /^version = "([^"]+)"/m.exec(cargo)[1];
  assert.equal(minseal.version(), want);
});
