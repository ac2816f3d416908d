// The receiver's functions, in the full entry only (minseal.js; the sender entry's wasm module
// is built without them: Cargo feature `wasm-receiver`).
import * as core from './minseal_core.js';
import { guard, namesPolicy, policyOf } from './common.js';

export const open = guard(core.open);
export const openAndVerify = guard((envelope, privateKey, options) =>
  namesPolicy(options)
    ? core.openAndVerifyWith(envelope, privateKey, policyOf(options.policy), options)
    : core.openAndVerify(envelope, privateKey, options));
export const exportProof = guard(core.exportProof);
export const verifyProof = guard(core.verifyProof);
