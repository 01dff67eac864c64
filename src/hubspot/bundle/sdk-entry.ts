// Entry of dist/hubspot/fml-sdk.js: the SDK as one paste-able file, for admins writing their own action
// code below it (`const { FmlClient, idempotencyKey } = FmlSdk;`). The ready-made action (with REDIS_URL
// token sharing) is its own file, fml-hubspot-action.js, so this one carries no copy of it.
export { FmlClient, DEFAULT_BASE_URL } from '../../client';
export { idempotencyKey } from '../../idempotency';
export * from '../../errors';
export { companyToCreateCase } from '../company/company-to-case';
export { RetryableActionError } from '../custom-code/retry-error';
export { VERSION } from '../../version';
