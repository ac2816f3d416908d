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

/** Stable error codes (`ErrorCode::as_str` in the Rust core; `unsupported_host` is JS-only: `init`, and the async functions without WebCrypto). */
export type ErrorCode =
  | 'invalid_json' | 'invalid_utf8' | 'duplicate_key' | 'too_deep' | 'too_large'
  | 'limit_exceeded' | 'invalid_policy' | 'unknown_policy' | 'missing_required'
  | 'type_mismatch' | 'forbidden_field' | 'transform_failed' | 'hash_key_required' | 'does_not_conform'
  | 'invalid_key' | 'malformed_envelope' | 'unsupported_version' | 'unsupported_suite'
  | 'no_matching_recipient' | 'decryption_failed' | 'truncated' | 'invalid_argument'
  | 'randomness_unavailable' | 'io' | 'signature_invalid' | 'signature_missing'
  | 'unknown_signer' | 'expired' | 'malformed_proof' | 'invalid_register' | 'register_rollback'
  | 'register_stale' | 'key_revoked' | 'key_not_valid' | 'unknown_recipient'
  | 'recipient_not_allowed' | 'signer_not_allowed' | 'policy_not_accepted' | 'replayed'
  | 'unsupported_host';

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
 * Signature algorithms. The algorithm that verifies a signature is the verifying key's own
 * (its `kty`/`crv`), never a field of the message.
 */
export type SigningAlg = 'ES256' | 'Ed25519';
/** An ES256 signing key: EC P-256 (RFC 7518 §6.2); `d` only in private keys. */
export interface Es256Jwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  d?: string;
  kid?: string;
  alg?: 'ES256';
  use?: 'sig';
  [member: string]: unknown;
}
/** An Ed25519 signing key: OKP (RFC 8037); `d` only in private keys. */
export interface Ed25519Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  d?: string;
  kid?: string;
  alg?: 'Ed25519' | 'EdDSA';
  use?: 'sig';
  [member: string]: unknown;
}
export type SigningJwk = Es256Jwk | Ed25519Jwk;
/** A public signing JWK: what a receiver trusts (`signers`). A private one is refused. */
export type PublicSigningJwk = (Es256Jwk | Ed25519Jwk) & { d?: never };
/** A private signing JWK (its `kid` is the RFC 7638 thumbprint of its public part). */
export type PrivateSigningJwk = (Es256Jwk | Ed25519Jwk) & { d: string };
/** A JWK Set of trusted signing keys. */
export interface SigningJwkSet { keys: PublicSigningJwk[] }

/**
 * The part of WebCrypto's `CryptoKey` this package uses (declared here so that the types need
 * no DOM library). A real `CryptoKey` fits; it may be non-extractable.
 */
export interface WebCryptoKey {
  readonly type: string;
  readonly extractable: boolean;
  readonly algorithm: { readonly name: string };
  readonly usages: readonly string[];
}
/**
 * A WebCrypto signing key: ECDSA P-256 (`{ name: 'ECDSA', namedCurve: 'P-256' }`) or
 * `Ed25519`, with its public key (a `CryptoKey` or the public JWK), which names the signer
 * (`kid`) and checks the signature before the envelope is finished. A `CryptoKeyPair` from
 * `crypto.subtle.generateKey(…, false, ['sign', 'verify'])` is one.
 */
export interface CryptoKeySigner {
  privateKey: WebCryptoKey;
  publicKey: WebCryptoKey | PublicSigningJwk;
}
/**
 * A signer outside the page: a remote signing service, a smart card, an HSM. `sign` receives
 * the statement bytes (docs/FORMAT.md, "Signature") and returns the signature: 64 bytes, r ‖ s
 * for ES256 (as WebCrypto and JOSE give it, not DER), R ‖ S for Ed25519.
 * With `publicJwk` (instead of `kid` and `alg`), the signature is checked before the envelope is
 * finished, so a signer using the wrong key fails here rather than at the receiver.
 */
export type CallbackSigner =
  | { kid: string; alg: SigningAlg; sign(statement: Uint8Array): Promise<Uint8Array> | Uint8Array }
  | { publicJwk: PublicSigningJwk; sign(statement: Uint8Array): Promise<Uint8Array> | Uint8Array };
