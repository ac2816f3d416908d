// The register of authorities through the npm package (docs/TRUST.md, docs/JS-API.md): loading
// with each refusal, lookups, several registers together, sealing to recipients named by Party
// and role, opening with a register (each acceptance rule's code), replay, acknowledgements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as m from '../../../pkg/node.js';
import { T0, authority, register, registerKey, signed } from '../lib/register-kit.mjs';

const root = new URL('../../../', import.meta.url);
const fixture = (id) => readFileSync(new URL(`tests/fixtures/${id}/input.json`, root), 'utf8');
const order = fixture('2ap-art7-order');
const notified = fixture('2ap-art7-order-notified');
const code = (c) => (e) => {
  assert.ok(e instanceof m.MinsealError, `not a MinsealError: ${e}`);
  assert.equal(e.code, c, e.message);
  return true;
};

const operator = m.generateSigningKey('Ed25519');
// Party XA: a prosecutor (competent authority, ES256), a police unit whose signing key was
// revoked, a court whose signing key expired, and XA's notified authority. Party XB: two
// providers and its notified authority (whose encryption key is revoked).
const pg = authority(m, 'xa-prosecutor', 'XA', ['competent_authority'], { alg: 'ES256', name: 'Office of the Prosecutor General' });
const police = authority(m, 'xa-police', 'XA', ['competent_authority'], { sigKey: { revokedAt: '2026-11-01T00:00:00Z' } });
const court = authority(m, 'xa-court', 'XA', ['competent_authority'], { sigKey: { until: '2026-06-01T00:00:00Z' } });
const xaNotified = authority(m, 'xa-notified', 'XA', ['notified_authority']);
const isp = authority(m, 'xb-isp', 'XB', ['service_provider'], { name: 'Example Networks' });
const host = authority(m, 'xb-host', 'XB', ['service_provider']);
const xbNotified = authority(m, 'xb-notified', 'XB', ['notified_authority'], { encKey: { revokedAt: '2026-11-01T00:00:00Z' } });
const all = [pg, police, court, xaNotified, isp, host, xbNotified];
const doc = signed(m, operator, register(7, all.map((a) => a.entry)));
const source = { document: doc, operators: operator.publicJwk };
const load = (extra = {}, now = T0) => m.Registers.load({ ...source, ...extra }, { now });
const registers = load();

// An order from `from` to XB's providers, sealed through the register.
function send(from = pg, options = {}) {
  return m.minimiseAndSeal(order, '2ap/art7-order', { party: 'XB', role: 'service_provider' },
    { registers, sign: from.sig.privateJwk, createdAt: T0, ...options }).envelope;
}
const receive = (envelope, replay = new m.MemoryReplayStore(), options = {}, to = isp) =>
  m.openAndVerify(envelope, to.enc.privateJwk, { registers, replay, accept: ['2ap/art7-order'], now: T0 + 60, ...options });

test('loads a signed register: what it is, lookups by kid and by Party and role', () => {
  const [info] = registers.registers;
  assert.equal(info.registerId, 'test-register');
  assert.equal(info.serial, 7);
  assert.equal(info.signedBy, operator.kid);
  assert.match(info.digest, /^[0-9a-f]{64}$/);
  const found = registers.findKid(pg.sig.kid);
  assert.equal(found.key.use, 'signing');
  assert.equal(found.key.kid, pg.sig.kid);
  assert.equal(found.entry.name, 'Office of the Prosecutor General');
  assert.equal(found.entry.party, 'XA');
  assert.equal(found.entry.serial, 7);
  assert.equal(registers.findKid(isp.enc.kid).key.use, 'encryption');
  assert.equal(registers.findKid('no-such-kid'), null);
  assert.deepEqual(registers.find('XB', 'service_provider').map((e) => e.id), ['xb-isp', 'xb-host']);
  assert.deepEqual(registers.find('XA', 'service_provider'), []);
  const revoked = registers.find('XB', 'notified_authority')[0].encryptionKeys[0];
  assert.equal(revoked.revokedAt, Date.parse('2026-11-01T00:00:00Z') / 1000);
  assert.throws(() => registers.findKid(7), code('invalid_argument'));
});

