// Sameness: the wasm build (test package with the `test-hooks` feature, target/pkg-testing/)
// seeded like the native side reproduces tests/vectors/sameness/*.json byte for byte —
// minimised payloads, receipts, envelopes in both forms — and envelopes cross between wasm and
// native in both directions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as m from '../../../target/pkg-testing/node.js';
// The glue's exports are the shared module's default export (not public API).
import core from '../../../target/pkg-testing/minseal.js';

const { __testing_seed } = core;

const root = new URL('../../../', import.meta.url);
const vdir = new URL('tests/vectors/sameness/', root);
const vectors = readdirSync(vdir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, vdir), 'utf8')));
const hex = (u8) => Buffer.from(u8).toString('hex');
const seedBytes = (v) => Uint8Array.from(Buffer.from(v.rng_seed_hex, 'hex'));

test('there is a vector for every fixture', () => {
  assert.ok(vectors.length >= 10);
});

for (const v of vectors) {
  test(`wasm reproduces native output for ${v.fixture}`, () => {
    const input = readFileSync(new URL(`tests/fixtures/${v.fixture}/input.json`, root), 'utf8');
    const opts = { createdAt: v.created_at, metadata: v.metadata };
    const mm = m.minimise(input, v.policy);
    assert.equal(mm.payload, v.payload);
    assert.equal(JSON.stringify(mm.receipt), v.receipt_json);

    __testing_seed(seedBytes(v));
    const s = m.minimiseAndSeal(input, v.policy, v.recipient_public_raw, { ...opts, format: 'string' });
    assert.equal(s.envelope, v.envelope_json);
    assert.equal(s.payload, v.payload);
    assert.equal(JSON.stringify(s.receipt), v.receipt_json);

    __testing_seed(seedBytes(v));
    const b = m.minimiseAndSeal(new TextEncoder().encode(input), v.policy, v.recipient_public_raw,
      { ...opts, format: 'binary' });
    assert.equal(hex(b.envelope), v.envelope_binary_hex);

    __testing_seed(seedBytes(v));
    const j = m.minimiseAndSeal(input, m.Policy.builtin(v.policy), [v.recipient_public_raw], opts);
    assert.equal(JSON.stringify(j.envelope), v.envelope_json);

    __testing_seed(seedBytes(v));
    const raw = m.seal(input, v.recipient_public_raw, { createdAt: v.created_at, chunkSize: v.as_is_chunk_size, format: 'binary' });
    assert.equal(hex(raw), v.as_is_envelope_binary_hex);
    __testing_seed(undefined);

    // Native → wasm: the checked-in (natively made) envelopes open and verify here.
    const o = m.openAndVerify(v.envelope_json, v.recipient_secret_raw);
    assert.equal(o.payload, v.payload);
    assert.equal(o.verification.conforms, true);
    const asIs = m.open(Uint8Array.from(Buffer.from(v.as_is_envelope_binary_hex, 'hex')), v.recipient_secret_raw);
    assert.equal(asIs.payload, input);
  });
}

test('envelopes made in wasm (system randomness) open natively (cargo run --example open_envelope)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minseal-same-'));
  try {
    const v = vectors.find((x) => x.fixture === '2ap-art7-order') ?? vectors[0];
    const input = readFileSync(new URL(`tests/fixtures/${v.fixture}/input.json`, root), 'utf8');
    const kp = m.generateKeyPair();
    const { envelope, payload } = m.minimiseAndSeal(input, v.policy, kp.publicJwk, { format: 'binary' });
    writeFileSync(join(dir, 'env.mnsl'), envelope);
    writeFileSync(join(dir, 'env.json'), JSON.stringify(m.seal('{"as":"is"}', [kp.publicJwk])));
    const run = (file, ...extra) => execFileSync('cargo', ['run', '-q', '--example', 'open_envelope', '--',
      join(dir, file), JSON.stringify(kp.privateJwk), ...extra], { cwd: root, encoding: 'utf8' });
    assert.equal(run('env.mnsl', 'verify'), payload);
    assert.equal(run('env.json'), '{"as":"is"}');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
