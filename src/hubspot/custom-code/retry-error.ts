import { FmlApiError, FmlError, RateLimitWaitError } from '../../errors';

/** The axios-style `response` HubSpot looks for on a thrown error. */
export interface RetryResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  data: { error: string; message: string };
}

/**
 * Thrown by the Custom Code action when FML is throttling, failing or out of reach, so that HubSpot
 * re-runs the whole action later (after a minute at first, for up to three days). HubSpot's rule for
 * which errors it re-runs names axios and `@hubspot/api-client` errors and is otherwise undocumented,
 * so this error carries both shapes: `response.status` and `isAxiosError` like axios, `status` like
 * most HTTP clients. `code` stays the SDK's stable code (`rate_limited`, `server_error`, `timeout`,
 * `connection_error`). Re-runs are safe: every run sends the same Idempotency-Key.
 */
export class RetryableActionError extends FmlError {
  /** Always true: lets HubSpot's retry rule recognise this as an HTTP client error. */
  readonly isAxiosError = true;
  /** 429 for throttling; else FML's 5xx/408 status, or 503 when FML never answered. */
  readonly status: number;
  readonly response: RetryResponse;
  /** The Idempotency-Key the re-run will send again. */
  override readonly idempotencyKey: string;

  /**
   * The error to throw for `error` when a re-run later may succeed (FML throttling, failing, out of
   * reach or too slow), else undefined — then the failure is permanent, and the action should report
   * it in its outputs instead. For hand-written actions:
   *
   * @example
   * } catch (error) {
   *   const retry = RetryableActionError.from(error, key);
   *   if (retry) throw retry; // HubSpot re-runs the action later; the same key means no duplicate
   *   return { outputFields: { ok: false, errorCode: error.code ?? 'unexpected_error' } };
   * }
   */
  static from(error: unknown, idempotencyKey: string): RetryableActionError | undefined {
    // `this`, not the class name: a class body naming itself makes bundlers rename the class, and
    // `name` is what error classes are recognised by across copies of the SDK.
    // biome-ignore lint/complexity/noThisInStatic: the class name here is what bundlers rename (see above)
    if (error instanceof this) return error;
    return isTransient(error) ? new this(error, idempotencyKey) : undefined;
  }

  constructor(cause: FmlError, idempotencyKey: string) {
    const status = retryStatus(cause);
    // A throttle the deadline cut short is still a throttle: name the cause, not the cut.
    const code = status === 429 ? 'rate_limited' : cause.code;
    super(
      code,
      `FML could not take the case right now (${code}, HTTP ${status}): ${cause.message} HubSpot will re-run this action later; re-runs are safe, because every run sends Idempotency-Key ${idempotencyKey}.`,
      { cause },
    );
    this.status = status;
    this.idempotencyKey = idempotencyKey;
    const chain = chainOf(cause);
    const answered = chain.find((e): e is FmlApiError => e instanceof FmlApiError);
    const paced = chain.find((e): e is RateLimitWaitError => e instanceof RateLimitWaitError);
    // FML's own Retry-After, else (nothing was sent: the shared pacing had no slot) the pacer's wait.
    const retryAfter =
      answered?.headers['retry-after'] ?? (paced ? String(Math.ceil(paced.retryAfterMs / 1000)) : undefined);
    this.response = {
      status,
      statusText: status === 429 ? 'Too Many Requests' : 'Service Unavailable',
      headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
      data: { error: cause.code, message: cause.message },
    };
  }
}

/**
 * The status to report: a throttle anywhere in the chain (even one the deadline cut short) is 429;
 * else FML's own retryable status; else 503, the status of "the service could not be reached".
 */
export function retryStatus(error: unknown): number {
  const chain = chainOf(error);
  if (chain.some((e) => (e as FmlError).code === 'rate_limited' || (e as FmlError).code === 'rate_limit_wait'))
    return 429;
  const api = chain.find((e): e is FmlApiError => e instanceof FmlApiError && (e.status >= 500 || e.status === 408));
  return api?.status ?? 503;
}

/** The error and its causes, nearest first (a deadline error keeps the last real failure as its cause). */
function chainOf(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let e: unknown = error; e instanceof Error && chain.length < 5; e = (e as { cause?: unknown }).cause)
    chain.push(e);
  return chain;
}

/** Is this failure worth a re-run later (throttling, FML down, no answer in time)? */
export function isTransient(error: unknown): error is FmlError {
  if (!(error instanceof FmlError)) return false;
  // invalid_response: a 2xx that was not JSON (a proxy's page) — a re-run with the same key settles it.
  // rate_limit_wait: the fleet's shared pacing (REDIS_URL) had no slot within the budget; nothing was sent.
  if (
    ['rate_limited', 'rate_limit_wait', 'timeout', 'connection_error', 'server_error', 'invalid_response'].includes(
      error.code,
    )
  )
    return true;
  return error instanceof FmlApiError && (error.status === 408 || error.status >= 500);
}
