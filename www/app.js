// The minseal demo page. All work happens here, in the page: the payload, the keys and the envelope
// never leave it. Payload text is untrusted: it is only ever put into the DOM with textContent.

// Record CSP violations first, so the tests (and a curious reader) can check there are none.
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber });
});

import { annotate, drawPlain, REASONS } from './annotate.js';
import { JsonTextError, parseJsonText, pretty } from './jsontext.js';

const $ = (id) => document.getElementById(id);
const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};
const DEBOUNCE_MS = 150;
const AUDIENCES = {
  service_provider: 'a service provider', registrar: 'a domain name registrar',
  competent_authority: 'a competent authority', designated_authority: 'the designated authority',
  poc_24_7: 'the 24/7 point of contact', central_authority: 'the central authority',
  notified_authority: 'the notified authority',
};
const VIOLATIONS = { ...REASONS, not_transformed: 'not in its transformed form', missing_required: 'required but missing' };

// Why a signature check refused an envelope, in plain words (the code stays beside it).
const SIGNATURE_ERRORS = {
  unknown_signer: 'it is signed by a key the authority does not trust',
  signature_invalid: 'its signature does not verify: it was changed after signing, or signed with another key',
  signature_missing: 'it is not signed, and the authority accepts only signed envelopes',
  expired: 'it has expired',
};
let api;                 // the package (www/minseal.js)
let profileList = [];
let demoKey = null;      // { privateJwk, publicJwk, kid } from generateKeyPair()
let current = null;      // { text, payload, receipt } of the last successful minimise
let sealed = null;       // { envelope, text }
let keyOk = false;
let signingKey = null;   // { privateJwk, publicJwk, kid } from generateSigningKey(): the demo sender

function debounce(fn, ms) {
  let t;
  return () => { clearTimeout(t); t = setTimeout(fn, ms); };
}

function errorParts(err) {
  return { code: err?.code || 'error', message: String(err?.message || err), details: Array.isArray(err?.details) ? err.details : [] };
}

// ---------- loading ----------
async function start() {
  try {
    api = await import('./minseal.js');
    await api.init();
  } catch (err) {
    const msg = $('load-error');
    msg.hidden = false;
    msg.textContent = err?.code === 'unsupported_host'
      ? `minseal cannot run in this browser: ${errorParts(err).message}.`
      : `The minseal package could not be loaded (${errorParts(err).message}). Build it with scripts/build-wasm and serve the page with scripts/serve.mjs.`;
    $('version').textContent = '(not loaded)';
    return;
  }
  $('version').textContent = api.version();
  try {
    profileList = api.profiles();
  } catch (err) {
    const msg = $('load-error');
    msg.hidden = false;
    msg.textContent = `The minseal package loaded but cannot list its profiles (${errorParts(err).message}).`;
    return;
  }
  const select = $('profile');
  select.replaceChildren(...profileList.map((p) => {
    const o = el('option', '', `${p.title} (${p.id})`);
    o.value = p.id;
    return o;
  }));
  const first = profileList.find((p) => p.id === '2ap/art7-order') || profileList[0];
  if (first) select.value = first.id;
  select.disabled = false;
  $('gen-key').disabled = false;
  showProfileInfo();

  select.addEventListener('change', async () => {
    showProfileInfo();
    invalidateSeal();
    if ($('load-sample').checked) await loadSample();
    else recompute();
  });
  $('reset-sample').addEventListener('click', loadSample);
  $('payload').addEventListener('input', () => { invalidateSeal(); debouncedRecompute(); });
  $('gen-key').addEventListener('click', generateKey);
  $('public-jwk').addEventListener('input', () => { invalidateSeal(); debouncedKeyCheck(); });
  $('seal').addEventListener('click', doSeal);
  $('copy').addEventListener('click', copyEnvelope);
  $('download').addEventListener('click', downloadEnvelope);
  $('open').addEventListener('click', doOpen);
  $('sign-alg').addEventListener('change', () => { makeSigningKey(); invalidateSeal(); });
  $('sign-on').addEventListener('change', () => { showSigningKey(); invalidateSeal(); });
  makeSigningKey();
  document.body.dataset.ready = 'true';
  await loadSample();
  checkKey();
}