/** What the synchronous functions sign with: a private signing JWK (object or JSON text). */
export type SyncSignerInput = PrivateSigningJwk | string;
/** What `sealAsync` and `minimiseAndSealAsync` sign with. */
export type SignerInput = SyncSignerInput | CryptoKeySigner | CallbackSigner;
/** Trusted signing keys: one public JWK, a JWK Set, JSON text of either, or an array of these. */
export type SignersInput = PublicSigningJwk | SigningJwkSet | string
  | Array<PublicSigningJwk | SigningJwkSet | string>;

/**
 * The payload: JSON text, UTF-8 JSON bytes, or a plain JS value (converted with
 * `JSON.stringify` semantics: numbers are JS doubles, `undefined` members are dropped, so pass
 * text for long account numbers). Fastest: `Uint8Array` (copied as is). A string is written
 * into wasm as UTF-8 by the package (`TextEncoder`), at least as fast as encoding it yourself;
 * a plain object costs a `JSON.stringify` more. Pass bytes when you have them; do not encode a
 * string just for this.
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
  | '2ap/art8-traffic-provider' | '2ap/art9-emergency' | '2ap/art9-emergency-provider'
  | '2ap/art10-emergency-mla' | '2ap/art10-emergency-mla-judicial' | '2ap/art10-emergency-mla-poc'
  | '2ap/subscriber-response' | '2ap/subscriber-response-art8' | '2ap/traffic-response';
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
export interface OpenOptions extends OpenLimitOptions, SignatureOptions {
  /** The payload as a string (UTF-8, default) or as bytes. */
  output?: 'string' | 'bytes';
}
/** `openAndVerify`'s options: opening limits, and the JSON limits for verifying the payload. */
export interface OpenAndVerifyOptions extends OpenLimitOptions, SignatureOptions,
  Pick<MinimiseOptions, 'maxBytes' | 'maxDepth'> {
  /** The policy to verify against; default: the built-in the header names (digest must match). */
  policy?: PolicyInput;
}
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
  /**
   * Seal only a payload that conforms to this policy (`does_not_conform` with every violation
   * otherwise; nothing is minimised), and name it in the header. `seal`/`sealAsync` only.
   */
  policy?: PolicyInput;
  /** Payload media type, default `application/json`. */
  contentType?: string;
  /** Sender metadata: ≤ 64 entries, ≤ 4096 bytes of keys and values. */
  metadata?: Record<string, string>;
  /** Unix seconds; default: now (`Date.now()`). */
  createdAt?: number;
  /** Unix seconds at or after which receivers refuse the envelope (`expired`); default: none. */
  expiresAt?: number;
  /**
   * Plaintext bytes per chunk, 64 to 4194304. Default: 65536 up to a 1 MiB payload, then the
   * power of two that makes at most 16 chunks, up to 4194304 (fewer WebCrypto calls in
   * `sealAsync`).
   */
  chunkSize?: number;
  /** Signs the envelope (docs/FORMAT.md, "Signature"): a private ES256 or Ed25519 JWK. */
  sign?: SyncSignerInput;
}
export type MinimiseAndSealOptions = MinimiseOptions & Omit<SealOptions, 'policy'>;
/** `sealAsync`'s options: `sign` may also be a WebCrypto key or a callback. */
export interface SealAsyncOptions extends Omit<SealOptions, 'sign'> {
  sign?: SignerInput;
}
/** `minimiseAndSealAsync`'s options. */
export type MinimiseAndSealAsyncOptions = MinimiseOptions & Omit<SealAsyncOptions, 'policy'>;

/** Who signed an opened envelope, and whether it was checked. */
export type SignatureResult =
  /** The signature verified against `key`, one of the caller's `signers`. */
  | { status: 'verified'; kid: string; alg: SigningAlg; key: PublicSigningJwk }
  /** Signed by `kid` with `alg` (as the record says), but no `signers` were given: unchecked. */
  | { status: 'unchecked'; kid: string; alg: SigningAlg }
  /** Not signed (with `signers` given, only when `allowUnsigned` is true). */
  | { status: 'unsigned' };
