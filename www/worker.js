// Minimises off the main thread, so that typing in the page never waits for the package: a 3 MB
// payload takes seconds. The page sends { seq, text, profile } and keeps only the answer to its
// latest request. A module worker: the CSP has no worker-src, so script-src 'self' governs it.
import { init, minimise } from './minseal.js';
import { locateJsonError, pretty } from './jsontext.js';

const ready = init();
const JSON_ERRORS = new Set(['invalid_json', 'duplicate_key', 'invalid_utf8', 'too_deep']);

self.addEventListener('message', async (event) => {
  const { seq, text, profile } = event.data;
  const started = performance.now();
  try {
    await ready;
    const { payload, receipt } = minimise(text, profile);
    // Pretty-printed here too: for a large payload that is main-thread work the page is spared.
    self.postMessage({ seq, ok: true, payload, pretty: pretty(payload), receipt, ms: performance.now() - started });
  } catch (err) {
    const error = { code: err?.code || 'error', message: String(err?.message || err), details: Array.isArray(err?.details) ? err.details : [] };
    if (JSON_ERRORS.has(error.code)) error.where = locateJsonError(err, text);
    self.postMessage({ seq, ok: false, error, ms: performance.now() - started });
  }
});
