// Display-only JSON helpers for the demo page. The package does all minimising and sealing; this
// module only turns JSON text into a tree the page can draw, keeping member order, duplicate-safe
// keys (objects are lists of [key, node] pairs, never plain JS objects) and the exact text of
// numbers (a 30-digit account number must not be shown rounded).

/** @typedef {{t:'obj', entries:[string, Node][]} | {t:'arr', items:Node[]} | {t:'str', v:string}
 *  | {t:'num', raw:string} | {t:'bool', v:boolean} | {t:'null'}} Node */

export class JsonTextError extends Error {
  constructor(message, offset) {
    super(`${message} at character ${offset}`);
    this.offset = offset;
  }
}

/**
 * Parses JSON text into a Node tree. Throws JsonTextError with a character offset. With
 * `{ rejectDuplicates: true }` a repeated member name throws too, its `key` set to the name and
 * its offset at the repeated name (the package refuses duplicates; this says which one).
 */
export function parseJsonText(text, { rejectDuplicates = false } = {}) {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const fail = (msg) => { throw new JsonTextError(msg, i); };
  function value(depth) {
    if (depth > 256) fail('nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++; const entries = []; const seen = rejectDuplicates ? new Set() : null; ws();
      if (text[i] === '}') { i++; return { t: 'obj', entries }; }
      for (;;) {
        ws(); if (text[i] !== '"') fail('expected a member name');
        const at = i;
        const k = string(); ws();
        if (seen) {
          if (seen.has(k)) { const e = new JsonTextError(`duplicate member name ${JSON.stringify(k)}`, at); e.key = k; throw e; }
          seen.add(k);
        }
        if (text[i] !== ':') fail("expected ':'"); i++;
        entries.push([k, value(depth + 1)]); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return { t: 'obj', entries }; }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++; const items = []; ws();
      if (text[i] === ']') { i++; return { t: 'arr', items }; }
      for (;;) {
        items.push(value(depth + 1)); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return { t: 'arr', items }; }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return { t: 'str', v: string() };
    if (text.startsWith('true', i)) { i += 4; return { t: 'bool', v: true }; }
    if (text.startsWith('false', i)) { i += 5; return { t: 'bool', v: false }; }
    if (text.startsWith('null', i)) { i += 4; return { t: 'null' }; }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 4096));
    if (m && m[0]) { i += m[0].length; return { t: 'num', raw: m[0] }; }
    return fail(i >= text.length ? 'unexpected end of input' : 'unexpected character');
  }
  function string() {
    i++; let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i];
      if (c === '"') { i++; return out; }
      if (c < ' ') fail('control character in string');
      if (c === '\\') {
        const e = text[i + 1];
        const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in simple) { out += simple[e]; i += 2; continue; }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)); i += 6; continue;
        }
        fail('bad escape');
      }
      out += c; i++;
    }
  }
  const root = value(0); ws();
  if (i !== text.length) fail('unexpected text after the JSON value');
  return root;
}

/** Writes a Node tree back as JSON text (indent > 0: pretty). */
export function writeJson(node, indent = 2, level = 0) {
  const pad = (n) => (indent ? '\n' + ' '.repeat(indent * n) : '');
  const sep = indent ? ': ' : ':';
  switch (node.t) {
    case 'obj':
      if (!node.entries.length) return '{}';
      return '{' + node.entries.map(([k, v]) => pad(level + 1) + JSON.stringify(k) + sep + writeJson(v, indent, level + 1)).join(',') + pad(level) + '}';
    case 'arr':
      if (!node.items.length) return '[]';
      return '[' + node.items.map((v) => pad(level + 1) + writeJson(v, indent, level + 1)).join(',') + pad(level) + ']';
    case 'str': return JSON.stringify(node.v);
    case 'num': return node.raw;
    case 'bool': return String(node.v);
    default: return 'null';
  }
}

/** Pretty-prints JSON text, keeping number text exactly; returns the text unchanged if it does not parse. */
export function pretty(text) {
  try { return writeJson(parseJsonText(text)); } catch { return text; }
}

/** Number of leaves (scalars and empty containers) under a node, as the receipt counts them. */
export function leafCount(node) {
  if (node.t === 'obj') return node.entries.length ? node.entries.reduce((n, [, v]) => n + leafCount(v), 0) : 1;
  if (node.t === 'arr') return node.items.length ? node.items.reduce((n, v) => n + leafCount(v), 0) : 1;
  return 1;
}

