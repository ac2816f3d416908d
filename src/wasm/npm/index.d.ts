// Types for the `minseal` package. The same declarations serve the browser/bundler entry
// (index.js) and the Node entry (node.js). docs/JS-API.md is the contract.

/**
 * Loads the wasm module; required once in browsers before any other call (a no-op in Node).
 * Rejects with a `MinsealError`: `unsupported_host` in an engine without WebAssembly SIMD (before
 * Chrome 91, Firefox 89, Safari 16.4) or where the module does not compile, `io` when it cannot be
 * fetched. After a failure, the next call tries again.
 */
export function init(input?: InitInput): Promise<void>;
/**
 * Where `init` loads the module from: a URL (a `URL` object or a string), a fetch `Response`, or
 * the module's bytes. Declared by shape, so the types need no DOM library.
 */
export type InitInput = string | { readonly href: string } | { arrayBuffer(): Promise<ArrayBuffer> }
  | ArrayBuffer | ArrayBufferView;
/** The library version (the crate's). */
export function version(): string;

/** Stable error codes (`ErrorCode::as_str` in the Rust core; `unsupported_host` from `init` only). */
export type ErrorCode =
  | 'invalid_json' | 'invalid_utf8' | 'duplicate_key' | 'too_deep' | 'too_large'
  | 'limit_exceeded' | 'invalid_policy' | 'unknown_policy' | 'missing_required'
  | 'forbidden_field' | 'transform_failed' | 'hash_key_required' | 'does_not_conform'
  | 'invalid_key' | 'malformed_envelope' | 'unsupported_version' | 'unsupported_suite'
  | 'no_matching_recipient' | 'decryption_failed' | 'truncated' | 'invalid_argument'
  | 'randomness_unavailable' | 'io' | 'unsupported_host';

/** Every failure of every export: a real `Error` with a stable `code` and `details`. */
export class MinsealError extends Error {
  constructor(code: ErrorCode, message: string, details?: string[]);
  readonly name: 'MinsealError';
  /** Stable, machine-readable. */
  readonly code: ErrorCode;
  /** Every missing path, policy problem or violation (never payload values or key bytes). */
  readonly details: string[];
}

/** An X25519 JWK (RFC 8037); `d` only in private keys. */
export interface Jwk {
  kty: 'OKP';
  crv: 'X25519';
  x: string;
  d?: string;
  kid?: string;
  [member: string]: unknown;
}
export interface PublicJwk extends Jwk { kid: string; d?: never }
export interface PrivateJwk extends Jwk { d: string; kid: string }
export interface JwkSet { keys: Jwk[] }
/** A recipient's public X25519 JWK (`kid` optional; a private key is refused: `invalid_key`). */
export type PublicRecipientJwk = Jwk & { d?: never };
export interface RecipientJwkSet { keys: PublicRecipientJwk[] }

/**
 * The payload: JSON text, UTF-8 JSON bytes, or a plain JS value (converted with
 * `JSON.stringify` semantics: numbers are JS doubles, `undefined` members are dropped, so pass
 * text for long account numbers). Fastest: `Uint8Array` (copied as is; about 1.4× faster than a
 * string, which is transcoded from UTF-16 to UTF-8 on the way in); a plain object costs about
 * the same as a string. Pass bytes when you have them; do not encode a string just for this.
 */
export type PayloadInput = string | Uint8Array | object;
/**
 * The id of a built-in profile (`profiles()` lists them). An id this union does not know (a
 * profile added after these types were written) is passed as `id as ProfileId`; custom policies
 * go through `Policy.parse`.
 */
export type ProfileId =
  | '2ap/art6-domain-registration' | '2ap/art7-order' | '2ap/art7-order-notified'
  | '2ap/art8-subscriber' | '2ap/art8-subscriber-provider' | '2ap/art8-traffic'
  | '2ap/art8-traffic-provider' | '2ap/art9-emergency' | '2ap/art10-emergency-mla'
  | '2ap/subscriber-response';
/** A `Policy` object, or the id of a built-in profile (compiled once, then cached). */
export type PolicyInput = Policy | ProfileId;
/** A public X25519 JWK, a JWK Set of them, either as JSON text, a raw base64url key; or an array of these. */
export type RecipientsInput = PublicRecipientJwk | RecipientJwkSet | string
  | Array<PublicRecipientJwk | RecipientJwkSet | string>;
/** A private JWK (object or JSON text) or the raw secret key in base64url. */
export type PrivateKeyInput = Jwk | string;

export interface MinimiseOptions {
  /** HMAC key for `hash` transforms, ≥ 16 bytes; required when the policy uses `hash`. */
  hashKey?: Uint8Array;
  /** Refuse (`forbidden_field`) rather than remove forbidden fields. */
  strict?: boolean;
  /** Largest payload in bytes (default 16 MiB; `too_large` beyond). */
  maxBytes?: number;
  /** Deepest nesting (default 64, never above 512; `too_deep` beyond). */
  maxDepth?: number;
}

