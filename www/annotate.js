// Draws the INPUT payload as pretty JSON where every member the package removed is struck through
// with the receipt's reason, and every transformed value is marked with its operation and new value.
// Which members went is found by comparing the input with the minimised output; the receipt's
// collapsed `[*]` paths give the reason. DOM is built with textContent only: payloads are untrusted.
import { collapsedPath, leafCount, parsePath, pathIsBelow, pathMatches, writeJson } from './jsontext.js';
import { el } from './dom.js';

export const REASONS = {
  not_allowed: 'not asked for by the profile',
  forbidden: 'never sent under the profile',
  sensitive: 'sensitive data (Art. 14(4)) without allowance or justification',
  type_mismatch: 'wrong type for the profile',
};


function scalarText(node) {
  switch (node.t) {
    case 'str': return JSON.stringify(node.v);
    case 'num': return node.raw;
    case 'bool': return String(node.v);
    default: return 'null';
  }
}

function sameScalar(a, b) {
  return a.t === b.t && scalarText(a) === scalarText(b);
}

/**
 * Annotates `input` (a Node tree) against `output` (the minimised Node tree) and `receipt`.
 * Returns { tree: HTMLElement, removed: [{path, reason, leaves}], transformed: [{path, op}] }.
 */
export function annotate(input, output, receipt) {
  const removedRules = (receipt?.removed || []).map((r) => ({ ...r, segs: parsePath(r.path) }));
  const transformedRules = (receipt?.transformed || []).map((r) => ({ ...r, segs: parsePath(r.path) }));
  const found = { removed: [], transformed: [] };

  const reasonFor = (location) => {
    let hits = removedRules.filter((r) => pathMatches(r.segs, location));
    let inside = false;
    if (!hits.length) { hits = removedRules.filter((r) => pathIsBelow(r.segs, location)); inside = hits.length > 0; }
    const reasons = [...new Set(hits.map((r) => r.reason))];
    return { reasons, inside };
  };
  const transformFor = (location) => transformedRules.find((r) => pathMatches(r.segs, location));

  // Pairs input array elements with the output elements they became (output is a subsequence).
  function align(inItems, outItems, location) {
    if (inItems.length === outItems.length) return inItems.map((_, k) => k);
    const pairs = []; let j = 0;
    inItems.forEach((item, k) => {
      const out = outItems[j];
      const loc = [...location, k];
      let ok = out !== undefined && (item.t === out.t || (transformFor(loc) && !['obj', 'arr'].includes(item.t)));
      if (ok && item.t === 'obj') {
        const keys = new Set(item.entries.map(([key]) => key));
        ok = out.entries.every(([key]) => keys.has(key));
      } else if (ok && item.t !== 'arr') {
        ok = sameScalar(item, out) || Boolean(transformFor(loc));
      }
      pairs.push(ok ? j++ : -1);
    });
    return pairs;
  }

  function removedItem(li, location, node, keyName) {
    const { reasons, inside } = reasonFor(location);
    const label = reasons.length
      ? (inside ? 'taken out (contains ' : 'taken out: ') + reasons.map((r) => REASONS[r] || r).join('; ') + (inside ? ')' : '')
      : 'taken out';
    li.classList.add('removed');
    li.dataset.removedPath = collapsedPath(location);
    li.dataset.reason = reasons.join(' ');
    if (keyName !== undefined) {
      const k = el('del', 'key');
      k.append(JSON.stringify(keyName) + ': ');
      li.append(k);
    }
    li.append(el('span', 'tag tag-removed', label));
    li.append(' ');
    const body = el('del', 'value');
    body.append(plain(node));
    li.append(body);
    found.removed.push({ path: collapsedPath(location), reason: reasons.join(' ') || 'removed', leaves: leafCount(node) });
  }

  // A subtree drawn without annotations (inside a removed member).
  function plain(node) {
    if (node.t === 'obj' || node.t === 'arr') {
      const wrap = el('span', 'container');
      wrap.append(node.t === 'obj' ? '{' : '[');
      const ul = el('ul', 'json');
      const kids = node.t === 'obj' ? node.entries : node.items.map((v) => [undefined, v]);
      kids.forEach(([k, v], n) => {
        const li = el('li');
        if (k !== undefined) li.append(el('span', 'key', JSON.stringify(k)), ': ');
        li.append(plain(v));
        if (n < kids.length - 1) li.append(',');
        ul.append(li);
      });
      if (kids.length) wrap.append(ul);
      wrap.append(node.t === 'obj' ? '}' : ']');
      return wrap;
    }
    return el('span', 'scalar s-' + node.t, scalarText(node));
  }

  function kept(node, out, location) {
    if (node.t === 'obj') {
      const wrap = el('span', 'container');
      wrap.append('{');
      const ul = el('ul', 'json');
      const outMap = new Map();
      for (const [k, v] of out.t === 'obj' ? out.entries : []) if (!outMap.has(k)) outMap.set(k, v);
      node.entries.forEach(([k, v], n) => {
        const li = el('li');
        const loc = [...location, k];
        if (outMap.has(k)) {
          li.append(el('span', 'key', JSON.stringify(k)), ': ');
          li.append(kept(v, outMap.get(k), loc));
        } else {
          removedItem(li, loc, v, k);
        }
        if (n < node.entries.length - 1) li.append(',');
        ul.append(li);
      });
      if (node.entries.length) wrap.append(ul);
      wrap.append('}');
      return wrap;
    }
    if (node.t === 'arr') {
      const wrap = el('span', 'container');
      wrap.append('[');
      const ul = el('ul', 'json');
      const outItems = out.t === 'arr' ? out.items : [];
      const pairs = align(node.items, outItems, location);
      node.items.forEach((v, k) => {
        const li = el('li');
        const loc = [...location, k];
        if (pairs[k] >= 0) li.append(kept(v, outItems[pairs[k]], loc));
        else removedItem(li, loc, v, undefined);
        if (k < node.items.length - 1) li.append(',');
        ul.append(li);
      });
      if (node.items.length) wrap.append(ul);
      wrap.append(']');
      return wrap;
    }
    const span = el('span', 'scalar s-' + node.t, scalarText(node));
    if (!sameScalar(node, out)) {
      const rule = transformFor(location);
      const frag = document.createDocumentFragment();
      span.classList.add('was');
      frag.append(span, ' ');
      const tag = el('span', 'tag tag-transformed', `changed${rule ? ` (${rule.op})` : ''} → ${writeJson(out, 0)}`);
      tag.dataset.transformedPath = collapsedPath(location);
      frag.append(tag);
      found.transformed.push({ path: collapsedPath(location), op: rule?.op || '' });
      return frag;
    }
    return span;
  }

  const tree = el('div', 'json-root');
  tree.append(kept(input, output, []));
  return { tree, ...found };
}

/** Draws a Node tree as pretty JSON (no annotations). */
export function drawPlain(node) {
  return annotate(node, node, null).tree;
}
