// Sameness: the wasm build (test package with the `test-hooks` feature, target/pkg-testing/)
// seeded like the native side reproduces tests/vectors/sameness/*.json byte for byte —
// minimised payloads, receipts, envelopes in both forms, unsigned and signed with Ed25519 and
// ES256 private JWKs (RFC 6979: deterministic) and with an Ed25519 WebCrypto key — and envelopes
// cross between wasm and native in both directions. ES256 through WebCrypto draws a random
// nonce: those envelopes are checked in under tests/vectors/sameness-webcrypto/ (rewritten with
// MINSEAL_WRITE_VECTORS=1) and tests/wasm_sameness.rs verifies them natively.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
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
    assert.equal(JSON.stringify(s.receipt), v.sealed_receipt_json);

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

    // Signed: the same bytes as natively, and they verify here (native → wasm).
    for (const [alg, sv] of Object.entries(v.signed)) {
      __testing_seed(seedBytes(v));
      const ss = m.minimiseAndSeal(input, v.policy, v.recipient_public_raw, { ...opts, format: 'string', sign: sv.private_jwk });
      assert.equal(ss.envelope, sv.envelope_json, `${alg} JSON`);
      assert.equal(JSON.stringify(ss.receipt), sv.receipt_json, `${alg} receipt`);
      __testing_seed(seedBytes(v));
      const sb = m.minimiseAndSeal(input, v.policy, v.recipient_public_raw, { ...opts, format: 'binary', sign: JSON.parse(sv.private_jwk) });
      assert.equal(hex(sb.envelope), sv.envelope_binary_hex, `${alg} binary`);
      __testing_seed(undefined);
      const so = m.openAndVerify(sv.envelope_json, v.recipient_secret_raw, { signers: [sv.public_jwk] });
      assert.deepEqual([so.signature.status, so.signature.kid, so.signature.alg], ['verified', sv.kid, alg]);
    }

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

test('Ed25519 through a non-extractable WebCrypto key gives the native envelope byte for byte', async () => {
  const v = vectors.find((x) => x.fixture === '2ap-art7-order') ?? vectors[0];
  const sv = v.signed.Ed25519;
  const input = readFileSync(new URL(`tests/fixtures/${v.fixture}/input.json`, root), 'utf8');
  const { kid, ...jwk } = JSON.parse(sv.private_jwk);
  const privateKey = await crypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['sign']);
  __testing_seed(seedBytes(v));
  const r = await m.minimiseAndSealAsync(input, v.policy, v.recipient_public_raw,
    { createdAt: v.created_at, metadata: v.metadata, format: 'string', sign: { privateKey, publicKey: JSON.parse(sv.public_jwk) } });
  __testing_seed(undefined);
  assert.equal(r.envelope, sv.envelope_json);
  assert.equal(JSON.stringify(r.receipt), sv.receipt_json);
});

test('WebCrypto-signed envelopes (random ES256 nonces) verify here; tests/wasm_sameness.rs verifies the checked-in ones natively', async () => {
  const v = vectors.find((x) => x.fixture === '2ap-art7-order') ?? vectors[0];
  const input = readFileSync(new URL(`tests/fixtures/${v.fixture}/input.json`, root), 'utf8');
  const wdir = new URL('tests/vectors/sameness-webcrypto/', root);
  const write = process.env.MINSEAL_WRITE_VECTORS !== undefined;
  const algs = { ES256: { name: 'ECDSA', namedCurve: 'P-256' }, Ed25519: { name: 'Ed25519' } };
  for (const [alg, params] of Object.entries(algs)) {
    const pair = await crypto.subtle.generateKey(params, false, ['sign', 'verify']);
    const publicJwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const opts = { createdAt: v.created_at, sign: pair };
    const j = await m.minimiseAndSealAsync(input, v.policy, v.recipient_public_raw, { ...opts, format: 'string' });
    const b = await m.minimiseAndSealAsync(input, v.policy, v.recipient_public_raw, { ...opts, format: 'binary' });
    for (const env of [j.envelope, b.envelope]) {
      const o = m.openAndVerify(env, v.recipient_secret_raw, { signers: [publicJwk] });
      assert.equal(o.signature.status, 'verified');
      assert.equal(o.payload, v.payload);
    }
    if (write) {
      mkdirSync(wdir, { recursive: true });
      writeFileSync(new URL(`${alg.toLowerCase()}.json`, wdir), JSON.stringify({
        description: `minimiseAndSealAsync of tests/fixtures/${v.fixture}/input.json signed by a WebCrypto ${alg} key (tests/js/node/sameness.test.mjs); opened natively by tests/wasm_sameness.rs`,
        alg, recipient_secret_raw: v.recipient_secret_raw, signer_public_jwk: publicJwk, payload: v.payload,
        envelope_json: j.envelope, envelope_binary_hex: hex(b.envelope),
      }, null, 2) + '\n');
    }
  }
  // The checked-in ones open here too.
  for (const f of readdirSync(wdir).filter((x) => x.endsWith('.json'))) {
    const w = JSON.parse(readFileSync(new URL(f, wdir), 'utf8'));
    for (const env of [w.envelope_json, Uint8Array.from(Buffer.from(w.envelope_binary_hex, 'hex'))]) {
      const o = m.open(env, w.recipient_secret_raw, { signers: [w.signer_public_jwk] });
      assert.deepEqual([o.signature.status, o.signature.alg, o.payload], ['verified', w.alg, w.payload]);
    }
  }
});
