// The sending page of tests/js/browser/e2e.test.mjs: loads the register the test made, seals and
// signs an order to XB's service provider picked from it, POSTs it to the receiving service
// (crates/receiver, through the test server), and verifies the signed acknowledgement it answers
// with against the register. Writes what happened as JSON into #result.
import * as api from '/pkg/index.js';

const out = document.getElementById('result');
try {
  await api.init();
  const cfg = await (await fetch('/config.json')).json();
  const registers = api.Registers.load({ document: cfg.register, operators: cfg.operator });

  // Seals and signs as `sender`; POSTs `body(envelope)`; verifies the answer's acknowledgement.
  async function send(sender, envelope, body = JSON.stringify(envelope)) {
    const res = await fetch('/envelopes', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const answer = await res.json();
    const expected = { messageId: envelope.header.message_id, recipientKids: envelope.header.recipients };
    let ack;
    try {
      const v = api.verifyAck(answer.ack, registers, expected);
      ack = { outcome: v.outcome, code: v.code, signer: v.signer.name, party: v.signer.party };
    } catch (e) {
      ack = { refused: e.code ?? String(e) };
    }
    return { status: res.status, error: answer.error ?? null, signer: answer.signer?.id ?? null, ack };
  }
  const seal = async (sender) => (await api.minimiseAndSealAsync(cfg.order, '2ap/art7-order',
    { party: 'XB', role: 'service_provider' }, { registers, sign: sender })).envelope;

  const envelope = await seal(cfg.senders.accepted);
  const results = { recipients: envelope.header.recipients.length };
  results.accepted = await send(cfg.senders.accepted, envelope);
  // The same bytes again: the receiver's idempotent answer, with a fresh acknowledgement. (A
  // replay in other bytes needs the binary form of the same envelope, which the JS API does not
  // convert to; crates/receiver/tests/register.rs covers that 409.)
  results.again = await send(cfg.senders.accepted, envelope);
  results.revoked = await send(cfg.senders.revoked, await seal(cfg.senders.revoked));
  out.textContent = JSON.stringify(results);
} catch (e) {
  out.textContent = JSON.stringify({ failed: `${e.code ?? e.name}: ${e.message}` });
}
