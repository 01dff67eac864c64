import type { TokenStore } from './internal/auth/token-store';
import type { Clock } from './internal/engine/clock';
import type { EngineHooks } from './internal/engine/hooks';
import type { LogLevel, Logger } from './internal/engine/logger';
import type { RateLimitOptions } from './internal/rate-limit/limiter';

/** Options for {@link FmlClient}. Every one is optional when the environment holds the credentials. */
export interface FmlClientOptions {
  /**
   * The API client id (`pk_live_…`), from FML → Compliance Configuration → Public Pull API.
   * @default process.env.FML_CLIENT_ID
   */
  clientId?: string;
  /**
   * The API client secret (`sk_live_…`). Held privately; never logged, inspected or serialised.
   * @default process.env.FML_CLIENT_SECRET
   */
  clientSecret?: string;
  /**
   * The API's address; point it at the sandbox (`startSandbox().url`) in tests.
   * @default process.env.FML_BASE_URL, else "https://www.firstmilelabs.com"
   */
  baseUrl?: string;
  /**
   * The `fetch` to send requests with (a proxy-aware one, or a test double that counts calls).
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Time limit for each attempt, in ms. An attempt is cut off (and its connection closed) after this long
   * at the earliest, and at most 1/50 of it (10 ms at most) later: attempts starting together share one
   * timer, which keeps the per-call cost low.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * Retries after the first attempt, for connection errors, timeouts, 408, 429 and 5xx.
   * A POST is only retried when it carries an Idempotency-Key (every `cases.create` does).
   * @default 2
   */
  maxRetries?: number;
  /**
   * Time limit for a whole call — all attempts, waits and the token mint — in ms.
   * @default undefined (bounded only by timeoutMs × attempts plus waits)
   */
  deadlineMs?: number;
  /**
   * The longest `Retry-After` the SDK will wait between attempts, in ms; longer asks are cut to this.
   * @default 60000
   */
  maxRetryAfterMs?: number;
  /**
   * First backoff delay between retries, in ms; doubles each retry, with up to 25% jitter.
   * @default 500
   */
  retryBaseDelayMs?: number;
  /**
   * Longest backoff delay between retries, in ms.
   * @default 8000
   */
  retryMaxDelayMs?: number;
  /**
   * Where access tokens are cached. Pass a shared store (e.g. `RedisTokenStore`, from `@firstmilelabs/cases/redis`) so a fleet of
   * processes mints one token instead of one each.
   * @default a new in-memory store for this client
   */
  tokenStore?: TokenStore;
  /**
   * A token is replaced this long before it expires, in ms (half its lifetime for very short tokens).
   * @default 60000
   */
  tokenSkewMs?: number;
  /**
   * Receives log lines; secrets are replaced by `***` before they get here. Debug lines include
   * request and response bodies, which hold personal data (customer emails): keep them out of shared logs.
   * @default console when FML_LOG is set, else none (no logging)
   */
  logger?: Logger;
  /**
   * `debug` logs every request and response; `info` retries and token mints; `warn` final failures.
   * @default process.env.FML_LOG, else "warn"
   */
  logLevel?: LogLevel;
  /**
   * Headers sent with every request (the SDK's own `Authorization` and `Idempotency-Key` win).
   * @default {}
   */
  defaultHeaders?: Record<string, string>;
  /**
   * Aborts every call of this client, e.g. on shutdown; each rejects with `FmlAbortError`.
   * @default none
   */
  signal?: AbortSignal;
  /**
   * Per-attempt observers (`onRequest`, `onResponse`, `onRetry`, `onError`), given the method, the URL
   * (no secrets), the status, the attempt number, its duration and FML's request id: enough for metrics.
   * A hook that throws is logged and never fails the call.
   * @default none
   */
  hooks?: EngineHooks;
  /**
   * The clock the retry waits and the deadline arithmetic read (`now()` in epoch ms, `sleep(ms, signal)`).
   * For tests: one whose `sleep` resolves at once and moves `now` on checks backoff, `Retry-After` and
   * `deadlineMs` without waiting. Attempt timeouts (`timeoutMs`) and the token's expiry stay on real time.
   * @default the real clock (`Date.now`, `setTimeout`)
   */
  clock?: Clock;
  /**
   * Paces this client id's requests to FML's published limits, read strictly: no 60 s window ever holds
   * more than 120 API requests, nor more than 30 token requests (safe whether FML counts fixed minutes
   * or a sliding window). Every attempt, retries included, waits for a slot — but never past the call's
   * `deadlineMs`: when no slot can come in time the call fails at once with `RateLimitWaitError`, and
   * nothing is sent. A 429's `Retry-After` pauses every call sharing the store, not only the one that got it.
   *
   * The default store is this client's memory. For a fleet of processes sharing one client id, share a
   * `RedisRateLimitStore` from `@firstmilelabs/cases/redis` (one Lua script, Redis's clock for the whole fleet):
   * `rateLimit: { store: new RedisRateLimitStore(redis) }`. If the store fails (Redis down) requests are
   * sent unpaced, with a warning, and FML's 429 + `Retry-After` is the backstop. `false` turns pacing off.
   * @default \{ requests: \{ limit: 120, windowMs: 60000 \}, tokens: \{ limit: 30, windowMs: 60000 \} \} in this client's memory
   */
  rateLimit?: RateLimitOptions | false;
  /**
   * Where the `FML_*` defaults are read from.
   * @default process.env (when there is a `process`)
   */
  env?: Record<string, string | undefined>;
}
