// Plain words for what the package reports: field names instead of JSONPath, the reason for each
// removal with the article and note the policy gives, errors a clerk can act on, and the clear
// header of an envelope. Reads the policy's own text (Policy#canonicalJson); invents no law.

/** "$.issuing_authority.officer_badge_number" -> { name: "Officer badge number", where: "issuing authority" }. */
export function fieldWords(path) {
  const segs = [];
  const re = /\.([^.[]+)|\['((?:[^'\\]|\\.)*)'\]|\[\*\]|\.\.([^.[]+)/g;
  let m;
  while ((m = re.exec(String(path).replace(/^\$/, '')))) {
    if (m[1] !== undefined) segs.push(m[1] === '*' ? 'any member' : m[1]);
    else if (m[2] !== undefined) segs.push(m[2].replace(/\\(.)/g, '$1'));
    else if (m[3] !== undefined) segs.push(m[3]);
    else if (segs.length) segs[segs.length - 1] = `each of the ${segs[segs.length - 1]}`;
  }
  const human = (s) => s.replace(/_/g, ' ');
  if (!segs.length) return { name: 'The whole payload', where: '' };
  let last = segs.pop();
  // "$.offences[*]" names the list's items: "each of offences" -> "Offences (each)".
  if (last.startsWith('each of the ')) last = `${last.slice(12)} (each)`;
  const name = human(last);
  return { name: name[0].toUpperCase() + name.slice(1), where: segs.map(human).join(' › ') };
}

/** "Officer badge number (in issuing authority)" */
export function fieldLabel(path) {
  const { name, where } = fieldWords(path);
  return where ? `${name} (in ${where})` : name;
}

const EXPECTED = { string: 'text', number: 'a number', integer: 'a whole number', boolean: 'true or false', object: 'an object { … }', array: 'a list [ … ]', null: 'null' };
/** "expected boolean" / ["string","null"] in words. */
export function typeWords(t) {
  const list = Array.isArray(t) ? t : String(t).split(/\s*(?:,|\bor\b|\|)\s*/).filter(Boolean);
  return list.map((x) => EXPECTED[x] || x).join(' or ');
}

// The global never-list and the Art. 14(4) categories: forbidden in every profile, for reasons the
// profiles' descriptions state.
const NEVER = new Set(['credentials', 'password', 'password_hash', 'access_token', 'pan_full', 'cvv']);
const SENSITIVE = new Set(['sensitive', 'racial_or_ethnic_origin', 'political_opinions', 'religious_or_other_beliefs',
  'trade_union_membership', 'genetic_data', 'biometric_data', 'health_data', 'sex_life']);

/** What the page knows of one policy: its rules by path, forbidden list, description sentences. */
export class PolicyText {
  constructor(doc) {
    this.doc = doc;
    this.rules = doc.rules || [];
    this.byPath = new Map(this.rules.map((r) => [r.path, r]));
    this.forbidden = doc.forbidden || [];
    this.sentences = String(doc.description || '').split(/(?<=\.)\s+(?=[A-Z])/);
    this.anyOf = doc.required_any_of || [];
  }

  rule(path) { return this.byPath.get(path); }

