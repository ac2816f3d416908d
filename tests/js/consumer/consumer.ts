// Type-checked (not run) by tests/js/node/types.test.mjs with `tsc --noEmit`: the d.ts is precise
// enough for ordinary use, and the `@ts-expect-error` lines prove it rejects misuse.
import {
  init, version, profiles, Policy, minimise, verify, seal, sealAsync, minimiseAndSeal,
  minimiseAndSealAsync, open, openAndVerify, generateKeyPair, generateSigningKey, signingPublicKey,
  publicKey, thumbprint, MinsealError, Registers, MemoryReplayStore, verifyAck, signAck, signRegister,
  type RegisterInfo, type RegisterEntry, type RegisterSigner, type VerifiedAck,
  type ErrorCode, type Receipt, type Header, type EnvelopeJson, type Verification, type ProfileInfo,
  type ProfileId, type SignatureResult, type SigningAlg, type WebCryptoKey,
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
  const ov = openAndVerify(j2, kp.privateJwk, { policy });
  const conforms: boolean | undefined = ov.verification?.conforms;
  const limited = open(eb, kp.privateJwk, { output: 'bytes', maxEnvelopeBytes: 1 << 20, maxChunks: 16 });
  const u3: Uint8Array = limited.payload;
  const ov2 = openAndVerify(eb, kp.privateJwk, { maxRecipients: 1, maxBytes: 1024 });

  // Signing: a private JWK (sync), a WebCrypto key or a callback (async); who signed, checked.
  const esKey = generateSigningKey('ES256');
  const ed = generateSigningKey('Ed25519');
  const sigKid: string = esKey.kid;
  const sigPub = signingPublicKey(ed.privateJwk);
  const signed = minimiseAndSeal(orderText, '2ap/art7-order', kp.publicJwk, { sign: esKey.privateJwk });
  const checked = openAndVerify(signed.envelope, kp.privateJwk, { signers: [esKey.publicJwk, sigPub] });
  const sig: SignatureResult = checked.signature;
  if (sig.status === 'verified') {
    const who: string = sig.kid;
    const alg: SigningAlg = sig.alg;
    const x: string = sig.key.x;
    void [who, alg, x];
  }
  const unsignedOk = open(eb, kp.privateJwk, { signers: { keys: [esKey.publicJwk] }, allowUnsigned: true });
  const status: 'verified' | 'unchecked' | 'unsigned' = unsignedOk.signature.status;
  const webKey = { type: 'private', extractable: false, algorithm: { name: 'ECDSA' }, usages: ['sign'] } as WebCryptoKey;
  const a1: EnvelopeJson = await sealAsync('{}', kp.publicJwk, { sign: { privateKey: webKey, publicKey: esKey.publicJwk } });
  const a2 = await minimiseAndSealAsync(orderText, '2ap/art7-order', kp.publicJwk, {
    format: 'binary', sign: { kid: esKey.kid, alg: 'ES256', sign: async (bytes: Uint8Array) => bytes },
  });
  const a2b: Uint8Array = a2.envelope;
  await sealAsync('{}', kp.publicJwk, { sign: { publicJwk: ed.publicJwk, sign: (bytes: Uint8Array) => bytes } });
  {
    using scoped = Policy.builtin('2ap/art8-traffic');
    void scoped.id;
  }
  const custom2: Policy = Policy.builtin('2ap/some-future-profile' as ProfileId);
  void [sigKid, status, a1, a2b, custom2];
  seal('{}', pub, { maxRecipients: 1, maxMetadataEntries: 2, maxMetadataBytes: 64 });

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
  // @ts-expect-error: the synchronous functions cannot sign with a WebCrypto key (use the async ones)
  minimiseAndSeal(orderText, '2ap/art7-order', kp.publicJwk, { sign: { privateKey: webKey, publicKey: esKey.publicJwk } });
  // @ts-expect-error: trusted signers are public keys
  openAndVerify(ej, kp.privateJwk, { signers: [esKey.privateJwk] });
  // @ts-expect-error: not a signing algorithm
  generateSigningKey('RS256');

  // The register of authorities.
  const op = generateSigningKey('Ed25519');
  const regDoc: string = signRegister({ minseal_register: 1 }, op.privateJwk);
  using regs = Registers.load({ document: regDoc, operators: op.publicJwk, lastSerial: 3 }, { now: 0 });
  const infos: RegisterInfo[] = regs.registers;
  const found = regs.findKid('kid');
  const foundUse: 'encryption' | 'signing' | undefined = found?.key.use;
  const entries: RegisterEntry[] = regs.find('XB', 'service_provider');
  const sealedTo = minimiseAndSeal(orderText, '2ap/art7-order', { party: 'XB', role: 'service_provider' },
    { registers: regs, sign: op.privateJwk });
  seal('{}', [{ kid: 'k' }], { registers: regs, policy: '2ap/art7-order' });
  await sealAsync('{}', { kid: 'k' }, { registers: regs, policy: '2ap/art7-order' });
  await minimiseAndSealAsync(orderText, '2ap/art7-order', { kid: 'k' }, { registers: regs });
  using replay = new MemoryReplayStore();
  const accepted = openAndVerify(sealedTo.envelope, kp.privateJwk, { registers: regs, replay, accept: ['2ap/art7-order'] });
  const signer: RegisterSigner & { role: string } = accepted.signer;
  const ackText: string = signAck({ messageId: 'm', headerSha256: 'h', receivedAt: 0, outcome: 'accepted' }, op.privateJwk);
  const va: VerifiedAck = verifyAck(ackText, regs, { messageId: 'm', recipientKids: ['k'] });
  const outcome: 'accepted' | 'refused' = va.outcome;
  // @ts-expect-error: opening with a register needs the replay store
  openAndVerify(sealedTo.envelope, kp.privateJwk, { registers: regs, accept: ['2ap/art7-order'] });
  // @ts-expect-error: a recipient in a register is { party, role } or { kid }
  minimiseAndSeal(orderText, '2ap/art7-order', { party: 'XB' }, { registers: regs });
  void [infos, foundUse, entries, signer, outcome, replay.size];

  void [v, digest, canon, small, kid, d, t, payload, removed, reason, ver, createdAt, s1, u2, u3, ov2, conforms, wrong1, wrong2, wrong3];
}
