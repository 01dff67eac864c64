// Public entry: @firstmilelabs/cases/webhooks — verify, parse, receive and de-duplicate FML webhooks.
// Runs on Node, Workers, Deno and Bun: node:crypto is used when present, WebCrypto otherwise.

export { assertSignature, assertSignatureSync, verifySignature, verifySignatureSync } from './verify';
export type { SignatureHeader, VerifyOptions, WebhookSecret } from './verify';
export type { CryptoEngine } from './hmac';
export type { RawBody } from './bytes';

export { isEvent, isKnownEvent, knownEventNames, parseEvent } from './parse';
export { constructEvent, signatureHeaderOf, SIGNATURE_HEADER } from './construct-event';
export type { ConstructEventOptions, HeadersLike } from './construct-event';
export type {
  AiReviewCompletedEvent,
  AiRiskFactor,
  CaseCreatedEvent,
  CaseDataPackageDeliveredEvent,
  CaseDecisionMadeEvent,
  CaseOnboardingProgressChangedEvent,
  CaseStatusChangedEvent,
  CaseSubmittedEvent,
  DataAmendment,
  DataCorrectedEvent,
  KnownEventName,
  KnownWebhookEvent,
  ScreeningCompletedEvent,
  ScreeningHitDetectedEvent,
  ScreeningHitTriagedEvent,
  ScreeningSummaryEntry,
  UnknownWebhookEvent,
  WebhookEvent,
  WebhookEventCommon,
  WebhookEventOf,
} from './schemas';

export { createWebhookHandler } from './handler';
export { createNodeWebhookHandler } from './node';
export type { NodeWebhookRequest, NodeWebhookResponse } from './node';
// The request/response shapes both Node adapters accept (also used by the HubSpot workflow action).
export type { NodeRequest, NodeResponse } from './http-adapter';
export type { WebhookErrorContext, WebhookHandlerOptions } from './delivery';
export { DEFAULT_MAX_BODY_BYTES, readRawBody, readRequestBody } from './raw-body';
export type { NodeBodyStream, ReadRawBodyOptions } from './raw-body';

export { createEventDeduper, createMemoryDedupeStore } from './dedupe';
export type {
  ClaimResult,
  DedupeOutcome,
  DedupeStore,
  EventDeduper,
  EventDeduperOptions,
  MemoryDedupeStoreOptions,
} from './dedupe';

export { WebhookPayloadError, WebhookVerificationError } from './errors';
export type { PayloadIssue, WebhookVerificationReason } from './errors';
// The Redis-backed de-duplication (createRedisEventDeduper, RedisDedupeStore) is in `@firstmilelabs/cases/redis`,
// so this entry, which runs on Workers, Deno and Bun, carries no Redis code.
