// The minseal demo page: pick a profile, paste a request, see what would leave, seal it, open it
// as the authority. All work happens in this page; payloads, keys and envelopes never leave it.
// Payload text is untrusted: it only ever reaches the DOM through textContent.

// Record CSP violations first, so the tests (and a curious reader) can check there are none.
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber });
});

import { annotate } from './annotate.js';
import { parseJsonText, pretty } from './jsontext.js';
import { PolicyText, explainRemoval, fieldLabel, headerWords } from './explain.js';
import { ERROR_KIND, showErrors } from './errors.js';
import { jsCode, cliCode } from './codegen.js';
import { $, el } from './dom.js';

const DEBOUNCE_MS = 200;
// Above this size the changes are not drawn by themselves: drawing is main-thread work.
const DRAW_LIMIT = 200_000;
const AUDIENCES = {
  service_provider: 'a service provider', registrar: 'a domain name registrar',
  competent_authority: 'a competent authority', designated_authority: 'the designated authority',
  poc_24_7: 'the 24/7 point of contact', central_authority: 'the central authority',
  notified_authority: 'the notified authority',
};
const VIOLATIONS = { not_allowed: 'not asked for by the profile', forbidden: 'forbidden by the profile', sensitive: 'sensitive data without allowance',
  type_mismatch: 'wrong type', not_transformed: 'not in its changed form', missing_required: 'required but missing' };
const SIGNATURE_ERRORS = {
  unknown_signer: 'it is signed by a key the authority does not trust',
  signature_invalid: 'its signature does not verify: it was changed after signing, or signed with another key',
  signature_missing: 'it is not signed, and the authority accepts only signed envelopes',
  expired: 'it has expired',
};

let api;
let profileList = [];
const policies = new Map();     // profile id -> PolicyText
let demoKey = null;             // the fictional authority's key pair (its private half stays here)
const signingKeys = {};         // alg -> the demo office's signing key pair
let recipient = { ok: false, kid: null, reason: 'No key yet.' };
let result = null;              // { text, profile, ok, payload?, receipt?, error? } of the latest minimise
let sealed = null;              // { envelope, text, payload, kid, signed }
let loadedSample = null;        // { id, text }: the example last loaded, to tell it from the user's own text
let swap = null;                // { text, label }: what the undo button brings back

const errorParts = (err) => ({ code: err?.code || 'error', message: String(err?.message || err), details: Array.isArray(err?.details) ? err.details : [] });
const policyText = (id) => {
  if (!policies.has(id)) {
    try { policies.set(id, new PolicyText(JSON.parse(api.Policy.builtin(id).canonicalJson()))); } catch { policies.set(id, null); }
  }
  return policies.get(id);
};

// ---------- announcements: one polite region, told only what changed ----------
let lastAnnounced = '';
function announce(message) {
  if (message === lastAnnounced) return;
  lastAnnounced = message;
  $('announce').textContent = message;
}

// ---------- buttons that say why they are not available (and stay in the Tab order) ----------
function setAvailable(button, reason) {
  const why = $(`${button.id}-why`);
  if (reason) {
    button.setAttribute('aria-disabled', 'true');
    if (why) why.textContent = reason;
  } else {
    button.removeAttribute('aria-disabled');
    if (why) why.textContent = '';
  }
}
const unavailable = (button) => button.getAttribute('aria-disabled') === 'true';
function explainUnavailable(button) {
  const why = $(`${button.id}-why`);
  why.classList.remove('flash');
  void why.offsetWidth;
  why.classList.add('flash');
  lastAnnounced = '';
  announce(why.textContent);
}

