// Type-checked (not run) by tests/js/node/types.test.mjs with `tsc --noEmit`: the d.ts is precise
// enough for ordinary use, and the `@ts-expect-error` lines prove it rejects misuse.
import {
  init, version, profiles, Policy, minimise, verify, seal, minimiseAndSeal, open, openAndVerify,
  generateKeyPair, publicKey, thumbprint, MinsealError,
  type ErrorCode, type Receipt, type Header, type EnvelopeJson, type Verification, type ProfileInfo,
  type ProfileId,
} from 'minseal';

export async function main(orderText: string): Promise<void> {
  await init();
  await init(new URL('https://example.invalid/minseal_core_bg.wasm'));
  const v: string = version();
  const ps: ProfileInfo[] = profiles();
  const policy: Policy = Policy.builtin(ps[0].id);
  const custom = Policy.parse({ minseal_policy: 1 });
  const small = Policy.parse('{}', { maxBytes: 1024, maxDepth: 8, maxRules: 10 });
  const digest: string = policy.digest;
  const canon: string = custom.canonicalJson();

  const kp = generateKeyPair();
  const kid: string = kp.kid;
  const d: string = kp.privateJwk.d;
  const pub = publicKey(kp.privateJwk);
  const t: string = thumbprint(pub);

  const m = minimise(orderText, '2ap/art7-order', { strict: true, maxDepth: 32 });
  const payload: string = m.payload;
  const receipt: Receipt = m.receipt;
  const removed: number = receipt.counts.removed;
  const reason: 'not_allowed' | 'forbidden' | 'sensitive' | 'type_mismatch' = receipt.removed[0].reason;
  const ver: Verification = verify(new TextEncoder().encode(orderText), policy);

  const ej: EnvelopeJson = seal('{}', kp.publicJwk);
  const es: string = seal('{}', [kp.publicJwk, pub.x], { format: 'string', createdAt: 1 });
  const eb: Uint8Array = seal(new Uint8Array(1), { keys: [pub] }, { format: 'binary', metadata: { a: 'b' } });
  const header: Header = ej.header;
  const createdAt: number = header.created_at;

  const r1 = minimiseAndSeal({ any: 'object' }, policy, pub, { format: 'binary', hashKey: new Uint8Array(16) });
  const b1: Uint8Array = r1.envelope;
  const r2 = minimiseAndSeal(orderText, '2ap/art7-order', pub);
  const j2: EnvelopeJson = r2.envelope;

  const o1 = open(eb, kp.privateJwk);
  const s1: string = o1.payload;
  const o2 = open(es, JSON.stringify(kp.privateJwk), { output: 'bytes' });
  const u2: Uint8Array = o2.payload;
  const ov = openAndVerify(j2, kp.privateJwk, policy);
  const conforms: boolean | undefined = ov.verification?.conforms;
  const limited = open(eb, kp.privateJwk, { output: 'bytes', maxEnvelopeBytes: 1 << 20, maxChunks: 16 });
  const u3: Uint8Array = limited.payload;
  const ov2 = openAndVerify(eb, kp.privateJwk, undefined, { maxRecipients: 1, maxBytes: 1024 });
  seal('{}', pub, { maxRecipients: 1, maxMetadataEntries: 2, maxMetadataBytes: 64 });
  {
    using scoped = Policy.builtin('2ap/art8-traffic');
    void scoped.id;
  }
  const future: Policy = Policy.builtin('2ap/some-future-profile' as ProfileId);
  void future;

  try {
    open(ej, kp.privateJwk);
  } catch (e) {
    if (e instanceof MinsealError) {
      const code: ErrorCode = e.code;
      const details: string[] = e.details;
      const msg: string = e.message;
      void [code, details, msg];
    }
  }

  // @ts-expect-error: binary format returns bytes, not a string
  const wrong1: string = seal('{}', pub, { format: 'binary' });
  // @ts-expect-error: not an error code
  const wrong2: ErrorCode = 'not_a_code';
  // @ts-expect-error: unknown format
  seal('{}', pub, { format: 'xml' });
  // @ts-expect-error: seal takes text or bytes, not an object (use minimiseAndSeal)
  seal({ a: 1 }, pub);
  // @ts-expect-error: Policy has no public constructor
  new Policy();
  // @ts-expect-error: maxChunks is an opening limit, not a sealing one
  seal('{}', pub, { maxChunks: 1 });
  // @ts-expect-error: limits are numbers
  open(eb, kp.privateJwk, { maxEnvelopeBytes: '1 MiB' });
  // @ts-expect-error: open without output:'bytes' gives a string
  const wrong3: Uint8Array = open(ej, kp.privateJwk).payload;
  // @ts-expect-error: a typo in a built-in profile id
  minimise(orderText, '2ap/art7-ordr');
  // @ts-expect-error: a recipient is a public key, never a private one
  seal('{}', kp.privateJwk);

  void [v, digest, canon, small, kid, d, t, payload, removed, reason, ver, createdAt, s1, u2, u3, ov2, conforms, wrong1, wrong2, wrong3];
}
