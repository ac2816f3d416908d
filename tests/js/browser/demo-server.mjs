// Test/dev server for the demo page: wraps scripts/serve.mjs's startServer. By default it is that
// server unchanged (the real package at /pkg/). With { fake: true } (MINSEAL_DEMO_FAKE=1) a small front
// server answers /pkg/index.js with www/dev/fake-minseal.js (the TEMPORARY fake of docs/JS-API.md) and
// passes every other request through, so the page can be developed before the wasm bindings land.
// Run by hand: MINSEAL_DEMO_FAKE=1 node tests/js/browser/demo-server.mjs  (PORT=8787 by default)
import { createServer, request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { CSP, startServer } from '../../../scripts/serve.mjs';

const FAKE = new URL('../../../www/dev/fake-minseal.js', import.meta.url);
export const useFake = () => process.env.MINSEAL_DEMO_FAKE === '1';

export async function startDemoServer({ fake = useFake(), port = 0 } = {}) {
  const inner = await startServer(fake ? 0 : port);
  if (!fake) return inner;
  const innerPort = inner.address().port;
  const front = createServer(async (req, res) => {
    if ((req.url || '').split('?')[0] === '/pkg/index.js') {
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8', 'content-security-policy': CSP,
        'x-content-type-options': 'nosniff', 'cache-control': 'no-store',
      });
      res.end(await readFile(FAKE));
      return;
    }
    const up = request({ host: '127.0.0.1', port: innerPort, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end('bad gateway'));
    req.pipe(up);
  });
  front.on('close', () => inner.close());
  return new Promise((ok) => front.listen(port, '127.0.0.1', () => ok(front)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startDemoServer({ port: Number(process.env.PORT || 8787) });
  console.log(`minseal demo${useFake() ? ' (FAKE package: not encrypted)' : ''}: http://127.0.0.1:${server.address().port}/`);
}
