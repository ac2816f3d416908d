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

// Every static method, method and getter of a class of the glue through `guard`, so that a
// freed object's getters fail as its methods do (`invalid_argument`, not wasm-bindgen's bare
// Error); `free` (and `Symbol.dispose`) does nothing on an object already freed, so a `using`
// block around an object freed by hand is harmless. "Freed" is the glue's `__wbg_ptr` being 0
// (wasm-bindgen is pinned in Cargo.toml; errors.test.mjs frees twice).
export function guardClass(cls) {
  for (const name of Object.getOwnPropertyNames(cls)) {
    const d = Object.getOwnPropertyDescriptor(cls, name);
    if (typeof d.value === 'function' && !name.startsWith('__')) Object.defineProperty(cls, name, { ...d, value: guard(d.value) });
  }
  const proto = cls.prototype;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (name === 'constructor' || name.startsWith('__')) continue;
    if (name === 'free') {
      const release = guard(d.value);
      d.value = function free() {
        if (this.__wbg_ptr !== 0) release.call(this);
      };
    } else if (typeof d.value === 'function') d.value = guard(d.value);
    else if (d.get) d.get = guard(d.get);
    else continue;
    Object.defineProperty(proto, name, d);
  }
  if (Symbol.dispose) proto[Symbol.dispose] = proto.free;
  return cls;
}

const CorePolicy = guardClass(core.Policy);

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

// N_i = I2OSP(i, 11) ‖ flag (docs/FORMAT.md).
export function chunkNonce(i, last) {
  const n = new Uint8Array(12);
  for (let j = 10, c = i; c > 0; j--, c = Math.floor(c / 256)) n[j] = c % 256;
  n[11] = last ? 1 : 0;
  return n;
}