test('the accepting path: sealed to XB\'s providers, opened by one, who signed and under which register', () => {
  const { envelope, receipt } = m.minimiseAndSeal(order, '2ap/art7-order', { party: 'XB', role: 'service_provider' },
    { registers, sign: pg.sig.privateJwk, createdAt: T0 });
  assert.deepEqual([...envelope.header.recipients].sort(), [isp.enc.kid, host.enc.kid].sort());
  const replay = new m.MemoryReplayStore();
  const r = receive(envelope, replay);
  assert.equal(r.payload, m.minimise(order, '2ap/art7-order').payload);
  assert.equal(r.verification.conforms, true);
  assert.equal(r.signature.status, 'verified');
  assert.equal(r.signature.kid, pg.sig.kid);
  assert.deepEqual(r.signer, { id: 'xa-prosecutor', name: 'Office of the Prosecutor General', party: 'XA',
    roles: ['competent_authority'], kid: pg.sig.kid, registerId: 'test-register', serial: 7,
    role: 'competent_authority' });
  assert.equal(replay.size, 1);
  assert.equal(r.headerSha256, receipt.envelope.header_sha256);
  // The other provider, with its own store, accepts the same envelope.
  assert.equal(receive(envelope, new m.MemoryReplayStore(), {}, host).signer.id, 'xa-prosecutor');
});

test('every sealing form takes recipients from the register, by Party and role or by kid', async () => {
  const opts = { registers, sign: pg.sig.privateJwk, createdAt: T0, policy: '2ap/art7-order' };
  const min = m.minimise(order, '2ap/art7-order').payload;
  const forms = [
    m.seal(min, [{ kid: isp.enc.kid }], opts),
    await m.sealAsync(min, { kid: isp.enc.kid }, opts),
    (await m.minimiseAndSealAsync(order, '2ap/art7-order', [{ party: 'XB', role: 'service_provider' }],
      { registers, sign: pg.sig.privateJwk, createdAt: T0 })).envelope,
  ];
  for (const env of forms) assert.equal(receive(env).signer.id, 'xa-prosecutor');
  assert.deepEqual(forms[0].header.recipients, [isp.enc.kid]);
  // `seal` through a register needs the policy, whose audience the recipients must hold.
  assert.throws(() => m.seal(min, { kid: isp.enc.kid }, { registers, createdAt: T0 }), code('invalid_argument'));
  assert.deepEqual(registers.recipientKeys({ kid: isp.enc.kid }, 'service_provider', T0).map((k) => m.thumbprint(k)),
    [isp.enc.kid]);
});

test('sealing refuses a recipient the policy is not for, an unknown one, and a revoked or expired key', () => {
  const to = (recipients, policy = '2ap/art7-order', createdAt = T0) => () =>
    m.minimiseAndSeal(policy === '2ap/art7-order' ? order : notified, policy, recipients, { registers, createdAt });
  assert.throws(to({ party: 'XB', role: 'notified_authority' }), code('recipient_not_allowed'));
  assert.throws(to({ kid: xaNotified.enc.kid }), code('recipient_not_allowed'));
  assert.throws(to({ party: 'XC', role: 'service_provider' }), code('unknown_recipient'));
  assert.throws(to({ kid: 'no-such-kid' }), code('unknown_recipient'));
  assert.throws(to({ party: 'XB', role: 'notified_authority' }, '2ap/art7-order-notified'), code('key_not_valid'));
  assert.throws(to({ kid: xbNotified.enc.kid }, '2ap/art7-order-notified'), code('key_revoked'));
  assert.throws(to({ kid: isp.enc.kid }, '2ap/art7-order', T0 + 365 * 86400), code('key_not_valid'));
  assert.throws(to({ party: 'XB' }), code('invalid_argument'));
  assert.throws(to([]), code('invalid_argument'));
  assert.throws(() => m.minimiseAndSeal(order, '2ap/art7-order', { kid: isp.enc.kid }, { registers: {} }), code('invalid_argument'));
  // The notified authority of XA is what that profile is for.
  const env = m.minimiseAndSeal(notified, '2ap/art7-order-notified', { party: 'XA', role: 'notified_authority' },
    { registers, createdAt: T0 }).envelope;
  assert.deepEqual(env.header.recipients, [xaNotified.enc.kid]);
});

