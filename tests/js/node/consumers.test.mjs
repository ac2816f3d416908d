// The consumer matrix's Node and TypeScript rows: the packed package installed from its tarball
// into fresh projects; Node ESM (`import`) and CommonJS (`require`, Node 20.19 and later) seal
// and open with each entry; and `tsc` type-checks a consumer under strict, skipLibCheck false
// and lib ES2022 alone, with moduleResolution bundler, node16 and nodenext, in ESM and CommonJS
// projects. tests/js/browser/consumers.test.mjs has the bundler rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ENTRIES, packed, pkg, write } from '../consumer/matrix.mjs';

const run = promisify(execFile);
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

let pack;
before(() => {
  pack = packed();
});
after(() => pack?.cleanup());

test('the tarball holds the entries, their types and the wasm', () => {
  for (const f of ['index.js', 'embedded.js', 'node.js', 'minseal.js', 'index.d.ts', 'index.d.cts', 'minseal_core_bg.wasm']) {
    assert.ok(pack.files.includes(f), `${f} in ${pack.files}`);
  }
});

// Seals, opens and checks unknown_policy's details; prints the outcome as JSON.
const NODE_APP = (load, loadOpener) => `Promise.all([${load}, ${loadOpener}]).then(([m, o]) => {
  const kp = m.generateKeyPair();
  const env = m.seal('{"a":1}', kp.publicJwk, { format: 'binary' });
  let details; try { m.minimise('{}', '2ap/art7-ordr'); } catch (e) { details = e instanceof m.MinsealError && e.code === 'unknown_policy' && e.details.includes('2ap/art7-order'); }
  console.log(JSON.stringify({ payload: o.open(env, kp.privateJwk).payload, details }));
});`;

for (const [kind, manifest, load] of [
  ['ESM (import)', { type: 'module' }, (spec) => `import('${spec}')`],
  ['CommonJS (require)', { type: 'commonjs' }, (spec) => `Promise.resolve(require('${spec}'))`],
]) {
  test(`Node ${kind}: every entry seals and opens`, async () => {
    const app = pack.project(`node-${manifest.type}`, { manifest });
    for (const { spec, opener = spec } of Object.values(ENTRIES)) {
      write(app, { 'app.js': NODE_APP(load(spec), load(opener)) });
      const { stdout } = await run(process.execPath, ['app.js'], { cwd: app });
      assert.deepEqual(JSON.parse(stdout), { payload: '{"a":1}', details: true }, `${kind} ${spec}`);
    }
  });
}

// The TypeScript consumer: every entry, a profile id and a recipient checked by the types.
const TS_APP = Object.values(ENTRIES).map(({ spec }, i) => `import * as m${i} from '${spec}';`).join('\n') + `
export async function sealed(order: string): Promise<boolean> {
${Object.values(ENTRIES).map((_, i) => `  await m${i}.init();
  m${i}.minimiseAndSeal(order, '2ap/art7-order', m${i}.generateKeyPair().publicJwk, { format: 'binary' });`).join('\n')}
  const m = m0;
  const authority = m.generateKeyPair();
  const { envelope, receipt } = m.minimiseAndSeal(order, '2ap/art7-order', authority.publicJwk);
  const opened = m.openAndVerify(envelope, authority.privateJwk);
  // @ts-expect-error: a misspelt profile id does not compile
  m.minimise(order, '2ap/art7-ordr');
  // @ts-expect-error: a private key is not a recipient
  m.seal('{}', authority.privateJwk);
  m.minimise(order, '2ap/art99-later' as m0.ProfileId);
  try {
    m.verify(order, '2ap/art7-order');
  } catch (e) {
    if (e instanceof m.MinsealError && e.code === 'unknown_policy') return e.details.length > 0;
  }
  return receipt.counts.removed > 0 && opened.verification !== null && opened.verification.conforms;
}
`;

const TS_CONFIGS = [
  ['bundler', 'ESNext', 'Bundler', 'module'],
  ['node16, ESM', 'Node16', 'Node16', 'module'],
  ['node16, CommonJS', 'Node16', 'Node16', 'commonjs'],
  ['nodenext, ESM', 'NodeNext', 'NodeNext', 'module'],
  ['nodenext, CommonJS', 'NodeNext', 'NodeNext', 'commonjs'],
];

test('TypeScript (strict, skipLibCheck false, lib ES2022) type-checks in every configuration', async () => {
  const checks = TS_CONFIGS.map(async ([name, module, moduleResolution, type]) => {
    const app = pack.project(`ts-${name.replace(/\W+/g, '-')}`, { manifest: { type } });
    write(app, {
      'app.ts': TS_APP,
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module, moduleResolution, lib: ['ES2022'], types: [], strict: true,
          skipLibCheck: false, noEmit: true, verbatimModuleSyntax: false,
        },
        files: ['app.ts'],
      }),
    });
    try {
      await run(process.execPath, [tsc, '-p', app]);
    } catch (e) {
      assert.fail(`tsc (${name}) failed:\n${e.stdout}${e.stderr}`);
    }
  });
  await Promise.all(checks);
});

// The ProfileId union names exactly the built-in profiles: a new profile cannot be missing from
// the types (nor a removed one linger there).
test("index.d.ts's ProfileId union is the list profiles() returns", async () => {
  const dts = readFileSync(join(pkg, 'index.d.ts'), 'utf8');
  const union = /export type ProfileId =([^;]*);/.exec(dts)[1];
  const ids = [...union.matchAll(/'([^']+)'/g)].map((x) => x[1]).sort();
  const m = await import(pathToFileURL(join(pkg, 'node.js')).href);
  assert.deepEqual(ids, m.profiles().map((p) => p.id).sort());
});
