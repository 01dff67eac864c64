// Entry of dist/hubspot/fml-sdk.js: the SDK as one paste-able file, for admins writing their own action
// code below it (`const { FmlClient, idempotencyKey } = FmlSdk;`). The ready-made action (with REDIS_URL
// token sharing) is its own file, fml-hubspot-action.js, so this one carries no copy of it.
export { FmlClient, DEFAULT_BASE_URL } from '../../client';
export { idempotencyKey } from '../../idempotency';
export * from '../../errors';
export { companyToCreateCase } from '../company/company-to-case';
export { RetryableActionError } from '../custom-code/retry-error';
export { VERSION } from '../../version';
// For platforms that allow no dependency (n8n's Code node, …): a fetch over n8n's own HTTP helper. The
// webhook signature check is its own paste-ready file (verify-entry.ts → fml-verify.js): a node that
// verifies a delivery needs none of the client, and this file stays within its size guard.
export { n8nFetch } from '../../internal/connectors/n8n-fetch';
