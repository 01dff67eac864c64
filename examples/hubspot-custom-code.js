// A HubSpot Custom Code action written by hand on top of the SDK (Node.js 24; see the README's HubSpot
// section). Paste dist/hubspot/fml-sdk.js into the action first, then this code BELOW it. For the
// ready-made action, paste dist/hubspot/fml-hubspot-action.js instead — it does all of this and more.
/* global FmlSdk */
const { FmlClient, idempotencyKey, companyToCreateCase } = FmlSdk;

// Outside exports.main: a warm Lambda keeps the client, and so its access token, between runs.
const fml = new FmlClient({ timeoutMs: 7000 }); // FML_CLIENT_ID / FML_CLIENT_SECRET: tick both secrets

exports.main = async (event) => {
  // Throws a ValidationError naming the Company property to fix (e.g. an empty kyb_contact_email).
  const { request } = companyToCreateCase(event.inputFields, { sendInvite: true });
  const key = idempotencyKey.forCrmRecord('hubspot', request.crmRecordId); // "hubspot-<companyId>"
  try {
    const { case: kase, replayed } = await fml.cases.create(request, { idempotencyKey: key, deadlineMs: 15000 });
    return { outputFields: { ok: true, caseId: kase.caseId, replayed: String(replayed), errorCode: '' } };
  } catch (error) {
    // Throttled or down: re-throw with an HTTP status so HubSpot re-runs the action (same key: no duplicate).
    if (['rate_limited', 'server_error', 'timeout', 'connection_error'].includes(error.code)) {
      throw Object.assign(new Error(error.message), { response: { status: error.code === 'rate_limited' ? 429 : 503 }, isAxiosError: true });
    }
    return { outputFields: { ok: false, caseId: '', replayed: '', errorCode: error.code || 'unexpected_error' } };
  }
};