/** Signature options of the opening functions. */
export interface SignatureOptions {
  /**
   * The signing keys the caller trusts. Given: a signed envelope must carry a valid signature
   * by one of them, and an unsigned one is refused unless `allowUnsigned`. Absent: the result
   * says who signed (`status: 'unchecked'`) without checking.
   */
  signers?: SignersInput;
  /** With `signers`: accept an unsigned envelope (`status: 'unsigned'`). Default false. */
  allowUnsigned?: boolean;
  /** Unix seconds to check `expires_at` against; default: now (`Date.now()`). */
  now?: number;
}

/** What a header names: the exact policy a payload was minimised under. */
export interface PolicyReference { id: string; version: string; digest: string }

/** The authenticated envelope header (docs/FORMAT.md). */
export interface Header {
  minseal: 2;
  suite: { aead: 2; kdf: 1; kem: 32 };
  recipients: string[];
  policy?: PolicyReference;
  content_type: string;
  created_at: number;
  /** Unix seconds at or after which receivers refuse the envelope (`expired`). */
  expires_at?: number;
  chunk_size: number;
  metadata?: Record<string, string>;
  /** 128 random bits, base64url: what receivers deduplicate on. */
  message_id: string;
  /** Whether a signature record follows the payload (a stripped one is then detected). */
  signed: boolean;
}

/** The JSON envelope (docs/FORMAT.md, "JSON form"). */
export interface EnvelopeJson {
  minseal: 2;
  header: Header;
  recipients: { kid: string; enc: string; ct: string }[];
  /** HMAC-SHA256 over the header and stanzas, base64url (key commitment). */
  mac: string;
  /** The chunks, then (signed) the signature record, base64url. */
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
  /**
   * `sha256` from `minimise`; once sealed, `hmac_sha256` instead (keyed by a value only the
   * sender and the recipients hold, so the receipt alone confirms no guessed payload) and
   * `envelope` binds the receipt to its envelope (docs/POLICY.md, "Receipt").
   */
  payload: { sha256?: string; hmac_sha256?: string; bytes: number };
  envelope?: { message_id: string; header_sha256: string };
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
 * AES, much faster for large payloads) and signing by any `SignerInput` (a WebCrypto key, a
 * callback, or a private JWK); header, HPKE stanzas and the signature record from wasm. Unsigned,
 * the same envelope, byte for byte, as `seal` with the same randomness. Falls back to `seal`'s
 * wasm AES where `crypto.subtle` is missing or refuses AES-GCM.
 */
export function sealAsync(payload: string | Uint8Array, recipients: RecipientsInput,
  options: SealAsyncOptions & { format: 'binary' }): Promise<Uint8Array>;
export function sealAsync(payload: string | Uint8Array, recipients: RecipientsInput,
  options: SealAsyncOptions & { format: 'string' }): Promise<string>;
export function sealAsync(payload: string | Uint8Array, recipients: RecipientsInput,
  options?: SealAsyncOptions & { format?: 'json' }): Promise<EnvelopeJson>;
export function sealAsync(payload: string | Uint8Array, recipients: RecipientsInput,
  options?: SealAsyncOptions): Promise<Envelope>;

/** One parse: minimises, names the policy in the header, seals exactly the minimised bytes. */
export function minimiseAndSeal(payload: PayloadInput, policy: PolicyInput, recipients: RecipientsInput,
  options: MinimiseAndSealOptions & { format: 'binary' }): { envelope: Uint8Array; receipt: Receipt; payload: string };
export function minimiseAndSeal(payload: PayloadInput, policy: PolicyInput, recipients: RecipientsInput,
  options: MinimiseAndSealOptions & { format: 'string' }): { envelope: string; receipt: Receipt; payload: string };
export function minimiseAndSeal(payload: PayloadInput, policy: PolicyInput, recipients: RecipientsInput,
  options?: MinimiseAndSealOptions & { format?: 'json' }): { envelope: EnvelopeJson; receipt: Receipt; payload: string };
export function minimiseAndSeal(payload: PayloadInput, policy: PolicyInput, recipients: RecipientsInput,
  options?: MinimiseAndSealOptions): { envelope: Envelope; receipt: Receipt; payload: string };

/**
 * `minimiseAndSeal`, signing with any `SignerInput` (a WebCrypto key, a callback, or a private
 * JWK): minimise and the envelope in wasm, the signature by the signer.
 */
export function minimiseAndSealAsync(payload: PayloadInput, policy: PolicyInput, recipients: RecipientsInput,
  options: MinimiseAndSealAsyncOptions & { format: 'binary' }): Promise<{ envelope: Uint8Array; receipt: Receipt; payload: string }>;
