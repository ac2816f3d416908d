// "The code for this": the JavaScript and the CLI lines that do what the page just did, with the
// page's current profile and choices. Text only; the page shows it with textContent.

/** @param {{ profile: string, signed: boolean, alg: string, demoRecipient: boolean }} s */
export function jsCode(s) {
  const sign = s.signed ? `,\n  { sign: portalKey.privateJwk }` : '';
  return `import { init, minimiseAndSeal, openAndVerify${s.demoRecipient ? ', generateKeyPair' : ''}${s.signed ? ', generateSigningKey' : ''} } from 'minseal';

await init();   // browsers: loads the wasm once
${s.demoRecipient ? `const authority = generateKeyPair();           // the authority publishes authority.publicJwk\n` : `const authority = { publicJwk: recipientPublicJwk };   // the key pasted on the page\n`}${s.signed ? `const portalKey = generateSigningKey('${s.alg}');   // the authority trusts portalKey.publicJwk\n` : ''}
// The sender: minimise under the profile, then seal to the authority${s.signed ? ' and sign' : ''}.
const { envelope, receipt } = minimiseAndSeal(payloadText, '${s.profile}', authority.publicJwk${sign});
// receipt.removed lists what was left out and why (paths and reasons, never values).

// The authority: decrypt, check who signed, check the payload against the policy in the header.
const { payload, signature, verification } = openAndVerify(envelope, authority.privateJwk${s.signed ? ',\n  { signers: [portalKey.publicJwk] }' : ''});
`;
}

export function cliCode(s) {
  const lines = [
    '# the authority, once: its key pair (publishes authority.pub.jwk)',
    'minseal keygen --out authority.jwk > authority.pub.jwk',
  ];
  if (s.signed) lines.push('# the portal, once: its signing key (the authority trusts portal.pub.jwk)', `minseal keygen --use sig --alg ${s.alg} --out portal.jwk > portal.pub.jwk`);
  lines.push('# the sender', `minseal seal --policy ${s.profile} --to authority.pub.jwk${s.signed ? ' --sign portal.jwk' : ''} --receipt receipt.json < payload.json > envelope.json`);
  lines.push('# the authority', `minseal open --key authority.jwk${s.signed ? ' --signer portal.pub.jwk' : ''} --verify < envelope.json > received.json`);
  return lines.join('\n');
}
