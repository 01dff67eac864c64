import type { FmlError } from '../../errors';
import type { Clock } from './clock';
import type { EngineHooks } from './hooks';
import type { LogFn } from './logger';

// What the engine sends and answers, and the profile that configures it per service (FML, HubSpot's
// CRM, HubSpot's automation API). The rules themselves live in ./engine.ts.

/** One logical request as the engine sends it: URL and headers final (the bearer token aside), the body resendable. */
export interface EngineRequest {
  method: string;
  /** The full URL. A secret in its query (`hapikey=…`) is masked wherever the URL is shown. */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body?: string | ArrayBuffer | Uint8Array<ArrayBuffer>;
  /**
   * May this request be sent again after a failure that may have reached the server?
   * @default true for GET, HEAD, OPTIONS, PUT and DELETE, and for any request with an Idempotency-Key
   */
  retrySafe?: boolean;
  /**
   * Attach the profile's bearer token.
   * @default true (when the profile has `auth`)
   */
  auth?: boolean;
  /** Names the call in messages ("PATCH company 123"). @default the method and path */
  what?: string;
}

/** Per-call limits; each falls back to the profile's. */
export interface EngineCallOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
  deadlineMs?: number | undefined;
  /** An absolute time (epoch ms) the call may not run past, on top of `deadlineMs`. */
  deadlineAt?: number | undefined;
}

/** The final HTTP answer: a 2xx, or the last non-2xx once retrying is over. The body is read (under the attempt's timer). */
export interface EngineAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The server's `X-Request-Id`, when sent. */
  requestId: string | undefined;
  /** Retries made (0 when the first attempt answered). */
  retries: number;
}

/**
 * Everything that differs between the services the SDK calls (FML, HubSpot's CRM, HubSpot's automation
 * API): credentials, limits and what an answer means there. The rules themselves live in {@link Engine}.
 */
export interface EngineProfile {
  /** Who is called, in messages and telemetry: "FML", "HubSpot". */
  service: string;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  maxRetries: number;
  deadlineMs: number | undefined;
  /** The longest `Retry-After` honoured, in ms. */
  maxRetryAfterMs: number;
  /**
   * A `Retry-After` past `maxRetryAfterMs`: `'cap'` waits `maxRetryAfterMs` and tries again; `'give-up'`
   * ends the call at once with that answer, so a caller that must answer quickly (a webhook receiver) can.
   */
  longRetryAfter: 'cap' | 'give-up';
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Aborts every call (e.g. on shutdown). */
  signal: AbortSignal | undefined;
  log: LogFn;
  hooks: EngineHooks | undefined;
  /**
   * Supplies a bearer token; `forget` drops one the server refused (then one fresh token, one more try).
   * `peek`, when given, hands back a cached token synchronously, sparing the hot path an await.
   */
  auth?: { token(): Promise<string>; peek?(): string | undefined; forget(token: string): Promise<void> } | undefined;
  /** Which answers are worth another attempt, when not the default (408, 429, 5xx): HubSpot's daily limit is not. */
  retryableAnswer?: ((status: number, text: string) => boolean) | undefined;
  /** Answers the server gives before acting (HubSpot's 429): retried even when the request is not retry-safe. */
  refusedUnprocessed?: ((status: number) => boolean) | undefined;
  /** Keep a fetch failure as the error's `cause`; false when the URL holds a key the failure could quote. */
  keepNetworkCause?: boolean | undefined;
  /** The error an answer stands for (an FML `ServerError`, a `HubSpotApiError`): the cause named when a wait after it is cut short. */
  errorOf?: ((answer: EngineAnswer, req: EngineRequest) => FmlError) | undefined;
  /** Makes the attempt's connection-error message ("Could not reach FML at …"). */
  unreachable?: ((what: string | undefined) => string) | undefined;
  /** Waits and deadline arithmetic read time from it (tests inject one). @default {@link REAL_CLOCK} */
  clock?: Clock | undefined;
  /**
   * Paces the attempts to the service's rate limit (FML's `rateLimit` option): awaited just before each
   * attempt, retries included, and told of every `Retry-After` a 429 asks for. @default none
   */
  pacer?: Pacer | undefined;
}

/** The engine's one pacing hook: a slot before each attempt, and the server's 429 pauses. */
export interface Pacer {
  /**
   * Waits for a slot for this attempt, never past `deadlineAt`: when no slot can be had in time it throws
   * (`RateLimitWaitError`) at once. Aborts with `signal`. The permit is settled once the attempt is answered.
   */
  acquire(
    req: EngineRequest,
    limits: { deadlineAt: number; signal: AbortSignal | undefined; attemptTimeoutMs: number },
  ): Promise<PacerPermit>;
  /** The server answered 429 asking for `ms` of pause: every sender sharing the pacer holds off that long. */
  retryAfter(req: EngineRequest, ms: number): Promise<void>;
}

/** A slot taken for one attempt. */
export interface PacerPermit {
  /** The attempt was answered: it reached the server by now. */
  settle(): Promise<void>;
}

const RETRY_SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** The one rule for "may this be sent twice": an idempotent method (RFC 9110), or an Idempotency-Key. */
export function isRetrySafe(req: EngineRequest): boolean {
  return req.retrySafe ?? (RETRY_SAFE_METHODS.has(req.method) || req.headers['idempotency-key'] !== undefined);
}