// ---- paths (the policy/receipt syntax of docs/POLICY.md) ----
// A path is held as a list of segments: {name}, {any: true} ([*] or .*), or {desc: name} (..name).

const SHORTHAND = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/;

/** One member segment as the receipt writes it: `.name` or `['odd key']`. */
export function memberSegment(name) {
  return SHORTHAND.test(name) ? '.' + name : "['" + name.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "']";
}

/** Parses `$.a['b c'][*].d`, `$..x`, `$.a.*` into segments; null if it is not a path. */
export function parsePath(path) {
  if (typeof path !== 'string' || path[0] !== '$') return null;
  const segs = []; let i = 1;
  while (i < path.length) {
    if (path.startsWith('[*]', i)) { segs.push({ any: true }); i += 3; continue; }
    if (path.startsWith("['", i)) {
      let j = i + 2, name = '';
      while (j < path.length && path[j] !== "'") {
        if (path[j] === '\\') j++;
        name += path[j++];
      }
      if (path[j + 1] !== ']') return null;
      segs.push({ name }); i = j + 2; continue;
    }
    const desc = path.startsWith('..', i);
    if (path[i] !== '.') return null;
    i += desc ? 2 : 1;
    if (path[i] === '*') { segs.push({ any: true }); i++; continue; }
    const m = /^[^.[]+/.exec(path.slice(i));
    if (!m) return null;
    segs.push(desc ? { desc: m[0] } : { name: m[0] }); i += m[0].length;
  }
  return segs;
}

/** A concrete location (list of member names and array indices) written with indices collapsed to [*]. */
export function collapsedPath(location) {
  return '$' + location.map((s) => (typeof s === 'number' ? '[*]' : memberSegment(s))).join('');
}

/** Whether a receipt path (segments) names this concrete location (indices match [*]). */
export function pathMatches(segs, location) {
  if (!segs) return false;
  const go = (si, li) => {
    if (si === segs.length) return li === location.length;
    const s = segs[si];
    if (s.desc !== undefined) {
      for (let k = li; k < location.length; k++) if (location[k] === s.desc && go(si + 1, k + 1)) return true;
      return false;
    }
    if (li >= location.length) return false;
    if (s.any) return go(si + 1, li + 1);
    return typeof location[li] === 'string' && location[li] === s.name && go(si + 1, li + 1);
  };
  return go(0, 0);
}

/** Whether receipt path `segs` lies strictly below the concrete location (a removal inside it). */
export function pathIsBelow(segs, location) {
  if (!segs || segs.length <= location.length) return false;
  return pathMatches(segs.slice(0, location.length), location);
}

/** Line and column (1-based; columns count characters) of a character index in `text`. */
export function lineCol(text, index) {
  let line = 1, start = 0;
  for (let k = text.indexOf('\n'); k !== -1 && k < index; k = text.indexOf('\n', k + 1)) { line++; start = k + 1; }
  return { line, col: index - start + 1 };
}

/** The character index of UTF-8 byte offset `n` in `text`. */
export function byteToIndex(text, n) {
  let b = 0, i = 0;
  while (i < text.length && b < n) {
    const c = text.codePointAt(i);
    b += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    i += c >= 0x10000 ? 2 : 1;
  }
  return i;
}

/**
 * Where a package error about JSON text lies, for showing it in line/column: `{ index, line, col,
 * key?, problem }`, or null. The package gives a byte offset ("at byte N"); a duplicate member is
 * found again here so that its name can be shown.
 */
export function locateJsonError(err, text) {
  const message = String(err?.message || '');
  if (err?.code === 'duplicate_key') {
    try { parseJsonText(text, { rejectDuplicates: true }); } catch (e) {
      if (e instanceof JsonTextError && e.key !== undefined) {
        return { index: e.offset, ...lineCol(text, e.offset), key: e.key, problem: `the member name ${JSON.stringify(e.key)} appears twice in the same object` };
      }
    }
  }
  const m = /\bat byte (\d+)(?::\s*(.*))?/.exec(message);
  if (!m) return null;
  const index = byteToIndex(text, Number(m[1]));
  const problem = m[2] || message.replace(/\s*at byte \d+/, '');
  return { index, ...lineCol(text, index), problem };
}