export function minimiseAndSealAsync(payload: PayloadInput, policy: PolicyInput, recipients: RecipientsInput,
  options: MinimiseAndSealAsyncOptions & { format: 'string' }): Promise<{ envelope: string; receipt: Receipt; payload: string }>;
export function minimiseAndSealAsync(payload: PayloadInput, policy: PolicyInput, recipients: RecipientsInput,
  options?: MinimiseAndSealAsyncOptions & { format?: 'json' }): Promise<{ envelope: EnvelopeJson; receipt: Receipt; payload: string }>;
export function minimiseAndSealAsync(payload: PayloadInput, policy: PolicyInput, recipients: RecipientsInput,
  options?: MinimiseAndSealAsyncOptions): Promise<{ envelope: Envelope; receipt: Receipt; payload: string }>;

// ---- the register of authorities (docs/TRUST.md) -------------------------------------------------

/** A register role (docs/TRUST.md, "Roles"). */
export type RegisterRole = 'competent_authority' | 'notified_authority' | 'designated_authority'
  | 'poc_24_7' | 'central_authority' | 'service_provider' | 'registrar';

/** One signed register to load, with what the caller pins and remembers. */
export interface RegisterSource {
  /** The signed register document: JSON text, UTF-8 bytes or the parsed object. */
  document: string | Uint8Array | object;
  /** The operator's public signing key(s) the caller pins (`unknown_signer` if none signed it). */
  operators: SignersInput;
  /** The highest serial loaded before; a lower one is `register_rollback`. */
  lastSerial?: number;
  /** Accept a register past its `next_update` (default false: `register_stale`). */
  allowStale?: boolean;
}
export interface RegistersLoadOptions {
  /** Unix seconds to check freshness against; default: now (`Date.now()`). */
  now?: number;
}
/** What a loaded register is: store `serial` and pass it back as `lastSerial` next time. */
export interface RegisterInfo {
  registerId: string;
  operator: string;
  serial: number;
  issuedAt: number;
  nextUpdate: number;
  /** SHA-256 of the signed canonical register, lowercase hex: names this exact version. */
  digest: string;
  /** The kid of the operator key whose signature was checked. */
  signedBy: string;
}
/** A key in the register; times are Unix seconds, `revokedAt` null unless revoked. */
export type RegisteredKey =
  | { use: 'encryption'; kid: string; jwk: PublicJwk; validFrom: number; validUntil: number; revokedAt: number | null }
  | { use: 'signing'; kid: string; jwk: PublicSigningJwk; validFrom: number; validUntil: number; revokedAt: number | null };
/** An entity of the register, with its keys and the register it is in. */
export interface RegisterEntry {
  id: string;
  /** ISO 3166-1 alpha-2, or a code the register defines. */
  party: string;
  name: string;
  /** `email`, `phone`, `postal_address`, `url`: at least one. */
  contact: Record<string, string>;
  roles: string[];
  encryptionKeys: (RegisteredKey & { use: 'encryption' })[];
  signingKeys: (RegisteredKey & { use: 'signing' })[];
  registerId: string;
  serial: number;
}
/** A recipient named in the registers: every entry of a Party with a role, or one key. */
export type RecipientRef = { party: string; role: RegisterRole | string } | { kid: string };

/**
 * One or several signed registers, each checked (operator signature, every member, rollback,
 * freshness) and used together. Owns wasm memory: `free()` (or `using`) to release it early.
 */
export class Registers {
  private constructor();
  /**
   * Loads one source or several: `invalid_register` (every problem in `details`),
   * `unknown_signer` (not signed by a pinned operator), `signature_invalid`,
   * `register_rollback`, `register_stale`; two registers with the same id or kid are
   * `invalid_register`. Nothing loads unless all do.
   */
  static load(sources: RegisterSource | RegisterSource[], options?: RegistersLoadOptions): Registers;
  /** Each register, in the order loaded. */
  readonly registers: RegisterInfo[];
  /** The key with this kid and the entry holding it, or null. */
  findKid(kid: string): { key: RegisteredKey; entry: RegisterEntry } | null;
  /** The entries of `party` holding `role`, across the registers, in document order. */
  find(party: string, role: RegisterRole | string): RegisterEntry[];
  /**
   * The public keys sealing to `recipients` under a policy for `audience` at `at` (Unix
   * seconds) uses: `recipient_not_allowed`, `unknown_recipient`, `key_revoked`, `key_not_valid`.
   */
  recipientKeys(recipients: RecipientRef | RecipientRef[], audience: string, at: number): PublicJwk[];
  free(): void;
  [Symbol.dispose](): void;
}