test('loading refuses a register whose signature does not verify', () => {
  const tampered = JSON.parse(doc);
  tampered.register.serial = 8;
  assert.throws(() => m.Registers.load({ ...source, document: tampered }, { now: T0 }), code('signature_invalid'));
});

test('loading refuses a register signed by an operator the caller does not pin', () => {
  const other = m.generateSigningKey('ES256');
  assert.throws(() => m.Registers.load({ ...source, operators: other.publicJwk }, { now: T0 }), code('unknown_signer'));
  assert.throws(() => m.Registers.load({ document: signed(m, other, register(7, [])), operators: operator.publicJwk },
    { now: T0 }), code('unknown_signer'));
});

test('loading refuses a rollback: a serial below the last one seen', () => {
  assert.throws(() => load({ lastSerial: 8 }), code('register_rollback'));
  assert.equal(load({ lastSerial: 7 }).registers[0].serial, 7);
});

test('loading refuses a stale register unless the caller allows it', () => {
  const late = Date.parse('2026-12-31T00:00:00Z') / 1000;
  assert.throws(() => load({}, late), code('register_stale'));
  assert.equal(load({ allowStale: true }, late).registers[0].serial, 7);
});

test('loading refuses duplicate kids and malformed entries, every problem at once', () => {
  const copy = { ...isp.entry, id: 'xb-isp-copy' };
  const broken = { ...host.entry, party: 'xb', roles: ['baker'] };
  const reg = register(7, [isp.entry, copy, broken]);
  let err;
  assert.throws(() => m.Registers.load({ document: signed(m, operator, reg), operators: operator.publicJwk }, { now: T0 }),
    (e) => { err = e; return code('invalid_register')(e); });
  assert.ok(err.details.length >= 4, err.details.join('\n'));
  assert.ok(err.details.some((d) => d.includes(isp.enc.kid) && d.includes('already')), err.details.join('\n'));
  assert.ok(err.details.some((d) => d.includes('party')), err.details.join('\n'));
  assert.ok(err.details.some((d) => d.includes('baker')), err.details.join('\n'));
});

test('several registers together; a kid in two of them is refused', () => {
  const op2 = m.generateSigningKey('ES256');
  const registrar = authority(m, 'xb-registrar', 'XB', ['registrar']);
  const second = signed(m, op2, register(3, [registrar.entry], { id: 'xb-providers' }));
  const both = m.Registers.load([source, { document: second, operators: [op2.publicJwk] }], { now: T0 });
  assert.deepEqual(both.registers.map((r) => [r.registerId, r.serial]), [['test-register', 7], ['xb-providers', 3]]);
  assert.equal(both.findKid(registrar.sig.kid).entry.registerId, 'xb-providers');
  assert.equal(both.find('XB', 'registrar')[0].id, 'xb-registrar');
  assert.equal(both.findKid(pg.sig.kid).entry.registerId, 'test-register');
  const clash = signed(m, op2, register(3, [isp.entry], { id: 'xb-providers' }));
  assert.throws(() => m.Registers.load([source, { document: clash, operators: op2.publicJwk }], { now: T0 }),
    code('invalid_register'));
  // One bad source fails the whole load, named by its index.
  assert.throws(() => m.Registers.load([source, { document: second, operators: operator.publicJwk }], { now: T0 }),
    (e) => code('unknown_signer')(e) && e.message.startsWith('registers[1]'));
  both.free();
});

