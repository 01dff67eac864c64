// n8n Code node (JavaScript, "Run Once for All Items") after a Webhook node that receives FML's
// webhooks with its "Raw Body" option on. Paste dist/hubspot/fml-verify.js (FML's signature check as
// one small dependency-free file) first, then this BELOW it. Verifies X-FML-Signature over the exact
// bytes FML sent, then hands the parsed event on. Needs no `crypto` module: without one, fml-verify.js
// computes the HMAC in plain JavaScript.
/* global FmlVerify, $input, $vars, helpers */
const { verifySignature } = FmlVerify;

const out = [];
for (const [i, item] of $input.all().entries()) {
  // With "Raw Body", n8n keeps the body as binary data (property "data"); the JSON it parsed would not
  // verify. Bytes that crossed n8n's task runner may arrive as { type: 'Buffer', data: [...] }.
  const got = await helpers.getBinaryDataBuffer(i, 'data');
  const raw = ArrayBuffer.isView(got) ? got : new Uint8Array(got.data);
  const signature = item.json.headers['x-fml-signature'];
  if (!(await verifySignature(raw, signature, $vars.FML_WEBHOOK_SECRET))) {
    // Forged, or the wrong secret: fail the execution so nothing acts on it (FML sees a non-2xx and retries).
    throw new Error('FML webhook signature does not match: check FML_WEBHOOK_SECRET');
  }
  const event = JSON.parse(new TextDecoder().decode(raw));
  // De-duplicate downstream on event.eventId: FML retries until it gets a 2xx, with the same eventId.
  out.push({ json: event });
}
return out;
