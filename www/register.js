// The register demo page: loads the demo register (www/demo-register/) against its pinned
// operator key, seals and signs an order to a recipient picked by Party and role, opens it as
// the recipient with the register's acceptance rules, and checks the receiver's signed
// acknowledgement. Names from the register go into the DOM with textContent only.

// Record CSP violations first, so the tests can check there are none.
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber });
});

const $ = (id) => document.getElementById(id);
const el = (tag, text, cls) => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};
const option = (value, text) => { const o = el('option', text); o.value = value; return o; };
const ROLE_NAMES = {
  competent_authority: 'competent authority', notified_authority: 'notified authority',
  designated_authority: 'designated authority', poc_24_7: '24/7 point of contact',
  central_authority: 'central authority', service_provider: 'service provider', registrar: 'registrar',
};
const roleName = (r) => ROLE_NAMES[r] || r;
// Why the receiver refused, in plain words (the code stays beside it).
const REFUSALS = {
  key_revoked: 'the sender\'s signing key is revoked in the register',
  key_not_valid: 'the sender\'s signing key was not valid when the envelope was made',
  unknown_signer: 'it is signed by a key that is not in the register',
  signer_not_allowed: 'the sender\'s role may not send this kind of order',
  policy_not_accepted: 'this receiver does not accept that profile',
  no_matching_recipient: 'it was not sealed to this receiver',
  replayed: 'this envelope was already received',
  expired: 'it has expired',
  signature_missing: 'it is not signed',
  signature_invalid: 'its signature does not verify',
};

let api, registers, keys, profiles, sent = null;
const stores = new Map(); // receiver id → MemoryReplayStore, kept while the page is open

const now = () => Math.floor(Date.now() / 1000);
const fail = (node, err, prefix = '') => {
  node.className = 'status error';
  node.textContent = `${prefix}${err?.code ? `${err.code}: ` : ''}${err?.message ?? err}`;
};
const ok = (node, text) => { node.className = 'status ok'; node.textContent = text; };

async function start() {
  try {
    api = await import('./minseal.js');
    await api.init();
    const [doc, operator, k] = await Promise.all(['register.json', 'operator.jwk', 'keys.json']
      .map((f) => fetch(`/demo-register/${f}`).then((r) => { if (!r.ok) throw new Error(`${f}: HTTP ${r.status}`); return r.text(); })));
    keys = JSON.parse(k);
    $('version').textContent = api.version();
    registers = api.Registers.load({ document: doc, operators: operator }, { now: now() });
  } catch (err) {
    const msg = $('load-error');
    msg.hidden = false;
    msg.textContent = `The demo register could not be loaded: ${err?.code ? `${err.code}: ` : ''}${err?.message ?? err}`;
    document.body.dataset.ready = 'error';
    return;
  }
  profiles = api.profiles();
  const info = registers.registers[0];
  ok($('reg-status'), `Register ${info.registerId}, serial ${info.serial}, operated by ${info.operator}: signature verified against the pinned operator key ${info.signedBy}.`);
  drawTable();
  fillSend();
  $('sender').addEventListener('change', clearSent);
  $('profile').addEventListener('change', () => { showRecipient(); clearSent(); });
  $('party').addEventListener('change', () => { showRecipient(); clearSent(); });
  $('send').addEventListener('click', send);
  $('receive').addEventListener('click', receive);
  document.body.dataset.ready = 'true';
}

function entries() {
  const seen = new Map();
  for (const party of ['XA', 'XB']) {
    for (const role of Object.keys(ROLE_NAMES)) for (const e of registers.find(party, role)) seen.set(e.id, e);
  }
  return [...seen.values()];
}

function drawTable() {
  const body = $('reg-table').tBodies[0];
  body.replaceChildren(...entries().map((e) => {
    const tr = el('tr');
    const key = e.signingKeys[0];
    const revoked = key.revokedAt !== null;
    const status = revoked ? `revoked ${new Date(key.revokedAt * 1000).toISOString().slice(0, 10)}` : 'active';
    tr.append(el('td', e.party), el('td', e.name), el('td', e.roles.map(roleName).join(', ')),
      el('td', status, revoked ? 'revoked' : undefined));
    return tr;
  }));
}

