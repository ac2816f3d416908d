// Deterministic payloads for the JS benchmark, and the two minimisation alternatives
// (a hand-written allow-list picker and the fast-redact deny-list paths) for the
// `2ap/subscriber-response` policy (policies/2ap-subscriber-response.json).
//
// The payload has the shape of tests/fixtures/2ap-subscriber-response/input.json: a provider's
// response with N subscriber records. About half of each record (by leaves and by bytes) is NOT
// allowed by the policy: traffic data (login_history[], ip_log[], location_history[]), content
// (contacts_list[]), other_access_numbers[], a full card number, a health note, marketing data.
// The same seed and size always give the same bytes.

const POLICY_ID = '2ap/subscriber-response';
export { POLICY_ID };

/** mulberry32: a tiny seeded PRNG (32-bit state), good enough to vary test data. */
export function prng(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Cornelius', 'Amélie', 'Jürgen', 'Sofía', 'Wojciech', 'Aoife', 'Matteo', 'Ingrid',
  'Kofi', 'Zoë', 'Björn', 'Łucja', 'Henrik', 'Mireille', 'Tomás', 'Ana'];
const LAST = ['Examplewright', 'Müller-Beispiel', 'Exampleton', 'Nowak', "O'Example", 'Rossi',
  'Lindqvist', 'Dupont', 'Mensah', 'García', 'Sørensen', 'Kowalczyk'];
const STREETS = ['Imaginary Lane', 'Placeholder Street', 'Rue de l’Exemple', 'Beispielweg',
  'Via Esempio', 'Sample Road', 'Testgatan'];
const TOWNS = ['Exampleford EX4 4XY', '12345 Musterstadt', '75000 Exempleville', 'Testby 1234',
  '00100 Esempiopoli'];
const SERVICES = ['webmail (free tier)', 'webmail (premium)', 'mobile prepaid', 'mobile contract',
  'fixed broadband', 'cloud storage'];
const PROVISIONS = ['IMAP and web access; 15 GB storage', 'SIM, 4G/5G data, voicemail',
  'FTTH 1 Gbit/s, static IPv6 /56', 'web and desktop sync; 2 TB'];
const METHODS = ['card', 'direct debit', 'invoice', 'voucher'];
const SEGMENTS = ['high-value', 'churn-risk', 'student', 'family-bundle'];

function pick(r, a) { return a[Math.floor(r() * a.length)]; }
function int(r, lo, hi) { return lo + Math.floor(r() * (hi - lo + 1)); }
function pad(n, w = 2) { return String(n).padStart(w, '0'); }
function ts(r) {
  return `202${int(r, 3, 6)}-${pad(int(r, 1, 12))}-${pad(int(r, 1, 28))}T${pad(int(r, 0, 23))}:${pad(int(r, 0, 59))}:${pad(int(r, 0, 59))}Z`;
}
function ipv4(r) { return `${pick(r, [198, 203, 192])}.${pick(r, [51, 0])}.${int(r, 0, 255)}.${int(r, 1, 254)}`; }
function ipv6(r) { return `2001:db8:${int(r, 0, 0xffff).toString(16)}::${int(r, 1, 0xffff).toString(16)}`; }
function digits(r, n) { let s = ''; for (let i = 0; i < n; i++) s += int(r, 0, 9); return s; }

function header(r) {
  return {
    profile: '2ap/subscriber-response@1',
    message_id: `msg-resp-${digits(r, 8)}-0006`,
    created_at: '2026-03-02T09:14:07+01:00',
    sender: { authority_id: 'provider:example-mail-services' },
    recipient: { role: 'requesting_authority', id: 'authority:ex-pps-cyber-01' },
    case_reference: 'EXA-2026-00417',
    language: 'en',
    order_reference: 'msg-7a3e55c1-0002',
    provider: { name: 'Example Mail Services B.V.', legal_department_contact: 'lawful-requests@mail.example.com' },
    responded_at: '2026-03-20T14:02:11+01:00',
    records: [],
  };
}

