// Entry of dist/hubspot/fml-sdk.js: the SDK as one paste-able file, for admins writing their own action
// code below it (`const { FmlClient, idempotencyKey } = FmlSdk;`).
export { FmlClient, DEFAULT_BASE_URL } from '../../client';
export { idempotencyKey } from '../../idempotency';
export * from '../../errors';
export { companyToCreateCase } from '../company/company-to-case';
export { hubspotCustomCodeAction } from '../custom-code/action';
export { RetryableActionError } from '../custom-code/retry-error';
export { VERSION } from '../../version';