/**
 * Recipient and metadata limits (docs/SECURITY.md, "Limits"), checked when sealing and when
 * opening; `limit_exceeded` beyond. Values above the format's limits count as those limits.
 */
export interface EnvelopeLimitOptions {
  /** Most recipients (default and ceiling 64). */
  maxRecipients?: number;
  /** Most metadata entries (default and ceiling 64). */
  maxMetadataEntries?: number;
  /** Most bytes of metadata keys and values, UTF-8 (default and ceiling 4096). */
  maxMetadataBytes?: number;
}
/** Limits on what is opened: the envelope limits, its size and its chunk count. */
export interface OpenLimitOptions extends EnvelopeLimitOptions {
  /** Most payload chunks (default: no limit); `limit_exceeded` beyond, before decrypting. */
  maxChunks?: number;
  /**
   * Largest envelope in bytes of the form given: binary bytes, or the UTF-8 bytes of JSON text
   * (an object counts as its `JSON.stringify` text); default: no limit; `too_large` beyond.
   */
  maxEnvelopeBytes?: number;
}
export interface OpenOptions extends OpenLimitOptions {
  /** The payload as a string (UTF-8, default) or as bytes. */
  output?: 'string' | 'bytes';
}
/** `openAndVerify`'s options: opening limits, and the JSON limits for verifying the payload. */
export interface OpenAndVerifyOptions extends OpenLimitOptions, Pick<MinimiseOptions, 'maxBytes' | 'maxDepth'> {}
/** Limits on a policy document; each exceeded is `invalid_policy` with a detail naming it. */
export interface PolicyParseOptions {
  /** Largest document in bytes (default 1 MiB). */
  maxBytes?: number;
  /** Deepest nesting (default 32, never above 64). */
  maxDepth?: number;
  /** Most rules, and most forbidden paths (default and ceiling 4096). */
  maxRules?: number;
}

export type EnvelopeFormat = 'json' | 'string' | 'binary';
export interface SealOptions extends EnvelopeLimitOptions {
  /** Envelope form: JSON envelope object (default), the same as a string, or binary bytes. */
  format?: EnvelopeFormat;
  /** Name this policy in the header (sealed as is: nothing is minimised). `seal` only. */
  policy?: PolicyInput;
  /** Payload media type, default `application/json`. */
  contentType?: string;
  /** Sender metadata: ≤ 64 entries, ≤ 4096 bytes of keys and values. */
  metadata?: Record<string, string>;
  /** Unix seconds; default: now (`Date.now()`). */
  createdAt?: number;
  /**
   * Plaintext bytes per chunk, 64 to 4194304. Default: 65536 up to a 1 MiB payload, then the
   * power of two that makes at most 16 chunks, up to 4194304 (fewer WebCrypto calls in
   * `sealAsync`).
   */
  chunkSize?: number;
}
export type MinimiseAndSealOptions = MinimiseOptions & Omit<SealOptions, 'policy'>;

/** What a header names: the exact policy a payload was minimised under. */
export interface PolicyReference { id: string; version: string; digest: string }

/** The authenticated envelope header (docs/FORMAT.md). */
export interface Header {
  minseal: 1;
  suite: { aead: 2; kdf: 1; kem: 32 };
  recipients: string[];
  policy?: PolicyReference;
  content_type: string;
  created_at: number;
  chunk_size: number;
  metadata?: Record<string, string>;
}

/** The JSON envelope (docs/FORMAT.md, "JSON form"). */
export interface EnvelopeJson {
  minseal: 1;
  header: Header;
  recipients: { kid: string; enc: string; ct: string }[];
  payload: string;
}
/** On input, every form is accepted. */
export type Envelope = EnvelopeJson | string | Uint8Array;

export type RemovalReason = 'not_allowed' | 'forbidden' | 'sensitive' | 'type_mismatch';
/** The receipt (docs/POLICY.md, "Receipt"); never contains a payload value. */
export interface Receipt {
  minseal_receipt: 1;
  policy: PolicyReference;
  counts: { input_leaves: number; kept: number; transformed: number; removed: number };
  removed: { path: string; reason: RemovalReason; count: number; leaves: number }[];
  transformed: { path: string; op: string; count: number }[];
  payload: { sha256: string; bytes: number };
}

export type ViolationKind =
  | 'not_allowed' | 'forbidden' | 'sensitive' | 'type_mismatch' | 'not_transformed'
  | 'missing_required';
export interface Verification {
  conforms: boolean;
  violations: { path: string; kind: ViolationKind }[];
}

export interface ProfileInfo { id: ProfileId; version: string; title: string; basis: string; audience: string }

// `Policy` is disposable (`using`). `Symbol.dispose` is declared here as TypeScript's own
// ESNext.Disposable and @types/node declare it, so the types also check with lib ES2022 alone.
declare global {
  interface SymbolConstructor { readonly dispose: unique symbol }
}