test('opening refuses a revoked signing key and one outside its validity', () => {
  assert.throws(() => receive(send(police)), code('key_revoked'));
  assert.throws(() => receive(send(court)), code('key_not_valid'));
});

test('opening refuses a signer whose role may not send under the policy', () => {
  // A provider signs an order as if it were an authority.
  assert.throws(() => receive(send(host)), code('signer_not_allowed'));
});

test('opening refuses an envelope whose header does not name the receiver\'s kid', () => {
  const env = m.minimiseAndSeal(order, '2ap/art7-order', { kid: isp.enc.kid },
    { registers, sign: pg.sig.privateJwk, createdAt: T0 }).envelope;
  assert.throws(() => receive(env, new m.MemoryReplayStore(), {}, host), code('no_matching_recipient'));
});

test('opening refuses a policy the receiver does not accept', () => {
  // Sealed to the provider's key directly, naming the notified-authority profile.
  const env = m.minimiseAndSeal(notified, '2ap/art7-order-notified', isp.enc.publicJwk,
    { sign: pg.sig.privateJwk, createdAt: T0 }).envelope;
  assert.throws(() => receive(env), code('policy_not_accepted'));
  assert.equal(receive(env, new m.MemoryReplayStore(), { accept: ['2ap/art7-order', '2ap/art7-order-notified'] }).signer.id,
    'xa-prosecutor');
});

test('opening refuses an expired envelope and an unsigned one', () => {
  const env = send(pg, { expiresAt: T0 + 30 });
  assert.throws(() => receive(env), code('expired'));
  const unsigned = m.minimiseAndSeal(order, '2ap/art7-order', { kid: isp.enc.kid }, { registers, createdAt: T0 }).envelope;
  assert.throws(() => receive(unsigned), code('signature_missing'));
});

test('opening refuses a replayed message_id; a refused envelope does not use its id up', () => {
  const replay = new m.MemoryReplayStore();
  const env = send();
  assert.throws(() => receive(env, replay, { accept: '2ap/art7-order-notified' }), code('policy_not_accepted'));
  assert.equal(replay.size, 0);
  receive(env, replay);
  assert.equal(replay.size, 1);
  assert.throws(() => receive(env, replay), code('replayed'));
  assert.throws(() => receive(JSON.stringify(env), replay), code('replayed'));
  assert.equal(replay.size, 1);
});

test('opening with a register needs the replay store and the accepted policies', () => {
  const env = send();
  const key = isp.enc.privateJwk;
  assert.throws(() => m.openAndVerify(env, key, { registers, accept: ['2ap/art7-order'] }), code('invalid_argument'));
  assert.throws(() => m.openAndVerify(env, key, { registers, replay: new m.MemoryReplayStore() }), code('invalid_argument'));
  assert.throws(() => m.openAndVerify(env, key, { registers, replay: new m.MemoryReplayStore(), accept: [] }), code('invalid_argument'));
  assert.throws(() => receive(env, new m.MemoryReplayStore(), { signers: pg.sig.publicJwk }), code('invalid_argument'));
  assert.throws(() => receive(env, new m.MemoryReplayStore(), { accept: ['no/such-policy'] }), code('unknown_policy'));
});

