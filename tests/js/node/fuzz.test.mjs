// Fuzz-ish: thousands of random values thrown at every export of the package. Each call must
// return or throw a MinsealError with a known code (never a RuntimeError from a wasm trap, never
// another exception type), and the module must still work afterwards: a trap would poison the
// instance, so the same module is reused throughout and checked at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as m from '../../../pkg/node.js';

const root = new URL('../../../', import.meta.url);
const order = readFileSync(new URL('tests/fixtures/2ap-art7-order/input.json', root), 'utf8');
const kp = m.generateKeyPair();
const sealed = m.minimiseAndSeal(order, '2ap/art7-order', kp.publicJwk);
const jsonEnvelope = sealed.envelope;
const binaryEnvelope = m.seal(sealed.payload, kp.publicJwk, { format: 'binary' });

const CODES = new Set(readFileSync(new URL('src/error.rs', root), 'utf8')
  .match(/=> "([a-z0-9_]+)",/g).map((s) => s.slice(4, -2)));

// A small deterministic PRNG (xorshift32), so a failure names a seed that reproduces it.
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
}

function randomValue(r, depth = 0) {
  const pick = Math.floor(r() * 18);
  const str = () => Array.from({ length: Math.floor(r() * 12) }, () => String.fromCharCode(Math.floor(r() * 0x3000))).join('');
  switch (pick) {
    case 0: return null;
    case 1: return undefined;
    case 2: return r() < 0.5;
    case 3: return (r() - 0.5) * 2 ** (r() * 80);
    case 4: return [NaN, Infinity, -0, 2 ** 53, -1][Math.floor(r() * 5)];
    case 5: return str();
    case 6: return Symbol('x');
    case 7: return BigInt(Math.floor(r() * 1e9));
    case 8: return () => 1;
    case 9: { const u = new Uint8Array(Math.floor(r() * 64)); for (let i = 0; i < u.length; i++) u[i] = r() * 256; return u; }
    case 10: return depth > 3 ? {} : Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, () => [str(), randomValue(r, depth + 1)]));
    case 11: return depth > 3 ? [] : Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    // Near-valid inputs reach deeper into the parsers than noise does.
    case 12: return mutateText(r, order);
    case 13: return mutateText(r, JSON.stringify(jsonEnvelope));
    case 14: return mutateBytes(r, binaryEnvelope);
    case 15: return { ...kp.publicJwk, x: mutateText(r, kp.publicJwk.x) };
    case 16: return { keys: [randomValue(r, depth + 1)] };
    default: return ['2ap/art7-order', '2ap/subscriber-response', 'json', 'binary', 'string', 'bytes'][Math.floor(r() * 6)];
  }
}

function mutateText(r, s) {
  const a = s.split('');
  for (let n = 1 + Math.floor(r() * 4); n > 0; n--) {
    const i = Math.floor(r() * a.length);
    const op = Math.floor(r() * 3);
    if (op === 0) a[i] = String.fromCharCode(Math.floor(r() * 128));
    else if (op === 1) a.splice(i, 1);
    else a.splice(i, 0, '{["\\,:'[Math.floor(r() * 7)]);
  }
  return a.join('');
}

function mutateBytes(r, bytes) {
  const b = bytes.slice();
  for (let n = 1 + Math.floor(r() * 4); n > 0; n--) b[Math.floor(r() * b.length)] ^= 1 << Math.floor(r() * 8);
  return r() < 0.2 ? b.subarray(0, Math.floor(r() * b.length)) : b;
}

const EXPORTS = {
  'Policy.builtin': (a) => m.Policy.builtin(a[0]),
  'Policy.parse': (a) => m.Policy.parse(a[0]),
  minimise: (a) => m.minimise(a[0], a[1], a[2]),
  verify: (a) => m.verify(a[0], a[1], a[2]),
  seal: (a) => m.seal(a[0], a[1], a[2]),
  minimiseAndSeal: (a) => m.minimiseAndSeal(a[0], a[1], a[2], a[3]),
  open: (a) => m.open(a[0], a[1], a[2]),
  openAndVerify: (a) => m.openAndVerify(a[0], a[1], a[2]),
  publicKey: (a) => m.publicKey(a[0]),
  thumbprint: (a) => m.thumbprint(a[0]),
};

// Arguments: sometimes the right thing in each position, so later positions are reached too.
function args(r, name) {
  const good = {
    minimise: [order, '2ap/art7-order', {}],
    verify: [order, '2ap/art7-order', {}],
    seal: ['{}', kp.publicJwk, {}],
    minimiseAndSeal: [order, '2ap/art7-order', kp.publicJwk, {}],
    open: [jsonEnvelope, kp.privateJwk, {}],
    openAndVerify: [binaryEnvelope, kp.privateJwk, undefined],
  }[name] || [];
  return Array.from({ length: 4 }, (_, i) => (i < good.length && r() < 0.5 ? good[i] : randomValue(r)));
}

test('every export returns or throws a MinsealError on thousands of random inputs', () => {
  const CALLS = 400; // per export: 4 000 calls in all
  const seen = {};
  for (const [name, call] of Object.entries(EXPORTS)) {
    const r = rng(0x5eed + name.length * 7919);
    for (let i = 0; i < CALLS; i++) {
      const a = args(r, name);
      try {
        const out = call(a);
        if (out && typeof out.free === 'function') out.free();
        seen[`${name}:ok`] = (seen[`${name}:ok`] || 0) + 1;
      } catch (e) {
        assert.ok(e instanceof m.MinsealError, `${name} call ${i}: ${e?.constructor?.name}: ${e?.message}`);
        assert.ok(CODES.has(e.code), `${name} call ${i}: unknown code ${e.code}`);
        assert.ok(Array.isArray(e.details), `${name} call ${i}: details`);
        seen[e.code] = (seen[e.code] || 0) + 1;
      }
    }
  }
  // The fuzz reached past argument checking into the parsers and the crypto.
  for (const code of ['invalid_argument', 'invalid_json', 'invalid_key', 'malformed_envelope', 'decryption_failed']) {
    assert.ok(seen[code] > 0, `no call ended in ${code}: ${JSON.stringify(seen)}`);
  }
  // And the instance still works.
  const again = m.minimiseAndSeal(order, '2ap/art7-order', kp.publicJwk);
  assert.equal(m.openAndVerify(again.envelope, kp.privateJwk).verification.conforms, true);
});
