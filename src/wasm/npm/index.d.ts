/** Loads the wasm module; required once in browsers before any other call (a no-op in Node). */
export function init(input?: URL | string | Response | BufferSource): Promise<void>;
/** The library version. */
export function version(): string;