/** A compiled minimisation policy. Call `free()` (or `using`) to release it early. */
export class Policy {
  private constructor();
  /** A built-in profile; `unknown_policy` if absent. */
  static builtin(id: ProfileId): Policy;
  /** A policy document as JSON text, UTF-8 bytes or an object; `invalid_policy` lists every problem. */
  static parse(policy: string | Uint8Array | object, options?: PolicyParseOptions): Policy;
  readonly id: string;
  readonly version: string;
  readonly title: string;
  readonly basis: string;
  readonly audience: string;
  /** SHA-256 of the RFC 8785 bytes, lowercase hex. */
  readonly digest: string;
  /** RFC 8785 canonical text. */
  canonicalJson(): string;
  free(): void;
  [Symbol.dispose](): void;
}

/** `{ id, version, title, basis, audience }` of every built-in profile. */
export function profiles(): ProfileInfo[];

export function minimise(payload: PayloadInput, policy: PolicyInput, options?: MinimiseOptions):
  { payload: string; receipt: Receipt };
export function verify(payload: PayloadInput, policy: PolicyInput, options?: MinimiseOptions):
  Verification;

/** Seals as is (no minimisation). */
export function seal(payload: string | Uint8Array, recipients: RecipientsInput,
  options: SealOptions & { format: 'binary' }): Uint8Array;
export function seal(payload: string | Uint8Array, recipients: RecipientsInput,
  options: SealOptions & { format: 'string' }): string;
export function seal(payload: string | Uint8Array, recipients: RecipientsInput,
  options?: SealOptions & { format?: 'json' }): EnvelopeJson;
export function seal(payload: string | Uint8Array, recipients: RecipientsInput,
  options?: SealOptions): Envelope;

/**
 * `seal`, with the payload's AES-256-GCM chunks encrypted by WebCrypto (`crypto.subtle`: hardware
 * AES, much faster for large payloads); header and HPKE stanzas still from wasm. The same
 * envelope, byte for byte, as `seal` would give with the same randomness. Falls back to `seal`
 * where `crypto.subtle` is missing or refuses AES-GCM.
 */
export function sealAsync(payload: string | Uint8Array, recipients: RecipientsInput,
  options: SealOptions & { format: 'binary' }): Promise<Uint8Array>;
export function sealAsync(payload: string | Uint8Array, recipients: RecipientsInput,
  options: SealOptions & { format: 'string' }): Promise<string>;
export function sealAsync(payload: string | Uint8Array, recipients: RecipientsInput,
  options?: SealOptions & { format?: 'json' }): Promise<EnvelopeJson>;
export function sealAsync(payload: string | Uint8Array, recipients: RecipientsInput,
  options?: SealOptions): Promise<Envelope>;

/** One parse: minimises, names the policy in the header, seals exactly the minimised bytes. */
export function minimiseAndSeal(payload: PayloadInput, policy: PolicyInput, recipients: RecipientsInput,
  options: MinimiseAndSealOptions & { format: 'binary' }): { envelope: Uint8Array; receipt: Receipt; payload: string };
export function minimiseAndSeal(payload: PayloadInput, policy: PolicyInput, recipients: RecipientsInput,
  options: MinimiseAndSealOptions & { format: 'string' }): { envelope: string; receipt: Receipt; payload: string };
export function minimiseAndSeal(payload: PayloadInput, policy: PolicyInput, recipients: RecipientsInput,
  options?: MinimiseAndSealOptions & { format?: 'json' }): { envelope: EnvelopeJson; receipt: Receipt; payload: string };
export function minimiseAndSeal(payload: PayloadInput, policy: PolicyInput, recipients: RecipientsInput,
  options?: MinimiseAndSealOptions): { envelope: Envelope; receipt: Receipt; payload: string };

export function open(envelope: Envelope, privateKey: PrivateKeyInput, options: OpenOptions & { output: 'bytes' }):
  { payload: Uint8Array; header: Header };
export function open(envelope: Envelope, privateKey: PrivateKeyInput, options?: OpenOptions & { output?: 'string' }):
  { payload: string; header: Header };

/**
 * Opens, then verifies against `policy`, or (without it) the built-in named in the header, whose
 * digest must match (else `unknown_policy`). `verification` is `null` when the header names no
 * policy (sealed as is).
 */
export function openAndVerify(envelope: Envelope, privateKey: PrivateKeyInput, policy?: PolicyInput,
  options?: OpenAndVerifyOptions): { payload: string; header: Header; verification: Verification | null };

export function generateKeyPair(): { privateJwk: PrivateJwk; publicJwk: PublicJwk; kid: string };
/** The public JWK of a private key. */
export function publicKey(privateKey: PrivateKeyInput): PublicJwk;
/** RFC 7638 thumbprint (base64url) of a public JWK or raw base64url key: the `kid`. */
export function thumbprint(key: Jwk | string): string;
