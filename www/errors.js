// Errors beside the request field, in words: line and column (never a byte offset), the name of
// a repeated member, each missing or wrong-typed field by name with the rule's article and note,
// and a button that puts the caret on the problem.
import { explainMissing, explainWrongType } from './explain.js';
import { $, el } from './dom.js';

export const ERROR_KIND = {
  invalid_json: 'not valid JSON', duplicate_key: 'a name appears twice', invalid_utf8: 'not UTF-8 text', too_deep: 'nested too deeply',
  too_large: 'too large', missing_required: 'required fields missing', type_mismatch: 'wrong type',
};

function goTo(index, length = 1) {
  const field = $('payload');
  field.focus();
  field.setSelectionRange(index, Math.min(index + length, field.value.length));
  const line = field.value.slice(0, index).split('\n').length;
  const lh = parseFloat(getComputedStyle(field).lineHeight) || 18;
  field.scrollTop = Math.max(0, (line - 3) * lh);
}

function goButton(label, index, length) {
  const b = el('button', 'link', label);
  b.type = 'button';
  b.addEventListener('click', () => goTo(index, length));
  return b;
}

function memberIndex(text, path) {
  const name = path.split(/[.[\]']+/).filter(Boolean).pop();
  const i = name ? text.indexOf(JSON.stringify(name)) : -1;
  return i >= 0 ? { index: i, length: JSON.stringify(name).length } : null;
}

export function showErrors(err, text = '', policy = null) {
  const box = $('payload-errors');
  const field = $('payload');
  if (!err) {
    box.replaceChildren();
    field.removeAttribute('aria-invalid');
    return;
  }
  field.setAttribute('aria-invalid', 'true');
  const { code, message, details } = err;
  const nodes = [];
  const where = err.where;
  if (code === 'invalid_json' || code === 'duplicate_key' || code === 'invalid_utf8' || code === 'too_deep') {
    const title = code === 'duplicate_key' ? 'A member name appears twice' : code === 'invalid_json' ? 'This is not valid JSON' : `The request cannot be read: ${ERROR_KIND[code]}`;
    nodes.push(el('p', 'error-title', title));
    if (where) {
      const p = el('p', '', `Line ${where.line}, column ${where.col}: ${where.problem}. `);
      p.append(goButton('Go to it', where.index, where.key !== undefined ? JSON.stringify(where.key).length : 1));
      nodes.push(p);
    } else {
      nodes.push(el('p', '', message.replace(/\s*at byte \d+/, '')));
    }
  } else if (code === 'missing_required') {
    nodes.push(el('p', 'error-title', `The profile needs ${details.length === 1 ? 'a field that is' : `${details.length} fields that are`} missing`));
    const ul = el('ul', 'error-list');
    for (const d of details) {
      const x = explainMissing(d, policy);
      const li = el('li');
      li.append(el('strong', '', x.label));
      if (x.why) li.append(': ', el('span', 'note', x.why));
      li.append(' ', el('code', 'path', x.path));
      ul.append(li);
    }
    nodes.push(ul);
  } else if (code === 'type_mismatch') {
    nodes.push(el('p', 'error-title', `Wrong type: ${details.length === 1 ? 'a field holds' : `${details.length} fields hold`} the wrong kind of value`));
    const ul = el('ul', 'error-list');
    for (const d of details) {
      const x = explainWrongType(d, policy);
      const li = el('li');
      li.append(el('strong', '', x.label), `: wrong type${x.expected ? `, the profile expects ${x.expected}` : ''}.`);
      if (x.why) li.append(' ', el('span', 'note', x.why));
      li.append(' ', el('code', 'path', x.path));
      const at = memberIndex(text, x.path);
      if (at) li.append(' ', goButton('Go to it', at.index, at.length));
      ul.append(li);
    }
    nodes.push(ul);
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