// ---------- loading ----------
async function start() {
  try {
    api = await import('./minseal.js');
    await api.init();
    profileList = api.profiles();
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
  const select = $('profile');
  select.replaceChildren(...profileList.map((p) => {
    const o = el('option', '', p.title);
    o.value = p.id;
    return o;
  }));
  select.value = (profileList.find((p) => p.id === '2ap/art7-order') || profileList[0]).id;
  showProfile();

  demoKey = api.generateKeyPair();
  $('public-jwk').value = JSON.stringify(demoKey.publicJwk, null, 2);
  checkKey();
  makeSigningKey();

  select.addEventListener('change', () => { showProfile(); profileChanged(); });
  $('load-sample').addEventListener('click', requestSample);
  $('sample-replace').addEventListener('click', () => { $('sample-confirm').hidden = true; loadSample(); });
  $('sample-cancel').addEventListener('click', () => {
    $('sample-confirm').hidden = true;
    $('sample-status').textContent = 'Your text is kept.';
    $('load-sample').focus();
  });
  $('undo').addEventListener('click', undo);
  $('payload').addEventListener('input', () => { invalidateSeal(); schedule(); });
  $('public-jwk').addEventListener('input', () => { invalidateSeal(); clearTimeout(keyTimer); keyTimer = setTimeout(checkKey, DEBOUNCE_MS); });
  $('demo-key').addEventListener('click', () => { $('public-jwk').value = JSON.stringify(demoKey.publicJwk, null, 2); invalidateSeal(); checkKey(); });
  $('sign-alg').addEventListener('change', () => { makeSigningKey(); invalidateSeal(); });
  $('sign-on').addEventListener('change', () => { showSigningKey(); invalidateSeal(); });
  $('seal').addEventListener('click', () => (unavailable($('seal')) ? explainUnavailable($('seal')) : doSeal()));
  $('open').addEventListener('click', () => (unavailable($('open')) ? explainUnavailable($('open')) : doOpen()));
  $('copy').addEventListener('click', () => copyText(sealed.text, $('seal-status'), 'The envelope'));
  $('download').addEventListener('click', downloadEnvelope);
  $('copy-js').addEventListener('click', () => copyText($('code-js').textContent, $('code-status'), 'The JavaScript'));
  $('copy-cli').addEventListener('click', () => copyText($('code-cli').textContent, $('code-status'), 'The commands'));
  $('view-diff').addEventListener('click', () => setView('diff'));
  $('view-out').addEventListener('click', () => setView('out'));
  $('draw-anyway').addEventListener('click', () => drawChanges(true));
  startWorker();
  await loadSample();
  document.body.dataset.ready = 'true';
}

function showProfile() {
  const p = profileList.find((x) => x.id === $('profile').value);
  $('profile-title').textContent = p ? p.title : '';
  const dl = $('profile-info');
  dl.replaceChildren();
  if (!p) return;
  for (const [k, v] of [['Legal basis', p.basis], ['Sent to', AUDIENCES[p.audience] || p.audience], ['Profile', `${p.id}, version ${p.version}`]]) {
    dl.append(el('dt', '', k), el('dd', '', v));
  }
  showCode();
}

// Changing the profile never touches the text: it is checked again under the new profile.
function profileChanged() {
  invalidateSeal();
  const id = $('profile').value;
  const text = $('payload').value;
  $('sample-confirm').hidden = true;
  $('sample-status').textContent = loadedSample && text === loadedSample.text && loadedSample.id !== id
    ? `The text is still the example for ${loadedSample.id}. "Load the example for this profile" brings this profile's own.`
    : '';
  schedule(0);
}

function requestSample() {
  const text = $('payload').value;
  if (!text.trim() || (loadedSample && text === loadedSample.text)) { loadSample(); return; }
  $('sample-confirm-text').textContent = `Replace your text with the example for ${$('profile').value}? Your text is kept, and "Undo" brings it back.`;
  $('sample-confirm').hidden = false;
  $('sample-replace').focus();
}

async function loadSample() {
  const id = $('profile').value;
  const before = $('payload').value;
  let text;
  try {
    const res = await fetch(`/samples/${id.replace(/\//g, '-')}.json`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    text = await res.text();
  } catch {
    $('sample-status').textContent = `There is no example for ${id}; your text is kept.`;
    return;
  }
  $('payload').value = text;
  loadedSample = { id, text };
  $('sample-status').textContent = `Loaded the example for ${id}.`;
  swap = before.trim() && before !== text ? { text: before, label: 'Undo: bring my text back' } : null;
  showUndo();
  invalidateSeal();
  schedule(0);
}

function undo() {
  if (!swap) return;
  const now = $('payload').value;
  $('payload').value = swap.text;
  swap = { text: now, label: swap.label.startsWith('Undo') ? 'Redo: bring the example back' : 'Undo: bring my text back' };
  $('sample-status').textContent = swap.label.startsWith('Redo') ? 'Your text is back.' : 'The example is back.';
  showUndo();
  invalidateSeal();
  schedule(0);
}

function showUndo() {
  $('undo').hidden = !swap;
  if (swap) $('undo').textContent = swap.label;
}

// ---------- minimising in a worker: typing never waits; stale answers are dropped ----------
let worker = null, seq = 0, busy = false, queued = null, timer;

function startWorker() {
  try {
    worker = new Worker('/worker.js', { type: 'module' });
    worker.addEventListener('message', (e) => {
      busy = false;
      if (queued) { post(queued); queued = null; }
      if (e.data.seq === seq) show(e.data);
    });
    // A worker that cannot start: the latest request is answered on the page's thread instead.
    worker.addEventListener('error', () => {
      worker = null; busy = false; queued = null;
      if (jobs.has(seq)) mainThread(jobs.get(seq));
    });
  } catch {
    worker = null;
  }
}

function post(job) {
  busy = true;
  worker.postMessage(job);
}

// Fallback where module workers are unavailable: the same call, on the page's thread.
function mainThread(job) {
  try {
    const { payload, receipt } = api.minimise(job.text, job.profile);
    show({ seq: job.seq, ok: true, payload, receipt });
  } catch (err) {
    show({ seq: job.seq, ok: false, error: errorParts(err) });
  }
}

function schedule(ms = DEBOUNCE_MS) {
  clearTimeout(timer);
  document.body.dataset.state = 'checking';
  setAvailable($('seal'), 'Checking your latest edit…');
  timer = setTimeout(() => {
    const job = { seq: ++seq, text: $('payload').value, profile: $('profile').value };
    jobs.set(job.seq, job);
    if (!worker) mainThread(job);
    else if (busy) queued = job;
    else post(job);
  }, ms);
}
const jobs = new Map();

function show(answer) {
  const job = jobs.get(answer.seq);
  jobs.clear();
  result = { ...answer, text: job.text, profile: job.profile };
  const policy = policyText(job.profile);
  if (answer.ok) {
    const { receipt } = answer;
    const c = receipt.counts;
    showErrors(null);
    $('summary').textContent = `${c.input_leaves} values in your request: ${c.kept} leave as they are, ${c.transformed} changed, `
      + `${c.removed} taken out. ${receipt.payload.bytes.toLocaleString('en-GB')} bytes would leave.`;
    drawRemovals(receipt, policy);
    $('minimised').textContent = answer.pretty ?? pretty(answer.payload);
    drawChanges(false);
    document.body.dataset.state = 'ok';
    announce(`Ready to seal: ${c.removed} ${c.removed === 1 ? 'value' : 'values'} taken out, ${c.transformed} changed.`);
  } else {
    showErrors(answer.error, job.text, policy);
    $('summary').textContent = 'Nothing can leave until the problem shown above the request is fixed.';
    $('removals').replaceChildren();
    $('minimised').textContent = '';
    $('diff').replaceChildren(el('p', 'hint', 'The changes are shown once the request can be read.'));
    $('diff-note').hidden = true;
    $('draw-anyway').hidden = true;
    document.body.dataset.state = 'error';
    announce(`The request has a problem (${ERROR_KIND[answer.error.code] || answer.error.code}); it is described above the field.`);
  }
  updateButtons();
  showCode();
}

function drawRemovals(receipt, policy) {
  const items = receipt.removed.map((r) => {
    const x = explainRemoval(r, policy);
    const li = el('li');
    li.dataset.path = r.path;
    li.dataset.reason = r.reason;
    li.append(el('strong', '', x.label), ' ', el('span', 'reason', x.reason));
    if (x.why) {
      const why = el('span', 'note', x.why);
      li.append(' ', why);
    }
    li.append(' ', el('code', 'path', `${r.path}${r.count > 1 ? ` ×${r.count}` : ''}`));
    return li;
  });
  for (const t of receipt.transformed) {
    const li = el('li', 'transformed');
    li.dataset.path = t.path;
    const rule = policy?.rule(t.path);
    li.append(el('strong', '', fieldLabel(t.path)), ' ', el('span', 'reason', `Changed before it leaves (${t.op}).`));
    if (rule?.note) li.append(' ', el('span', 'note', rule.note));
    li.append(' ', el('code', 'path', t.path));
    items.push(li);
  }
  if (!items.length) items.push(el('li', 'none', 'Nothing: every field is one the profile allows.'));
  $('removals').replaceChildren(...items);
}

let view = 'diff';
function setView(v) {
  view = v;
  $('view-diff').setAttribute('aria-pressed', String(v === 'diff'));
  $('view-out').setAttribute('aria-pressed', String(v === 'out'));
  $('diff').hidden = v !== 'diff';
  $('minimised').hidden = v !== 'out';
  if (v === 'diff') drawChanges(false);
}

function drawChanges(force) {
  if (!result?.ok || view !== 'diff') return;
  const big = result.text.length > DRAW_LIMIT;
  $('diff-note').hidden = !big || force;
  $('draw-anyway').hidden = !big || force;
  if (big && !force) {
    $('diff-note').textContent = `The request is ${Math.round(result.text.length / 1024)} KB; the changes are drawn by themselves up to ${DRAW_LIMIT / 1000} KB, to keep typing quick. The list above says what is taken out.`;
    $('diff').replaceChildren();
    return;
  }
  try {
    const { tree } = annotate(parseJsonText(result.text), parseJsonText(result.payload), result.receipt);
    $('diff').replaceChildren(tree);
  } catch {
    $('diff').replaceChildren(el('p', 'hint', 'The changes cannot be drawn for this request.'));
  }
}

// ---------- keys ----------
let keyTimer;
function checkKey() {
  const text = $('public-jwk').value.trim();
  const status = $('key-status');
  const field = $('public-jwk');
  recipient = { ok: false, kid: null, reason: '' };
  status.className = 'status';
  field.removeAttribute('aria-invalid');
  let looksPrivate = false;
  try { looksPrivate = typeof JSON.parse(text)?.d === 'string'; } catch { /* may be a raw key */ }
  if (!text) {
    recipient.reason = 'There is no receiving authority\'s key: paste one under "Keys", or use the demo authority\'s.';
  } else if (looksPrivate) {
    recipient.reason = 'The key under "Keys" is a private key (it has a "d" member): paste only the public key.';
  } else {
    try {
      const kid = api.thumbprint(text);
      recipient = { ok: true, kid, reason: '' };
    } catch (err) {
      recipient.reason = `The authority's key under "Keys" is not usable: ${errorParts(err).message}.`;
    }
  }
  if (recipient.ok) {
    const mine = recipient.kid === demoKey.kid;
    status.textContent = `Key id ${recipient.kid}. ` + (mine ? 'This is the demo authority: the page holds its private key, so you can open the envelope as it would.'
      : 'The page holds no private key for it: you can seal for this authority, but only it can open the envelope.');
    status.classList.add('ok');
    $('recipient-name').textContent = mine ? 'the demo authority' : `the authority with key ${recipient.kid.slice(0, 8)}…`;
  } else {
    status.textContent = recipient.reason;
    status.classList.add('error');
    if (text) field.setAttribute('aria-invalid', 'true');
    $('recipient-name').textContent = 'no usable key';
  }
  updateButtons();
  showCode();
}

function makeSigningKey() {
  const alg = $('sign-alg').value;
  try {
    signingKeys[alg] ??= api.generateSigningKey(alg);
  } catch (err) {
    $('sign-status').textContent = `Could not make a signing key: ${errorParts(err).message}`;
  }
  showSigningKey();
}
const signingKey = () => signingKeys[$('sign-alg').value] || null;

function showSigningKey() {
  const on = $('sign-on').checked;
  $('sign-alg').disabled = !on;
  const key = signingKey();
  $('sign-status').textContent = !on ? 'Envelopes will not be signed: the authority cannot tell who sent them.'
    : key ? `Your office's demo signing key: id ${key.kid}. The demo authority trusts it.` : 'No signing key.';
  $('signer-name').textContent = on ? 'your demo office key' : 'nobody (not signed)';
  showCode();
}

// ---------- seal, copy, download, open ----------
function updateButtons() {
  const state = document.body.dataset.state;
  const reason = !api ? 'The package is still loading.'
    : state === 'checking' ? 'Checking your latest edit…'
      : !result?.ok ? 'Fix the problem shown above the request first; then it can be sealed.'
        : !recipient.ok ? recipient.reason : null;
  setAvailable($('seal'), reason);
  const openReason = !sealed ? 'Seal the request first: there is nothing to open yet.'
    : sealed.kid !== demoKey.kid ? `The envelope is sealed for the authority with key ${sealed.kid}. Only that authority holds the private key that opens it; this page holds the demo authority's only. Use the demo authority's key under "Keys" to try opening.`
      : null;
  setAvailable($('open'), openReason);
}

function invalidateSeal() {
  if (sealed) $('seal-status').textContent = 'The request or the keys changed since the last seal: seal again.';
  sealed = null;
  $('seal-result').hidden = true;
  $('open-result').replaceChildren();
  updateButtons();
}

function doSeal() {
  const status = $('seal-status');
  try {
    const key = $('sign-on').checked ? signingKey() : null;
    const { envelope, receipt, payload } = api.minimiseAndSeal($('payload').value, $('profile').value, $('public-jwk').value.trim(),
      key ? { sign: key.privateJwk } : undefined);
    const text = JSON.stringify(envelope, null, 2);
    sealed = { envelope, text, payload, kid: recipient.kid, signer: key };
    $('envelope').textContent = text;
    $('envelope-size').textContent = `${new TextEncoder().encode(text).length.toLocaleString('en-GB')} bytes`;
    const names = { [demoKey.kid]: 'the demo authority' };
    $('clear-header').replaceChildren(...headerWords(envelope.header, names).flatMap(([k, v]) => [el('dt', '', k), el('dd', '', v)]));
    $('seal-result').hidden = false;
    $('open-result').replaceChildren();
    status.textContent = `Sealed${key ? ' and signed by your office' : ', not signed'}. The ${receipt.counts.removed} values taken out are not in it.`;
    lastAnnounced = '';
    announce(status.textContent);
  } catch (err) {
    const { code, message } = errorParts(err);
    sealed = null;
    $('seal-result').hidden = true;
    status.textContent = `Could not seal: ${message} (${code})`;
    announce(status.textContent);
  }
  updateButtons();
}

async function copyText(text, status, what) {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = `${what} is copied.`;
  } catch {
    status.textContent = `The clipboard is not available here: select the text and press Ctrl+C (or ⌘C).`;
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
  $('seal-status').textContent = 'The envelope is downloaded as envelope.json.';
}

function doOpen() {
  const box = $('open-result');
  try {
    // The demo authority trusts the demo office's signing keys; it also accepts an unsigned
    // envelope, and says so, because the sender may untick "Sign".
    const signers = Object.values(signingKeys).map((k) => k.publicJwk);
    const { payload, header, verification, signature } = api.openAndVerify(sealed.envelope, demoKey.privateJwk, { signers, allowUnsigned: true });
    const who = el('p', signature.status === 'verified' ? 'verdict pass' : 'verdict fail');
    who.dataset.testid = 'signature';
    who.dataset.status = signature.status;
    who.textContent = signature.status === 'verified'
      ? `✓ Signed by your office (key ${signature.kid}, ${signature.alg}): the signature checks out.`
      : signature.status === 'unsigned' ? '✗ Not signed: nothing shows who sent it.'
        : `✗ Signed by key ${signature.kid}, which the authority does not know.`;
    const pol = header?.policy ? `${header.policy.id} version ${header.policy.version}` : 'the profile named in the envelope';
    const verdict = el('p', verification?.conforms ? 'verdict pass' : 'verdict fail');
    verdict.dataset.testid = 'verification';
    verdict.dataset.conforms = String(Boolean(verification?.conforms));
    verdict.textContent = verification?.conforms
      ? `✓ The request holds only what ${pol} allows.`
      : `✗ The request does not keep to ${pol}: ${verification ? verification.violations.length : 'no'} problem(s).`;
    const nodes = [who, verdict];
    if (verification && !verification.conforms) {
      const ul = el('ul', 'error-list');
      for (const v of verification.violations) ul.append(el('li', '', `${fieldLabel(v.path)}: ${VIOLATIONS[v.kind] || v.kind}`));
      nodes.push(ul);
    }
    const same = payload === sealed.payload;
    const p = el('p', 'status', same ? `The authority reads exactly what "Only what leaves" shows above (${new TextEncoder().encode(payload).length.toLocaleString('en-GB')} bytes).`
      : 'The authority reads a request different from the one shown above.');
    p.dataset.testid = 'opened-same';
    p.dataset.same = String(same);
    const d = el('details');
    d.append(el('summary', '', 'The request as the authority reads it'));
    const pre = el('pre', 'code', pretty(payload));
    pre.dataset.testid = 'opened-payload';
    pre.tabIndex = 0;
    d.append(pre);
    nodes.push(p, d);
    box.replaceChildren(...nodes);
    lastAnnounced = '';
    announce(`${who.textContent} ${verdict.textContent}`);
  } catch (err) {
    const { code, message } = errorParts(err);
    const p = el('p', 'verdict fail', `Could not open the envelope: ${SIGNATURE_ERRORS[code] ?? message} (${code})`);
    p.dataset.testid = 'verification';
    p.dataset.code = code;
    p.dataset.conforms = 'error';
    box.replaceChildren(p);
    announce(p.textContent);
  }
}

function showCode() {
  if (!api || !demoKey) return;
  const s = { profile: $('profile').value, signed: $('sign-on').checked, alg: $('sign-alg').value, demoRecipient: recipient.kid === demoKey.kid };
  $('code-js').textContent = jsCode(s);
  $('code-cli').textContent = cliCode(s);
}

start();