function trailer(obj) {
  obj.non_disclosure = { reason: 'Partial: no records exist before 2025-10-30.' };
  obj.use_conditions = ['Use only for case EXA-2026-00417.', 'No onward transfer without prior authorisation.'];
  obj.credentials = { session_cookie: 'sess-example-123' };
  obj.internal_ticket = 'LR-2026-55120';
}

/** One record: ~15 allowed leaves, ~15+ disallowed ones of about the same size in bytes. */
export function record(r, i) {
  const first = pick(r, FIRST);
  const last = pick(r, LAST);
  const street = `${int(r, 1, 250)} ${pick(r, STREETS)}, ${pick(r, TOWNS)}`;
  const acct = `EXMPL-ACCT-${digits(r, 4)}-${digits(r, 4)}`;
  const rec = {
    matched_identifier: `${first.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}${i}@mail.example.com`,
    service: {
      type: pick(r, SERVICES),
      technical_provisions: pick(r, PROVISIONS),
      period: { start: ts(r), end: ts(r) },
    },
    subscriber: {
      name: `${first} ${last}`,
      organisation: r() < 0.5 ? `${last} Trading` : `${last} & Partners`,
      postal_or_geographic_address: street,
      telephone_numbers: r() < 0.5 ? [`+44 20 7946 ${digits(r, 4)}`] : [`+44 20 7946 ${digits(r, 4)}`, `+31 6 ${digits(r, 8)}`],
      other_access_numbers: [ipv4(r), ipv6(r)],
    },
    billing_and_payment: {
      method: pick(r, METHODS),
      billing_name: `${first[0]}. ${last}`,
      billing_address: street,
      // Half unmasked, so the `mask` transform has work to do; half already masked.
      masked_reference: r() < 0.5 ? acct : '*'.repeat(acct.length - 4) + acct.slice(-4),
      pan_full: `4000${digits(r, 12)}`,
    },
    installation_site: r() < 0.7 ? 'n/a (web service)' : street,
    login_history: [],
    ip_log: [],
    contacts_list: [`friend-${digits(r, 3)}@example.net`, `colleague-${digits(r, 3)}@example.org`],
    marketing_segment: pick(r, SEGMENTS),
  };
  if (r() < 0.2) rec.subscriber.health_data = 'Account flagged for accessibility support';
  const logins = int(r, 2, 4);
  for (let k = 0; k < logins; k++) rec.login_history.push({ ip: r() < 0.7 ? ipv4(r) : ipv6(r), at: ts(r) });
  const ips = int(r, 1, 2);
  for (let k = 0; k < ips; k++) rec.ip_log.push({ ip: ipv4(r), port: int(r, 1024, 65535), at: ts(r) });
  return rec;
}

function slim(rec) {
  delete rec.service.technical_provisions;
  delete rec.service.period;
  delete rec.subscriber.organisation;
  delete rec.billing_and_payment.billing_name;
  delete rec.billing_and_payment.billing_address;
  delete rec.installation_site;
  rec.subscriber.telephone_numbers.length = 1;
  rec.login_history.length = 1;
  rec.ip_log.length = 1;
  rec.contacts_list.length = 1;
  delete rec.marketing_segment;
}

/**
 * The payload as compact JSON text of exactly `bytes` UTF-8 bytes: as many whole records as fit,
 * then a disallowed top-level `internal_notes` string pads to the exact size.
 * A single record is always present (the policy requires at least one).
 */
