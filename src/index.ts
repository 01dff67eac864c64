// Public entry: `@firstmilelabs/cases`.
export { FmlClient, DEFAULT_BASE_URL, type FmlClientOptions } from './client';
export { createFmlFetch } from './internal/engine/fml';
export type { EngineHooks as Hooks, AttemptInfo } from './internal/engine/hooks';
export type { Clock } from './internal/engine/clock';
export { idempotencyKey, assertIdempotencyKey, MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency';
export { MemoryTokenStore, type TokenStore, type StoredToken } from './internal/auth/token-store';
export type { Logger, LogLevel } from './internal/engine/logger';
export type { RequestOptions } from './internal/engine/fml-transport';
export type {
  Cases,
  CreateCaseOptions,
  CreateCaseResult,
  ListCasesParams,
  Replayed,
  SetCrmRecordIdOptions,
} from './internal/resources/cases';
export type { Events, ListEventsParams } from './internal/resources/events';
export type { RecordDispositionOptions, Screening } from './internal/resources/screening';
export { CursorList, type Page } from './internal/resources/pagination';
export {
  FmlError,
  FmlConfigError,
  FmlApiError,
  BadRequestError,
  InvalidClientError,
  AuthenticationError,
  InsufficientScopeError,
  InvalidResponseError,
  PermissionDeniedError,
  NotFoundError,
  IdempotencyKeyConflictError,
  ConflictError,
  RateLimitError,
  RateLimitWaitError,
  ServerError,
  ValidationError,
  FmlConnectionError,
  FmlTimeoutError,
  FmlAbortError,
  type FieldError,
  type ApiErrorInit,
  type LocalValidationInit,
} from './errors';
export {
  WebhookVerificationError,
  WebhookPayloadError,
  type WebhookVerificationReason,
  type PayloadIssue,
} from './webhooks/errors';
export type {
  Case,
  CreateCaseRequest,
  CaseList,
  EventList,
  FeedEvent,
  TokenResponse,
  ApiErrorBody,
  KnownCaseStatus,
  ScreeningDisposition,
  ScreeningDispositionRequest,
  SetCrmRecordIdRequest,
  components,
  operations,
  paths,
} from './types';
export { VERSION } from './version';
// Redis-backed stores (RedisTokenStore, RedisRateLimitStore, …) are their own entry, `@firstmilelabs/cases/redis`,
// so this one carries no Redis code.
export {
  RateLimiter,
  MemoryRateLimitStore,
  FML_LIMITS,
  type RateLimitOptions,
  type RateLimiterOptions,
  type RateLimitStore,
  type SlotRequest,
  type SlotAnswer,
  type Budget,
  type WindowRule,
  type Permit,
  type AcquireOptions,
} from './internal/rate-limit/index';
