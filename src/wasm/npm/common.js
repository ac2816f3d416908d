// What api.js (the surface both entries have) and receive.js (the full entry's opening
// functions) share: `MinsealError`, `guard`, and policies named by id. Not an entry: its
// helpers stay out of the public surface (the shared modules re-export api.js and receive.js).
import * as core from './minseal_core.js';

/** Every failure minseal reports: a real `Error` with a stable `code` and `details`. */
export class MinsealError extends Error {
  constructor(code, message, details = []) {
    super(message);
    this.name = 'MinsealError';
    this.code = code;
    this.details = details;
  }
}

export function convert(e) {
  if (e instanceof MinsealError) return e;
  // The Rust side throws an Error named MinsealError carrying code and details.
  if (e instanceof Error && e.name === 'MinsealError' && typeof e.code === 'string') {
    return new MinsealError(e.code, e.message, Array.isArray(e.details) ? e.details : []);
  }
  // wasm-bindgen's own argument checks (a freed or foreign Policy object): the caller's
  // mistake. A WebAssembly.RuntimeError is a bug in minseal and is left as it is.
  if (e instanceof Error && !(e instanceof WebAssembly.RuntimeError)) {
    return new MinsealError('invalid_argument', e.message, []);
  }
  return e;
}

export function guard(f) {
  return function guarded(...args) {
    try {
      return f.apply(this, args);
    } catch (e) {
      throw convert(e);
    }
  };
}

const CorePolicy = core.Policy;
CorePolicy.builtin = guard(CorePolicy.builtin);
CorePolicy.parse = guard(CorePolicy.parse);
CorePolicy.prototype.canonicalJson = guard(CorePolicy.prototype.canonicalJson);

/** A compiled policy: `Policy.builtin(id)` or `Policy.parse(document)`; reuse it. */
export const Policy = CorePolicy;

// Built-in policies named by id, compiled once per id (at most one per built-in profile:
// unknown ids throw and are not cached).
const builtins = new Map();
export function policyOf(p) {
  if (p instanceof Policy) return p;
  if (typeof p === 'string') {
    let b = builtins.get(p);
    if (b === undefined) {
      b = Policy.builtin(p);
      builtins.set(p, b);
    }
    return b;
  }
  throw new MinsealError('invalid_argument', 'policy must be a Policy or a built-in policy id');
}

export const namesPolicy = (options) => options !== null && typeof options === 'object' && options.policy !== undefined;
