// Builds signed registers of authorities for the tests and benchmarks (docs/TRUST.md): fresh keys
// for each entity, key validity and revocation as asked, signed by an operator key through the
// package's `signRegister`. `m` is the package module (pkg/node.js).

/** 2026-12-03T08:00:00Z: inside the validity of every key made here and before `NEXT_UPDATE`. */
export const T0 = 1_796_284_800;
export const ISSUED_AT = '2026-12-01T00:00:00Z';
export const NEXT_UPDATE = '2026-12-31T00:00:00Z';
const YEAR_START = '2026-01-01T00:00:00Z';
const YEAR_END = '2027-01-01T00:00:00Z';

/** A register key: `{ jwk, valid_from, valid_until, status[, revoked_at] }`. */
export function registerKey(jwk, { from = YEAR_START, until = YEAR_END, revokedAt } = {}) {
  const { kid, ...bare } = jwk;
  const k = { jwk: bare, valid_from: from, valid_until: until, status: revokedAt ? 'revoked' : 'active' };
  if (revokedAt) k.revoked_at = revokedAt;
  return k;
}

/**
 * An entity with a fresh X25519 key pair (`enc`) and signing key pair (`sig`); `entry` is its
 * register entry. `encKey`/`sigKey` are `registerKey` options for its keys.
 */
export function authority(m, id, party, roles, { alg = 'Ed25519', name, encKey, sigKey } = {}) {
  const enc = m.generateKeyPair();
  const sig = m.generateSigningKey(alg);
  const entry = {
    id,
    party,
    name: name ?? `${id} name`,
    contact: { email: `${id}@example.org` },
    roles,
    encryption_keys: [registerKey(enc.publicJwk, encKey)],
    signing_keys: [registerKey(sig.publicJwk, sigKey)],
  };
  return { id, party, roles, enc, sig, entry };
}

/** The unsigned register object. */
export function register(serial, entries, { id = 'test-register', operator = 'Test operator',
  issuedAt = ISSUED_AT, nextUpdate = NEXT_UPDATE } = {}) {
  return {
    minseal_register: 1,
    register_id: id,
    operator,
    serial,
    issued_at: issuedAt,
    next_update: nextUpdate,
    entries,
  };
}

/** The register signed by `operator` (a `generateSigningKey` result): JSON text. */
export function signed(m, operator, reg) {
  return m.signRegister(reg, operator.privateJwk);
}