function fillSend() {
  const senders = registers.find('XA', 'competent_authority');
  $('sender').replaceChildren(...senders.map((e) => option(e.id,
    `${e.name}${e.signingKeys[0].revokedAt !== null ? ' — signing key revoked' : ''}`)));
  // The profiles a competent authority sends, whose recipients are in the register.
  const usable = profiles.filter((p) => entries().some((e) => e.roles.includes(p.audience)));
  $('profile').replaceChildren(...usable.map((p) => option(p.id, `${p.title} (${p.id})`)));
  $('profile').value = usable.some((p) => p.id === '2ap/art7-order') ? '2ap/art7-order' : usable[0].id;
  $('party').replaceChildren(option('XB', 'XB (Borduria)'), option('XA', 'XA (Arcadia)'));
  for (const id of ['sender', 'profile', 'party']) $(id).disabled = false;
  showRecipient();
}

function showRecipient() {
  const p = profiles.find((x) => x.id === $('profile').value);
  const party = $('party').value;
  const found = registers.find(party, p.audience);
  $('recipient').textContent = found.length
    ? `Recipient: the ${roleName(p.audience)} of ${party} in the register: ${found.map((e) => e.name).join('; ')}.`
    : `The register has no ${roleName(p.audience)} of ${party}; sealing will be refused.`;
  $('send').disabled = false;
}

function clearSent() {
  sent = null;
  $('send-status').textContent = '';
  $('recv-status').textContent = '';
  $('ack-status').textContent = '';
  $('receiver').replaceChildren();
  $('receiver').disabled = true;
  $('receive').disabled = true;
}

async function send() {
  clearSent();
  const profile = $('profile').value;
  const sender = $('sender').value;
  try {
    const res = await fetch(`/samples/${profile.replace(/\//g, '-')}.json`);
    if (!res.ok) throw new Error(`sample for ${profile}: HTTP ${res.status}`);
    const p = profiles.find((x) => x.id === profile);
    const { envelope, receipt } = await api.minimiseAndSealAsync(await res.text(), profile,
      { party: $('party').value, role: p.audience }, { registers, sign: keys[sender].signing });
    sent = { envelope, profile, headerSha256: receipt.envelope.header_sha256 };
    const to = envelope.header.recipients.map((kid) => registers.findKid(kid).entry);
    ok($('send-status'), `Sealed to ${to.map((e) => e.name).join('; ')} and signed as ${registers.findKid(api.thumbprint(api.signingPublicKey(keys[sender].signing))).entry.name}.`);
    $('receiver').replaceChildren(...to.map((e) => option(e.id, e.name)));
    $('receiver').disabled = false;
    $('receive').disabled = false;
  } catch (err) {
    fail($('send-status'), err, 'Refused: ');
  }
}

function receive() {
  const id = $('receiver').value;
  const me = entries().find((e) => e.id === id);
  // What this receiver accepts: the profiles addressed to one of its roles.
  const accept = profiles.filter((p) => me.roles.includes(p.audience)).map((p) => p.id);
  if (!stores.has(id)) stores.set(id, new api.MemoryReplayStore());
  const header = sent.envelope.header;
  const expected = { messageId: header.message_id, recipientKids: header.recipients };
  let outcome;
  // Accepted, the receiver names the envelope by the header digest opening gave it; refused
  // before that, this page (which plays both parts) takes it from the sender's receipt, as a
  // receiver computes it from the header it received (crates/receiver).
  let headerSha256 = sent.headerSha256;
  try {
    const r = api.openAndVerify(sent.envelope, keys[id].encryption, { registers, replay: stores.get(id), accept });
    headerSha256 = r.headerSha256;
    const s = r.signer;
    ok($('recv-status'), `Signed by ${s.name}, ${s.party}, ${roleName(s.role)}; register serial ${s.serial}, verified.`);
    outcome = { outcome: 'accepted' };
  } catch (err) {
    const why = REFUSALS[err?.code];
    fail($('recv-status'), err, `Refused${why ? ` because ${why}` : ''}: `);
    outcome = { outcome: 'refused', code: err?.code ?? 'error' };
  }
  // The receiver's signed acknowledgement, checked on the sender's side against the register
  // and against the receipt.
  try {
    const ack = api.signAck({ messageId: header.message_id, headerSha256, receivedAt: now(), ...outcome },
      keys[id].signing);
    const v = api.verifyAck(ack, registers, expected);
    if (v.headerSha256 !== sent.headerSha256) throw new Error('the acknowledgement is for another header');
    ok($('ack-status'), `Acknowledgement signed by ${v.signer.name} (${v.signer.party}) verified: ${v.outcome}${v.code ? ` (${v.code})` : ''}.`);
  } catch (err) {
    fail($('ack-status'), err, 'Acknowledgement not verified: ');
  }
}

start();