/** The message ids a receiver accepted, in memory: keep one across calls (`replayed`). */
export class MemoryReplayStore {
  constructor();
  /** How many message ids it holds. */
  readonly size: number;
  free(): void;
  [Symbol.dispose](): void;
}

/**
 * Sealing through the registers (`seal`, `sealAsync` with `policy`; `minimiseAndSeal`,
 * `minimiseAndSealAsync`): `recipients` are `RecipientRef`s, and each must hold the policy's
 * audience role and a key valid at `createdAt` (default now).
 */
export interface RegisterSealOptions { registers: Registers }

/** `openAndVerify` with a register: the receiver's acceptance rules (docs/TRUST.md). */
export interface RegisterOpenOptions extends OpenLimitOptions {
  registers: Registers;
  /** The policies this receiver accepts (`policy_not_accepted` for any other). */
  accept: PolicyInput | PolicyInput[];
  /** Where accepted message ids are recorded (`replayed`). */
  replay: MemoryReplayStore;
  /** Unix seconds to check `expires_at` against; default: now (`Date.now()`). */
  now?: number;
}
/** The register entry that signed an accepted envelope or an acknowledgement. */
export interface RegisterSigner {
  id: string;
  name: string;
  party: string;
  roles: string[];
  kid: string;
  registerId: string;
  serial: number;
}
/** A verified acknowledgement. */
export interface VerifiedAck {
  messageId: string;
  /** SHA-256 of the envelope's canonical header, lowercase hex. */
  headerSha256: string;
  /** The payload digest as the sender's receipt carries it; null when refused before reading it. */
  payloadDigest: string | null;
  receivedAt: number;
  outcome: 'accepted' | 'refused';
  /** The refusal's error code; null when accepted. */
  code: ErrorCode | string | null;
  signer: RegisterSigner;
}
/** An acknowledgement to sign (a receiver's side). */
export interface AckInput {
  messageId: string;
  headerSha256: string;
  payloadDigest?: string;
  receivedAt: number;
  outcome: 'accepted' | 'refused';
  code?: string;
}

export function seal(payload: string | Uint8Array, recipients: RecipientRef | RecipientRef[],
  options: SealOptions & RegisterSealOptions & { policy: PolicyInput }): Envelope;
export function sealAsync(payload: string | Uint8Array, recipients: RecipientRef | RecipientRef[],
  options: SealAsyncOptions & RegisterSealOptions & { policy: PolicyInput }): Promise<Envelope>;
export function minimiseAndSeal(payload: PayloadInput, policy: PolicyInput, recipients: RecipientRef | RecipientRef[],
  options: MinimiseAndSealOptions & RegisterSealOptions): { envelope: Envelope; receipt: Receipt; payload: string };
export function minimiseAndSealAsync(payload: PayloadInput, policy: PolicyInput, recipients: RecipientRef | RecipientRef[],
  options: MinimiseAndSealAsyncOptions & RegisterSealOptions): Promise<{ envelope: Envelope; receipt: Receipt; payload: string }>;

/**
 * Opens with a register and accepts only when every rule holds (docs/TRUST.md, "Opening with a
 * register"), else the failing rule's code (`policy_not_accepted`, `signature_missing`,
 * `unknown_signer`, `signature_invalid`, `key_revoked`, `key_not_valid`, `signer_not_allowed`,
 * `does_not_conform`, `expired`, `no_matching_recipient`, `replayed`); `signer` says who sent it
 * and `role` the sender role that allowed it.
 */
export function openAndVerify(envelope: Envelope, privateKey: PrivateKeyInput, options: RegisterOpenOptions):
  { payload: string; header: Header; signature: SignatureResult & { status: 'verified' };
    verification: Verification; signer: RegisterSigner & { role: string };
    /** SHA-256 of the canonical header, lowercase hex: what an acknowledgement names. */
    headerSha256: string };