  /** The note of the closest rule beside `path` (same parent), for a field the profile does not list. */
  siblingNote(path) {
    const parent = path.replace(/(\.[^.[]+|\['(?:[^'\\]|\\.)*'\]|\[\*\])$/, '');
    if (parent === '$' || parent === path) return null;
    const near = this.rules.filter((r) => r.note && r.path.startsWith(parent) && r.path !== path);
    near.sort((a, b) => a.path.length - b.path.length);
    return near[0] ? { path: near[0].path, note: near[0].note } : null;
  }

  /** The description sentence that speaks of a forbidden member, by the words of its name. */
  sentenceAbout(path) {
    const name = path.split(/[.[\]']+/).filter(Boolean).pop() || '';
    const words = name.split('_').filter((w) => w.length > 3);
    let best = null, score = 0;
    for (const s of this.sentences) {
      const lower = s.toLowerCase();
      const n = words.filter((w) => lower.includes(w.toLowerCase())).length;
      if (n > score) { best = s; score = n; }
    }
    return best;
  }

  /** The forbidden entry a removed path falls under. */
  forbiddenEntry(path) {
    const name = path.split(/[.[\]']+/).filter(Boolean).pop();
    return this.forbidden.find((f) => f === path || path.startsWith(`${f}.`) || path.startsWith(`${f}[`))
      || this.forbidden.find((f) => f.startsWith('$..') && f.slice(3) === name) || null;
  }
}

/**
 * One removal of the receipt in plain words: { label, reason, why, source } where `why` is the
 * policy's own words (a rule's note or a sentence of its description) and `source` says which.
 */
export function explainRemoval(entry, policy) {
  const label = fieldLabel(entry.path);
  const name = entry.path.split(/[.[\]']+/).filter(Boolean).pop();
  switch (entry.reason) {
    case 'forbidden': {
      if (NEVER.has(name)) {
        return { label, reason: 'Never sent: credentials, passwords, tokens and full card numbers never leave.', why: 'This never-list is minseal\'s own rule for every profile, not treaty text.', source: 'every profile' };
      }
      if (SENSITIVE.has(name)) {
        return { label, reason: 'Never sent: sensitive data (Art. 14(4) categories).', why: policy?.sentenceAbout('Sensitive_data') || 'Sensitive data is never needed for this instrument.', source: 'profile description' };
      }
      const s = policy?.sentenceAbout(entry.path);
      return { label, reason: 'Never sent: the profile forbids it.', why: s, source: s ? 'profile description' : null };
    }
    case 'sensitive': {
      const r = policy?.rule(entry.path);
      return { label, reason: 'Sensitive data (Art. 14(4)) sent only with an allowance and a justification; neither is here.', why: r?.note || null, source: r?.note ? 'rule note' : null };
    }
    case 'type_mismatch': {
      const r = policy?.rule(entry.path);
      return { label, reason: `Wrong type: the profile expects ${typeWords(r?.type || 'another type')}.`, why: r?.note || null, source: r?.note ? 'rule note' : null };
    }
    default: {
      const near = policy?.siblingNote(entry.path);
      return {
        label, reason: 'Not asked for: the profile does not list this field.',
        why: near ? `What the profile keeps here (${fieldWords(near.path).name.toLowerCase()}): ${near.note}` : null,
        source: near ? 'rule note' : null,
      };
    }
  }
}

/** A missing required field (a detail of `missing_required`) in words, with the rule's note. */
export function explainMissing(detail, policy) {
  const any = /^any_of\((.*)\)$/.exec(detail);
  if (any) {
    const paths = any[1].split(/,\s*/);
    const group = policy?.anyOf.find((g) => g.paths.join(',') === paths.join(','));
    return { label: `At least one of: ${paths.map(fieldLabel).join('; ')}`, why: group?.note || null, path: detail };
  }
  const r = policy?.rule(detail);
  return { label: fieldLabel(detail), why: r?.note || null, path: detail };
}

/** A wrong-typed field (a detail of `type_mismatch`: "$.a.b: expected boolean") in words. */
export function explainWrongType(detail, policy) {
  const m = /^(\$[^:]*?)(?::\s*expected\s+(.*))?$/.exec(detail);
  const path = m ? m[1] : detail;
  const r = policy?.rule(path);
  const expected = (m && m[2]) || (r?.type ? [].concat(r.type).join(' or ') : '');
  return { label: fieldLabel(path), expected: expected ? typeWords(expected) : null, why: r?.note || null, path };
}

const DATE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' });
/** Unix seconds as "3 December 2026 at 12:34:56 UTC". */
export function dateWords(seconds) {
  return DATE.format(new Date(seconds * 1000));
}

export const SUITE_NAME = 'X25519, HKDF-SHA256, AES-256-GCM';
export const SUITE_WHY = 'HPKE (RFC 9180): a one-time key is agreed with the recipient\'s public key (X25519), '
  + 'turned into an encryption key (HKDF-SHA256), which encrypts and seals the payload against any change (AES-256-GCM). '
  + 'Only the holder of the recipient\'s private key can read it.';

/** The clear header as [term, description] pairs. */
export function headerWords(header, names = {}) {
  const rows = [];
  const s = header.suite || {};
  const known = s.kem === 32 && s.kdf === 1 && s.aead === 2;
  rows.push(['Encryption', known ? `${SUITE_NAME}. ${SUITE_WHY}` : `an unknown suite (KEM ${s.kem}, KDF ${s.kdf}, AEAD ${s.aead})`]);
  rows.push(['Sealed for', (header.recipients || []).map((k) => (names[k] ? `${names[k]} (key ${k})` : `key ${k}`)).join('; ')]);
  if (header.policy) rows.push(['Minimised under', `${header.policy.id} version ${header.policy.version} (policy fingerprint ${header.policy.digest.slice(0, 16)}…)`]);
  rows.push(['Created', dateWords(header.created_at)]);
  rows.push(['Expires', header.expires_at ? dateWords(header.expires_at) : 'no expiry set']);
  rows.push(['Signed', header.signed ? 'yes: a signature inside the envelope names the sender' : 'no: nothing shows who sent it']);
  rows.push(['Message id', `${header.message_id} (receivers refuse a second envelope with the same id)`]);
  rows.push(['Content', `${header.content_type}, encrypted in pieces of ${header.chunk_size.toLocaleString('en-GB')} bytes`]);
  if (header.metadata && Object.keys(header.metadata).length) {
    rows.push(['Sender\'s notes (readable by anyone)', Object.entries(header.metadata).map(([k, v]) => `${k}: ${v}`).join('; ')]);
  }
  return rows;
}
