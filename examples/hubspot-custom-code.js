// A HubSpot Custom Code action written by hand on top of the SDK (Node.js 24; see the README's HubSpot
// section). Paste dist/hubspot/fml-sdk.js into the action first, then this code BELOW it. For the
// ready-made action, paste dist/hubspot/fml-hubspot-action.js instead — it does all of this and more.
/* global FmlSdk */
const { FmlClient, RetryableActionError, companyToCreateCase } = FmlSdk;

// Kept between runs of a warm Lambda, and so its access token. Made on the first run, not at load:
// a secret that is not ticked then shows up as this action's output instead of a crash at load.
let fml;

exports.main = async (event) => {
  let key = '';
  try {
    // FML_CLIENT_ID / FML_CLIENT_SECRET come from the action's secrets: add and tick both.
    fml ??= new FmlClient({ timeoutMs: 7000 });
    // Throws a ValidationError naming the Company property to fix (e.g. an empty kyb_contact_email).
    const { request, idempotencyKey } = companyToCreateCase(event.inputFields, { sendInvite: true });
    key = idempotencyKey; // "hubspot-<companyId>": every run for this Company sends the same key
    const { case: kase, replayed } = await fml.cases.create(request, { idempotencyKey: key, deadlineMs: 15000 });
    return {
      outputFields: { ok: true, caseId: kase.caseId, replayed: String(replayed), errorCode: '', errorMessage: '' },
    };
  } catch (error) {
    // Throttled, down or too slow: throw so HubSpot re-runs the action later (same key: no duplicate).
    const retry = RetryableActionError.from(error, key);
    if (retry) throw retry;
    // Anything else needs a person: a missing secret, bad Company data, a wrong secret or scope.
    const hint =
      error?.code === 'configuration_error'
        ? " In HubSpot: add the secret in this action's Secrets panel and tick it."
        : '';
    return {
      outputFields: {
        ok: false,
        caseId: '',
        replayed: '',
        errorCode: error?.code || 'unexpected_error',
        errorMessage: `${error?.message ?? error}${hint}`,
      },
    };
  }
};