/**
 * Verifies a signed acknowledgement of the envelope `expected.messageId` sealed to
 * `expected.recipientKids` (its header's `recipients`): signed by a register key of an entry
 * holding one of those recipient keys, valid at `receivedAt`. `invalid_json` / `duplicate_key`
 * (text that does not parse), `invalid_argument` (not an acknowledgement, or another message), `unknown_signer`, `signature_invalid`, `key_revoked`, `key_not_valid`,
 * `signer_not_allowed`.
 */
export function verifyAck(ack: string | Uint8Array | object, registers: Registers,
  expected: { messageId: string; recipientKids: string[] }): VerifiedAck;
/** Signs an acknowledgement with the receiver's private signing JWK: canonical JSON text. */
export function signAck(ack: AckInput, signingKey: SyncSignerInput): string;
/**
 * Signs a register (the `register` object, or a signed document whose signatures are replaced)
 * with the operator's private signing JWK: the signed document, canonical JSON text.
 */
export function signRegister(register: string | Uint8Array | object, signingKey: SyncSignerInput): string;

/** Opens an envelope; `signature` says who signed it and whether that was checked. */
export function open(envelope: Envelope, privateKey: PrivateKeyInput, options: OpenOptions & { output: 'bytes' }):
  { payload: Uint8Array; header: Header; signature: SignatureResult };
export function open(envelope: Envelope, privateKey: PrivateKeyInput, options?: OpenOptions & { output?: 'string' }):
  { payload: string; header: Header; signature: SignatureResult };

/**
 * `open` with the payload chunks decrypted by WebCrypto (`crypto.subtle`): the same result and
 * the same errors as `open` (codes and messages), no plaintext before every chunk and the
 * signature check passed. Without `crypto.subtle`, `open`.
 */
export function openAsync(envelope: Envelope, privateKey: PrivateKeyInput, options: OpenOptions & { output: 'bytes' }):
  Promise<{ payload: Uint8Array; header: Header; signature: SignatureResult }>;
export function openAsync(envelope: Envelope, privateKey: PrivateKeyInput, options?: OpenOptions & { output?: 'string' }):
  Promise<{ payload: string; header: Header; signature: SignatureResult }>;

/**
 * Opens, checks the signature (see `SignatureOptions`), then verifies the payload against
 * `options.policy`, or (without it) the built-in named in the header, whose digest must match
 * (else `unknown_policy`). `verification` is `null` when the header names no policy (sealed as is).
 */
export function openAndVerify(envelope: Envelope, privateKey: PrivateKeyInput, options?: OpenAndVerifyOptions):
  { payload: string; header: Header; signature: SignatureResult; verification: Verification | null };

export function generateKeyPair(): { privateJwk: PrivateJwk; publicJwk: PublicJwk; kid: string };
/** The public JWK of a private key. */
export function publicKey(privateKey: PrivateKeyInput): PublicJwk;
/** RFC 7638 thumbprint (base64url) of a public JWK (X25519, ES256 or Ed25519) or raw base64url X25519 key: the `kid`. */
export function thumbprint(key: Jwk | PublicSigningJwk | string): string;

/** A new signing key pair (ES256 or Ed25519) as JWKs; `kid` is the RFC 7638 thumbprint. */
export function generateSigningKey(alg: SigningAlg):
  { privateJwk: PrivateSigningJwk; publicJwk: PublicSigningJwk; kid: string };
/** The public JWK of a private signing JWK. */
export function signingPublicKey(privateKey: SyncSignerInput): PublicSigningJwk;

/**
 * The evidence document of a signed envelope (docs/FORMAT.md, "Proof"): opens it (the same
 * options as `open`), then returns the canonical header, the payload and the signature as one
 * RFC 8785 JSON text, which anyone checks with `verifyProof` and the signer's public key. It
 * discloses the payload. `signature_missing` if the envelope is unsigned.
 */
export function exportProof(envelope: Envelope, privateKey: PrivateKeyInput, options?: OpenLimitOptions & SignatureOptions): string;
/**
 * Checks a proof against trusted signing keys: `unknown_signer`, `signature_invalid`,
 * `malformed_proof`; else what the sender signed.
 */
export function verifyProof(proof: string | object, signers: SignersInput):
  { payload: string; header: Header; signature: SignatureResult & { status: 'verified' } };
