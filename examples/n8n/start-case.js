// n8n Code node (JavaScript, "Run Once for All Items"): start an FML KYB case for every incoming item.
// Paste dist/hubspot/fml-sdk.js (the whole SDK as one dependency-free file) into the node first, then
// this code BELOW it. Nothing here needs an npm module, process.env, the filesystem or a global fetch,
// none of which n8n's Code node offers by default. See docs/connectors/n8n.md.
/* global FmlSdk, $input, $vars, helpers */
const { FmlClient, idempotencyKey, n8nFetch, RateLimitError, ServerError, FmlConnectionError, FmlTimeoutError } = FmlSdk;

// The Code node has no fetch: the client sends through n8n's own HTTP helper. (fml-sdk.js makes this
// code strict, where `this` is undefined, so the helper is read from the node's `helpers` global.)
const fml = new FmlClient({
  // Credentials from n8n Variables ($vars), given explicitly: the client then reads no environment.
  // FML_BASE_URL is optional (a sandbox URL, say).
  clientId: $vars.FML_CLIENT_ID,
  clientSecret: $vars.FML_CLIENT_SECRET,
  ...($vars.FML_BASE_URL ? { baseUrl: $vars.FML_BASE_URL } : {}),
  fetch: n8nFetch(helpers.httpRequest),
  timeoutMs: 10000,
});

const out = [];
for (const item of $input.all()) {
  const c = item.json;
  let key = '';
  try {
    // "<crmSource>-<crmRecordId>": a re-run of this workflow sends the same key, and FML answers with
    // the case it already made instead of a second one.
    key = idempotencyKey.forCrmRecord(c.crmSource, c.crmRecordId);
    const { case: kase, replayed } = await fml.cases.create(
      { customerEmail: c.customerEmail, customerName: c.customerName, companyName: c.companyName, country: c.country, crmRecordId: String(c.crmRecordId), crmSource: c.crmSource, sendInvite: c.sendInvite ?? true },
      { idempotencyKey: key },
    );
    out.push({ json: { ok: true, caseId: kase.caseId, status: kase.status, replayed: String(replayed), idempotencyKey: key } });
  } catch (error) {
    // Throttled, down or too slow (after the client's own retries): fail the node, so n8n's
    // "Retry On Fail" runs it again later — with the same key, so no duplicate.
    if (error instanceof RateLimitError || error instanceof ServerError || error instanceof FmlConnectionError || error instanceof FmlTimeoutError) throw error;
    // Anything else needs a person (bad data, a wrong secret or scope): one output item says what.
    out.push({ json: { ok: false, idempotencyKey: key, errorCode: error.code || 'unexpected_error', errorMessage: error.message } });
  }
}
return out;