export function makePayload(bytes, seed = 0x5eed) {
  const r = prng(seed ^ bytes);
  const small = bytes < 2048; // 1 KiB: a shorter envelope and one slimmer record, still ~half disallowed
  const obj = header(r);
  trailer(obj);
  if (small) {
    delete obj.provider.legal_department_contact;
    delete obj.non_disclosure;
    delete obj.use_conditions;
    delete obj.internal_ticket;
    delete obj.credentials;
    delete obj.case_reference;
  }
  obj.internal_notes = '';
  const base = Buffer.byteLength(JSON.stringify(obj));
  let used = base;
  for (let i = 0; ; i++) {
    const rec = record(r, i);
    if (small) slim(rec);
    const len = Buffer.byteLength(JSON.stringify(rec)) + (i === 0 ? 0 : 1);
    if (i > 0 && used + len > bytes) break;
    obj.records.push(rec);
    used += len;
    if (used > bytes) break;
  }
  let text = JSON.stringify(obj);
  let missing = bytes - Buffer.byteLength(text);
  if (missing < 0) {
    // Only possible for tiny sizes: trim the one record's disallowed traffic data.
    const rec = obj.records[0];
    while (missing < 0 && (rec.login_history.length || rec.ip_log.length || rec.contacts_list.length)) {
      if (rec.ip_log.length) rec.ip_log.pop();
      else if (rec.login_history.length > 1) rec.login_history.pop();
      else if (rec.contacts_list.length) rec.contacts_list.pop();
      else rec.login_history.pop();
      text = JSON.stringify(obj);
      missing = bytes - Buffer.byteLength(text);
    }
    if (missing < 0) throw new Error(`makePayload: ${bytes} bytes is too small for one record`);
  }
  // Fill most of the gap with more traffic data in the last record, the rest with a note.
  const last = obj.records[obj.records.length - 1];
  while (missing > 120) {
    const entry = { ip: r() < 0.7 ? ipv4(r) : ipv6(r), at: ts(r) };
    const len = Buffer.byteLength(JSON.stringify(entry)) + (last.login_history.length ? 1 : 0);
    if (len >= missing) break;
    last.login_history.push(entry);
    missing -= len;
  }
  obj.internal_notes = 'x'.repeat(missing);
  text = JSON.stringify(obj);
  if (Buffer.byteLength(text) !== bytes) throw new Error('makePayload: size mismatch');
  return { text, records: obj.records.length };
}

// ---------------------------------------------------------------------------------------------
// The plain-JS allow-list picker: what a careful web developer would hand-write for this policy.
// JSON.parse, keep only the allowed paths (in input order, with the policy's types and its one
// transform), check the required fields, JSON.stringify. No receipt, no duplicate-key check, no
// exact-number preservation, no depth/size limits: it does less than minseal.minimise.
// ---------------------------------------------------------------------------------------------

const isStr = (v) => typeof v === 'string';
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function maskKeepLast4(s) {
  const cps = Array.from(s);
  if (cps.length <= 4) return s;
  return '*'.repeat(cps.length - 4) + cps.slice(-4).join('');
}

// Keeps only the string members listed in `names` of object `o`; undefined if none is kept.
function pickStrings(o, names) {
  if (!isObj(o)) return undefined;
  let out;
  for (const k in o) {
    if (names.has(k) && isStr(o[k])) (out ??= {})[k] = o[k];
  }
  return out;
}

function pickStringArray(a) {
  if (!Array.isArray(a)) return undefined;
  const out = a.filter(isStr);
  return out.length ? out : undefined;
}

const SERVICE = new Set(['type', 'technical_provisions']);
const PERIOD = new Set(['start', 'end']);
const SUBSCRIBER = new Set(['name', 'organisation', 'postal_or_geographic_address']);
const BILLING = new Set(['method', 'billing_name', 'billing_address']);
const SENDER = new Set(['authority_id']);
const RECIPIENT = new Set(['role', 'id']);
const PROVIDER = new Set(['name']);
const NON_DISCLOSURE = new Set(['reason']);

