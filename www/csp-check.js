// Loaded by csp-check.html (tests/js/browser/csp.test.mjs): uses the package under the strict
// CSP that scripts/serve.mjs sends and reports the outcome and every CSP violation in #result.
import { init, generateKeyPair, minimiseAndSeal, openAndVerify, seal, open, Policy, MinsealError } from '/pkg/index.js';

const violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  violations.push(`${e.violatedDirective} ${e.blockedURI}`);
});

async function run() {
  await init();
  const kp = generateKeyPair();
  const env = seal('{"hello":"csp"}', kp.publicJwk, { format: 'binary' });
  const opened = open(env, kp.privateJwk).payload;
  const policy = Policy.parse({
    minseal_policy: 1, id: 'csp/check', version: '1.0.0', title: 'CSP check', basis: 'test',
    audience: 'service_provider', rules: [{ path: '$.keep', required: true }],
  });
  const { envelope, payload } = minimiseAndSeal({ keep: 1, drop: 2 }, policy, kp.publicJwk);
  const flow = { payload, conforms: openAndVerify(envelope, kp.privateJwk, { policy }).verification.conforms };
  let code = null;
  try { open(env, generateKeyPair().privateJwk); } catch (e) { code = e instanceof MinsealError ? e.code : String(e); }
  return { opened, flow, code };
}

run().then(
  (r) => { document.getElementById('result').textContent = JSON.stringify({ ...r, violations }); },
  (e) => { document.getElementById('result').textContent = JSON.stringify({ error: String(e), violations }); },
);
