// Type-checked (not run) by tests/js/node/types.test.mjs under tsconfig.es2022.json: lib ES2022
// only (no DOM, no Node types, no ESNext.Disposable), strict, skipLibCheck false. The package's
// types must need nothing beyond that.
import {
  init, minimiseAndSeal, openAndVerify, generateKeyPair, generateSigningKey, Policy,
  type WebCryptoKey, type SignatureResult,
} from 'minseal';

export async function main(order: string, wasm: ArrayBuffer, key: WebCryptoKey): Promise<SignatureResult> {
  await init(wasm);
  await init('/assets/minseal_core_bg.wasm');
  const authority = generateKeyPair();
  const portal = generateSigningKey('Ed25519');
  const policy = Policy.builtin('2ap/art7-order');
  const { envelope } = minimiseAndSeal(order, policy, authority.publicJwk, { sign: portal.privateJwk });
  policy.free();
  void key;
  const { verification, signature } = openAndVerify(envelope, authority.privateJwk, { signers: [portal.publicJwk] });
  if (verification !== null && !verification.conforms) throw new Error('does not conform');
  return signature;
}