function showProfileInfo() {
  const p = profileList.find((x) => x.id === $('profile').value);
  const dl = $('profile-info');
  dl.replaceChildren();
  if (!p) return;
  for (const [k, v] of [['Id', `${p.id} ${p.version}`], ['Legal basis', p.basis], ['Recipient', AUDIENCES[p.audience] || p.audience]]) {
    dl.append(el('dt', '', k), el('dd', '', v));
  }
}

async function loadSample() {
  const id = $('profile').value;
  try {
    const res = await fetch(`/samples/${id.replace(/\//g, '-')}.json`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    $('payload').value = await res.text();
  } catch {
    $('payload-errors').replaceChildren(el('p', 'hint', `There is no sample payload for ${id}; the current payload is kept.`));
  }
  invalidateSeal();
  recompute();
}

// ---------- minimising as you type ----------
const debouncedRecompute = debounce(recompute, DEBOUNCE_MS);

function recompute() {
  const text = $('payload').value;
  const profile = $('profile').value;
  let tree = null;
  try { tree = parseJsonText(text); } catch { /* the package reports the error */ }
  try {
    const { payload, receipt } = api.minimise(text, profile);
    current = { text, payload, receipt };
    showErrors(null);
    const out = parseJsonText(payload);
    const { tree: annotated } = annotate(tree || out, out, receipt);
    $('annotated').replaceChildren(annotated);
    $('minimised').textContent = pretty(payload);
    $('receipt').textContent = JSON.stringify(receipt, null, 2);
    const c = receipt.counts;
    $('summary').textContent = `${c.input_leaves} values in; ${c.kept} sent as they are, ${c.transformed} transformed, `
      + `${c.removed} removed (${receipt.removed.length} ${receipt.removed.length === 1 ? 'place' : 'places'}). `
      + `Minimised payload: ${receipt.payload.bytes} bytes.`;
  } catch (err) {
    current = null;
    showErrors(err, text);
    $('annotated').replaceChildren(tree ? drawPlain(tree) : el('p', 'hint', 'The payload is not valid JSON.'));
    $('minimised').textContent = '(nothing would be sent: fix the errors shown under the payload)';
    $('receipt').textContent = '';
    $('summary').textContent = 'Nothing can be sent until the errors next to the payload are fixed.';
  }
  updateButtons();
}

/** The character index for an error's offset: `offset`/`position` properties or "byte N"/"offset N" in the message. */
function errorIndex(err, text) {
  let n = Number.isInteger(err?.offset) ? err.offset : Number.isInteger(err?.position) ? err.position : null;
  let bytes = true;
  if (n === null) {
    const m = /\b(byte|offset|position|character|char)\s+(\d+)/i.exec(`${err?.message} ${(err?.details || []).join(' ')}`);
    if (!m) return null;
    n = Number(m[2]);
    bytes = !/^char/i.test(m[1]);
  }
  if (!bytes) return Math.min(n, text.length);
  // UTF-8 byte offset -> UTF-16 index in the textarea
  const enc = new TextEncoder();
  let b = 0, i = 0;
  for (const ch of text) { if (b >= n) break; b += enc.encode(ch).length; i += ch.length; }
  return i;
}

function lineCol(text, index) {
  const before = text.slice(0, index).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

function showErrors(err, text = '') {
  const box = $('payload-errors');
  const field = $('payload');
  if (!err) {
    box.replaceChildren();
    field.removeAttribute('aria-invalid');
    return;
  }
  field.setAttribute('aria-invalid', 'true');
  const { code, message, details } = errorParts(err);
  const nodes = [];
  if (code === 'missing_required') {
    nodes.push(el('p', 'error-title', `Required by the profile but missing (${details.length}):`));
    const ul = el('ul', 'error-list');
    for (const d of details) ul.append(el('li', '', d));
    nodes.push(ul);
  } else if (code === 'invalid_json' || code === 'duplicate_key' || code === 'invalid_utf8' || code === 'too_deep') {
    nodes.push(el('p', 'error-title', `The payload is not valid JSON: ${message}`));
    let index = errorIndex(err, text);
    if (index === null) {
      try { parseJsonText(text); } catch (e) { if (e instanceof JsonTextError) index = e.offset; }
    }
    if (index !== null) {
      const { line, col } = lineCol(text, index);
      const p = el('p', '', `Line ${line}, column ${col}. `);
      const go = el('button', 'link', 'Go to the error');
      go.type = 'button';
      go.addEventListener('click', () => { field.focus(); field.setSelectionRange(index, Math.min(index + 1, text.length)); });
      p.append(go);
      nodes.push(p);
    }
  } else {
    nodes.push(el('p', 'error-title', `${message} (${code})`));
    if (details.length) {
      const ul = el('ul', 'error-list');
      for (const d of details) ul.append(el('li', '', d));
      nodes.push(ul);
    }
  }
  const wrap = el('div', 'error');
  wrap.dataset.code = code;
  wrap.append(...nodes);
  box.replaceChildren(wrap);
}

// ---------- keys ----------
const debouncedKeyCheck = debounce(checkKey, DEBOUNCE_MS);

function generateKey() {
  demoKey = api.generateKeyPair();
  $('public-jwk').value = JSON.stringify(demoKey.publicJwk, null, 2);
  invalidateSeal();
  checkKey();
}

function checkKey() {
  const text = $('public-jwk').value.trim();
  const status = $('key-status');
  const field = $('public-jwk');
  keyOk = false;
  status.className = 'status';
  field.removeAttribute('aria-invalid');
  if (!text) {
    status.textContent = 'No key yet: generate a demo key pair or paste the authority\'s public JWK.';
  } else {
    let looksPrivate = false;
    try { looksPrivate = typeof JSON.parse(text)?.d === 'string'; } catch { /* may be a raw key */ }
    if (looksPrivate) {
      status.textContent = 'This looks like a PRIVATE key (it has a "d" member). Paste only the public key.';
      status.classList.add('error');
      field.setAttribute('aria-invalid', 'true');
    } else {
      try {
        const kid = api.thumbprint(text);
        keyOk = true;
        const mine = demoKey && demoKey.kid === kid;
        status.textContent = `Key id (RFC 7638 thumbprint): ${kid}. `
          + (mine ? 'This is the demo key generated in this page; its private half is kept only in memory.'
            : 'The page has no private key for it, so "Open as the authority" will not work.');
        status.classList.add('ok');
      } catch (err) {
        status.textContent = `Not a usable public key: ${errorParts(err).message}`;
        status.classList.add('error');
        field.setAttribute('aria-invalid', 'true');
      }
    }
  }
  updateButtons();
}

// ---------- the sender's signing key ----------
function makeSigningKey() {
  try {
    signingKey = api.generateSigningKey($('sign-alg').value);
  } catch (err) {
    signingKey = null;
    $('sign-status').textContent = `Could not make a signing key: ${errorParts(err).message}`;
    return;
  }
  showSigningKey();
}

function showSigningKey() {
  const on = $('sign-on').checked;
  $('sign-alg').disabled = !on;
  $('sign-status').textContent = !on ? 'Envelopes will not be signed: the recipient cannot tell who sent them.'
    : signingKey ? `Signing key id (RFC 7638 thumbprint): ${signingKey.kid}. The recipient trusts this key.`
      : 'No signing key.';
}

// ---------- seal, copy, download, open ----------
function updateButtons() {
  $('seal').disabled = !(current && keyOk);
  $('open').disabled = !(sealed && demoKey);
}

function invalidateSeal() {
  if (sealed) $('seal-status').textContent = 'The inputs changed since the last seal: seal again.';
  sealed = null;
  $('seal-result').hidden = true;
  $('open-result').replaceChildren();
  updateButtons();
}

function envelopeText(envelope) {
  if (typeof envelope === 'string') return pretty(envelope);
  if (envelope instanceof Uint8Array) throw new Error('expected a JSON envelope, got binary');
  return JSON.stringify(envelope, null, 2);
}

function doSeal() {
  const status = $('seal-status');
  try {
    const sign = $('sign-on').checked && signingKey ? signingKey.privateJwk : undefined;
    const { envelope, receipt } = api.minimiseAndSeal($('payload').value, $('profile').value, $('public-jwk').value.trim(),
      sign ? { sign } : undefined);
    const text = envelopeText(envelope);
    const obj = typeof envelope === 'string' ? JSON.parse(envelope) : envelope;
    sealed = { envelope, text };
    $('envelope').value = text;
    $('envelope-size').textContent = `${new TextEncoder().encode(text).length} bytes (the JSON text below)`;
    $('clear-header').textContent = obj && typeof obj.header === 'object'
      ? JSON.stringify(obj.header, null, 2)
      : '(this envelope form has no separate "header" member; the whole envelope above is what others see)';
    $('seal-result').hidden = false;
    $('open-result').replaceChildren();
    status.textContent = `Sealed${sign ? ` and signed by ${signingKey.kid}` : ', not signed'}. ${receipt.counts.removed} removed values are not in it.`;
  } catch (err) {
    const { code, message } = errorParts(err);
    sealed = null;
    $('seal-result').hidden = true;
    status.textContent = `Could not seal: ${message} (${code})`;
  }
  updateButtons();
}

async function copyEnvelope() {
  const status = $('seal-status');
  try {
    await navigator.clipboard.writeText(sealed.text);
    status.textContent = 'Envelope copied to the clipboard.';
  } catch {
    $('envelope').select();
    status.textContent = 'Could not use the clipboard: the envelope text is selected, press Ctrl+C (or ⌘C) to copy it.';
  }
}

function downloadEnvelope() {
  const url = URL.createObjectURL(new Blob([sealed.text], { type: 'application/json' }));
  const a = el('a');
  a.href = url;
  a.download = 'envelope.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  $('seal-status').textContent = 'Envelope downloaded as envelope.json.';
}

function doOpen() {
  const box = $('open-result');
  try {
    // The authority trusts the demo signing key; an unsigned envelope is accepted only when the
    // sender chose not to sign (and the page says so).
    const signers = signingKey ? [signingKey.publicJwk] : undefined;
    const { payload, header, verification, signature } = api.openAndVerify(sealed.envelope, demoKey.privateJwk,
      { signers, allowUnsigned: true });
    const who = el('p', signature.status === 'verified' ? 'verdict pass' : 'verdict fail');
    who.dataset.testid = 'signature';
    who.dataset.status = signature.status;
    who.textContent = signature.status === 'verified'
      ? `✓ Signed by ${signature.kid}, verified (${signature.alg}).`
      : signature.status === 'unsigned' ? '✗ Not signed: nothing shows who sent it.'
        : `✗ Signed by ${signature.kid}, not checked: no trusted signing key.`;
    const pol = header?.policy ? `${header.policy.id} ${header.policy.version}` : 'the policy named in the header';
    const verdict = el('p', verification.conforms ? 'verdict pass' : 'verdict fail');
    verdict.dataset.testid = 'verification';
    verdict.dataset.conforms = String(verification.conforms);
    verdict.textContent = verification.conforms
      ? `✓ Verified: the payload conforms to ${pol}.`
      : `✗ Does not conform to ${pol}: ${verification.violations.length} violation(s).`;
    const nodes = [who, verdict];
    if (!verification.conforms) {
      const ul = el('ul', 'error-list');
      for (const v of verification.violations) ul.append(el('li', '', `${v.path}: ${VIOLATIONS[v.kind] || v.kind}`));
      nodes.push(ul);
    }
    const h = el('h3', '', 'Decrypted payload');
    const pre = el('pre', 'code', pretty(payload));
    pre.dataset.testid = 'opened-payload';
    pre.tabIndex = 0;
    nodes.push(h, pre);
    box.replaceChildren(...nodes);
  } catch (err) {
    const { code, message } = errorParts(err);
    const p = el('p', 'verdict fail', `Could not open the envelope: ${SIGNATURE_ERRORS[code] ?? message} (${code})`);
    p.dataset.testid = 'verification';
    p.dataset.code = code;
    p.dataset.conforms = 'error';
    box.replaceChildren(p);
  }
}

start();
