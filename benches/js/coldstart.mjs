// One cold start, in a fresh Node process: `node coldstart.mjs minseal|hpke`.
// Prints one JSON line: { which, importMs, totalMs } or { which, error }.
//
// Timed: from just before the dynamic import() of the library to the first sealed result of
// "minimise the 4 KiB payload, then seal it to a public key" — minseal's minimiseAndSeal, or the
// plain-JS picker followed by hpke-js seal (key import included for both: minseal parses the JWK
// inside the call, hpke-js deserialises the raw key). The payload and the recipient key are made
// before the clock starts, so both sides time the same work. Node's own start-up is not included.
import { generateKeyPairSync } from 'node:crypto';
import { makePayload, plainPick, POLICY_ID } from './payloads.mjs';

const which = process.argv[2];
const text = makePayload(4096).text;
const publicJwk = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
const rawPublic = Buffer.from(publicJwk.x, 'base64url');
const pkgUrl = new URL('../../pkg/node.js', import.meta.url);

function out(o) { process.stdout.write(JSON.stringify({ which, ...o }) + '\n'); }

try {
  if (which === 'minseal') {
    const t0 = performance.now();
    const ms = await import(pkgUrl.href);
    const t1 = performance.now();
    if (typeof ms.minimiseAndSeal !== 'function') {
      out({ error: 'export missing' });
    } else {
      const r = ms.minimiseAndSeal(text, POLICY_ID, publicJwk);
      const t2 = performance.now();
      if (!r || !r.envelope) throw new Error('minimiseAndSeal returned no envelope');
      out({ importMs: t1 - t0, totalMs: t2 - t0 });
    }
  } else if (which === 'hpke') {
    const t0 = performance.now();
    const [{ CipherSuite, HkdfSha256, Aes256Gcm }, { DhkemX25519HkdfSha256 }] = await Promise.all([
      import('@hpke/core'), import('@hpke/dhkem-x25519')]);
    const t1 = performance.now();
    const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
    const pk = await suite.kem.deserializePublicKey(rawPublic);
    const minimised = plainPick(text);
    const { ct, enc } = await suite.seal({ recipientPublicKey: pk }, new TextEncoder().encode(minimised));
    const t2 = performance.now();
    if (!(ct.byteLength > 0 && enc.byteLength === 32)) throw new Error('hpke seal gave no ciphertext');
    out({ importMs: t1 - t0, totalMs: t2 - t0 });
  } else {
    throw new Error('usage: node coldstart.mjs minseal|hpke');
  }
} catch (e) {
  out({ error: String(e && e.message || e) });
  process.exitCode = 1;
}