test('acknowledgements: signed by the receiver, verified against the register', () => {
  const env = send();
  const r = receive(env);
  const ack = m.signAck({ messageId: r.header.message_id, headerSha256: 'ab'.repeat(32), receivedAt: T0 + 60,
    outcome: 'accepted' }, isp.sig.privateJwk);
  const expected = { messageId: env.header.message_id, recipientKids: env.header.recipients };
  const v = m.verifyAck(ack, registers, expected);
  assert.equal(v.outcome, 'accepted');
  assert.equal(v.code, null);
  assert.equal(v.receivedAt, T0 + 60);
  assert.deepEqual(v.signer, { id: 'xb-isp', name: 'Example Networks', party: 'XB', roles: ['service_provider'],
    kid: isp.sig.kid, registerId: 'test-register', serial: 7 });
  assert.deepEqual(m.verifyAck(JSON.parse(ack), registers, expected), v);
  const refused = m.signAck({ messageId: env.header.message_id, headerSha256: 'ab'.repeat(32), receivedAt: T0 + 60,
    outcome: 'refused', code: 'replayed' }, host.sig.privateJwk);
  assert.equal(m.verifyAck(refused, registers, expected).code, 'replayed');
  // Refusals: another message, a signer that holds none of the recipient keys, a revoked key,
  // a key not in the register, a tampered acknowledgement.
  assert.throws(() => m.verifyAck(ack, registers, { ...expected, messageId: 'AAAAAAAAAAAAAAAAAAAAAA' }), code('invalid_argument'));
  const byPg = m.signAck({ messageId: env.header.message_id, headerSha256: 'ab'.repeat(32), receivedAt: T0, outcome: 'accepted' },
    pg.sig.privateJwk);
  assert.throws(() => m.verifyAck(byPg, registers, expected), code('signer_not_allowed'));
  const byPolice = m.signAck({ messageId: env.header.message_id, headerSha256: 'ab'.repeat(32), receivedAt: T0, outcome: 'accepted' },
    police.sig.privateJwk);
  assert.throws(() => m.verifyAck(byPolice, registers, { ...expected, recipientKids: [police.enc.kid] }), code('key_revoked'));
  const stranger = m.generateSigningKey('Ed25519');
  assert.throws(() => m.verifyAck(m.signAck({ messageId: 'x', headerSha256: 'y', receivedAt: T0, outcome: 'accepted' },
    stranger.privateJwk), registers, expected), code('unknown_signer'));
  const tampered = JSON.parse(ack);
  tampered.ack.outcome = 'refused';
  tampered.ack.code = 'replayed';
  assert.throws(() => m.verifyAck(tampered, registers, expected), code('signature_invalid'));
  assert.throws(() => m.verifyAck('{}', registers, expected), code('invalid_argument'));
  assert.throws(() => m.verifyAck(ack, {}, expected), code('invalid_argument'));
  assert.throws(() => m.verifyAck(ack, registers, { messageId: 'x' }), code('invalid_argument'));
  assert.throws(() => m.signAck({ messageId: 'x', headerSha256: 'y', receivedAt: T0, outcome: 'refused' }, isp.sig.privateJwk),
    code('invalid_argument'));
});

test('handles own wasm memory: free and Symbol.dispose; arguments are checked', () => {
  const r = load();
  r.free();
  assert.throws(() => r.findKid(pg.sig.kid), code('invalid_argument'));
  const s = new m.MemoryReplayStore();
  assert.equal(s.size, 0);
  s[Symbol.dispose]();
  assert.throws(() => s.size, code('invalid_argument'));
  assert.throws(() => r.registers, code('invalid_argument'));
  r.free();
  s.free();
  assert.throws(() => m.Registers.load(undefined), code('invalid_argument'));
  assert.throws(() => m.Registers.load([]), code('invalid_argument'));
  assert.throws(() => m.Registers.load({ document: doc }), code('invalid_argument'));
  assert.throws(() => m.Registers.load({ ...source, lastSerial: -1 }), code('invalid_argument'));
  assert.throws(() => m.Registers.load({ ...source, typo: 1 }), code('invalid_argument'));
  assert.throws(() => m.Registers.load({ ...source, document: '{' }), code('invalid_register'));
  assert.throws(() => m.signRegister('[]', operator.privateJwk), code('invalid_register'));
  assert.throws(() => m.signRegister(register(1, []), operator.publicJwk), code('invalid_key'));
  assert.equal(registerKey(isp.enc.publicJwk).status, 'active');
});
