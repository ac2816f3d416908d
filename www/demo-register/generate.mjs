// Writes the demo register of www/register.html: fictional authorities of two fictional Parties
// (XA and XB, user-assigned ISO 3166-1 codes), fresh keys, signed by a fictional operator.
//
//   make pkg && node www/demo-register/generate.mjs
//
// register.json  the signed register (docs/TRUST.md)
// operator.jwk   the operator's public key, which the page pins
// keys.json      every entity's PRIVATE keys, published on purpose so the page can act as each
//                of them; a real register never comes with these
import { writeFileSync } from 'node:fs';
import * as m from '../../pkg/node.js';

const dir = new URL('./', import.meta.url);
const FROM = '2026-01-01T00:00:00Z';
const UNTIL = '2031-01-01T00:00:00Z';

// [id, Party, name, roles, signing algorithm, revoked_at of the signing key]
const ENTITIES = [
  ['xa-prosecutor-general', 'XA', 'Office of the Prosecutor General of Arcadia (fictional)', ['competent_authority'], 'ES256'],
  ['xa-cybercrime-police', 'XA', 'Arcadia Cybercrime Police Unit (fictional)', ['competent_authority'], 'Ed25519', '2026-10-01T00:00:00Z'],
  ['xa-ministry-justice', 'XA', 'Ministry of Justice of Arcadia (fictional)', ['central_authority', 'notified_authority'], 'Ed25519'],
  ['xb-ministry-justice', 'XB', 'Ministry of Justice of Borduria (fictional)', ['central_authority', 'notified_authority', 'designated_authority'], 'ES256'],
  ['xb-poc-24-7', 'XB', 'Borduria 24/7 Network Point of Contact (fictional)', ['poc_24_7'], 'Ed25519'],
  ['xb-example-telecom', 'XB', 'Example Telecom of Borduria (fictional)', ['service_provider'], 'Ed25519'],
  ['xb-example-registrar', 'XB', 'Example Domains of Borduria (fictional)', ['registrar'], 'Ed25519'],
];

const bare = ({ kid, ...jwk }) => jwk;
const key = (jwk, revokedAt) => ({
  jwk: bare(jwk), valid_from: FROM, valid_until: UNTIL,
  ...(revokedAt ? { status: 'revoked', revoked_at: revokedAt } : { status: 'active' }),
});

const operator = m.generateSigningKey('Ed25519');
const keys = {};
const entries = ENTITIES.map(([id, party, name, roles, alg, revokedAt]) => {
  const enc = m.generateKeyPair();
  const sig = m.generateSigningKey(alg);
  keys[id] = { encryption: enc.privateJwk, signing: sig.privateJwk };
  return {
    id, party, name,
    contact: { email: `${id}@example.org` },
    roles,
    encryption_keys: [key(enc.publicJwk)],
    signing_keys: [key(sig.publicJwk, revokedAt)],
  };
});
const register = {
  minseal_register: 1,
  register_id: 'demo-register',
  operator: 'Demo register operator (fictional)',
  serial: 1,
  issued_at: '2026-12-01T00:00:00Z',
  next_update: '2030-12-01T00:00:00Z',
  entries,
};
writeFileSync(new URL('register.json', dir), JSON.stringify(JSON.parse(m.signRegister(register, operator.privateJwk)), null, 2) + '\n');
writeFileSync(new URL('operator.jwk', dir), JSON.stringify(operator.publicJwk, null, 2) + '\n');
writeFileSync(new URL('keys.json', dir), JSON.stringify(keys, null, 2) + '\n');
console.log(`wrote www/demo-register/: ${entries.length} entries, operator ${operator.kid}`);
