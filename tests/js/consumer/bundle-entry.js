// Bundled by tests/js/node/bundle.test.mjs with esbuild (--platform=browser, ESM) and run.
// esbuild leaves `new URL('minseal_core_bg.wasm', import.meta.url)` as it is (it does not copy
// the asset), so a bundled app either serves the .wasm next to the bundle or, as here, passes
// the wasm (URL, Response or bytes) to init().
import { init, generateKeyPair, minimiseAndSeal, openAndVerify, MinsealError, seal } from 'minseal';

export async function run(wasm, orderText) {
  await init(wasm);
  const kp = generateKeyPair();
  const { envelope, receipt } = minimiseAndSeal(orderText, '2ap/art7-order', kp.publicJwk, { format: 'binary' });
  const opened = openAndVerify(envelope, kp.privateJwk);
  let code = null;
  try {
    seal('{}', null);
  } catch (e) {
    code = e instanceof MinsealError ? e.code : `not a MinsealError: ${e}`;
  }
  return { conforms: opened.verification.conforms, removed: receipt.counts.removed, code };
}