function pickRecord(rec) {
  const out = {};
  for (const k in rec) {
    const v = rec[k];
    switch (k) {
      case 'matched_identifier':
      case 'installation_site':
        if (isStr(v)) out[k] = v;
        break;
      case 'service': {
        if (!isObj(v)) break;
        let s;
        for (const sk in v) {
          if (SERVICE.has(sk) && isStr(v[sk])) (s ??= {})[sk] = v[sk];
          else if (sk === 'period') {
            const p = pickStrings(v.period, PERIOD);
            if (p) (s ??= {}).period = p;
          }
        }
        if (s) out.service = s;
        break;
      }
      case 'subscriber': {
        if (!isObj(v)) break;
        let s;
        for (const sk in v) {
          if (SUBSCRIBER.has(sk) && isStr(v[sk])) (s ??= {})[sk] = v[sk];
          else if (sk === 'telephone_numbers') {
            const t = pickStringArray(v[sk]);
            if (t) (s ??= {})[sk] = t;
          }
        }
        if (s) out.subscriber = s;
        break;
      }
      case 'billing_and_payment': {
        if (!isObj(v)) break;
        let b;
        for (const bk in v) {
          if (BILLING.has(bk) && isStr(v[bk])) (b ??= {})[bk] = v[bk];
          else if (bk === 'masked_reference' && isStr(v[bk])) (b ??= {})[bk] = maskKeepLast4(v[bk]);
        }
        if (b) out.billing_and_payment = b;
        break;
      }
      default:
        break; // everything else (login_history, ip_log, contacts_list, pan_full, ...) is dropped
    }
  }
  return out;
}

/** Allow-list minimisation of a `2ap/subscriber-response` payload, string in, string out. */
export function plainPick(text) {
  const input = JSON.parse(text);
  if (!isObj(input)) throw new Error('payload is not an object');
  const out = {};
  for (const k in input) {
    const v = input[k];
    switch (k) {
      case 'profile': case 'message_id': case 'created_at': case 'case_reference':
      case 'language': case 'order_reference': case 'responded_at':
        if (isStr(v)) out[k] = v;
        break;
      case 'sender': { const o = pickStrings(v, SENDER); if (o) out[k] = o; break; }
      case 'recipient': { const o = pickStrings(v, RECIPIENT); if (o) out[k] = o; break; }
      case 'provider': { const o = pickStrings(v, PROVIDER); if (o) out[k] = o; break; }
      case 'non_disclosure': { const o = pickStrings(v, NON_DISCLOSURE); if (o) out[k] = o; break; }
      case 'records': {
        if (!Array.isArray(v)) break;
        const recs = [];
        for (const rec of v) if (isObj(rec)) recs.push(pickRecord(rec));
        if (recs.length) out.records = recs;
        break;
      }
      default:
        break;
    }
  }
  const missing = [];
  for (const k of ['profile', 'message_id', 'created_at', 'order_reference', 'responded_at']) if (!(k in out)) missing.push(`$.${k}`);
  if (!out.sender?.authority_id) missing.push('$.sender.authority_id');
  if (!out.recipient?.role) missing.push('$.recipient.role');
  if (!out.recipient?.id) missing.push('$.recipient.id');
  if (!out.provider?.name) missing.push('$.provider.name');
  if (!out.records?.length) missing.push('$.records[*]');
  if (missing.length) throw new Error(`missing_required: ${missing.join(', ')}`);
  return JSON.stringify(out);
}

// ---------------------------------------------------------------------------------------------
// fast-redact: a DENY-list. These are the disallowed paths that occur in the generated payload
// (plus the policy's forbidden ones that fast-redact can express); anything NOT listed here goes
// through. It cannot express "everything else", `$..name` at any depth, type checks, the mask
// transform or required fields, so it is not equivalent in safety to an allow-list.
// ---------------------------------------------------------------------------------------------
export const REDACT_PATHS = [
  'provider.legal_department_contact',
  'records[*].subscriber.other_access_numbers',
  'records[*].subscriber.health_data',
  'records[*].billing_and_payment.pan_full',
  'records[*].login_history',
  'records[*].ip_log',
  'records[*].location_history',
  'records[*].communications',
  'records[*].messages',
  'records[*].files',
  'records[*].posts',
  'records[*].contacts_list',
  'records[*].marketing_segment',
  'credentials',
  'sensitive',
  'internal_ticket',
  'internal_notes',
  'use_conditions',
];
