import { FmlAbortError, FmlConfigError, FmlConnectionError, FmlTimeoutError, parseRetryAfter } from '../../errors';
import { linkSignals } from '../../http/abort';
import { backoffDelayMs, sleep } from '../../http/backoff';
import { parseBody } from '../../http/transport';
import { HubSpotApiError } from './errors';

/** HubSpot's API address. */
export const HUBSPOT_API_URL = 'https://api.hubapi.com';

/** How to reach HubSpot's CRM API. Shared by every write-back helper. */
export interface HubSpotConnectionOptions {
  /**
   * A private app access token (or an OAuth access token) for the portal, with the
   * `crm.objects.companies.read`/`.write` scopes (and `crm.schemas.companies.write` to create properties).
   * Held privately: never logged, never in an error.
   */
  accessToken: string;
  /**
   * HubSpot's API address; point it at `startFakeHubSpot().url` in tests.
   * @default "https://api.hubapi.com"
   */
  baseUrl?: string;
  /**
   * The `fetch` to send requests with.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Time limit for each attempt, in ms (HubSpot's own client has none).
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Retries after the first attempt, for connection errors, timeouts, 429 (except the daily limit) and 5xx.
   * @default 3
   */
  maxRetries?: number;
  /**
   * First backoff delay when HubSpot sends no `Retry-After`, in ms; doubles each retry, with jitter.
   * HubSpot's burst limit is a rolling ten-second window, so starting near a second pays off.
   * @default 1000
   */
  retryBaseDelayMs?: number;
  /**
   * The longest wait the SDK accepts between attempts, in ms. A `Retry-After` asking for longer ends the
   * call with the (retryable) 429 instead, so a webhook receiver can answer quickly and be redelivered.
   * @default 10000
   */
  maxRetryAfterMs?: number;
  /** Cancels the call, waits included. */
  signal?: AbortSignal;
}

/** A 2xx answer. */
export interface HubSpotResponse<T> {
  status: number;
  data: T;
}

/** Sends one logical request to HubSpot, with retries. `what` names it in errors ("PATCH company 123"). */
export type HubSpotSend = <T>(method: 'GET' | 'POST' | 'PATCH', path: string, body: unknown, what: string) => Promise<HubSpotResponse<T>>;

/** Checks the options and returns a sender that holds the token in its closure only. */
export function hubSpotSender(options: HubSpotConnectionOptions): HubSpotSend {
  const token = typeof options?.accessToken === 'string' ? options.accessToken.trim() : '';
  if (!token) throw new FmlConfigError('HubSpot write-back needs { accessToken }: a private app token for the portal.');
  const baseUrl = (options.baseUrl ?? HUBSPOT_API_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(baseUrl)) throw new FmlConfigError(`HubSpot baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}.`);
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') throw new FmlConfigError('No fetch is available: use Node 20 or later, or pass { fetch }.');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRetries = options.maxRetries ?? 3;
  const baseDelay = options.retryBaseDelayMs ?? 1000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 10_000;
  for (const [name, v] of [['timeoutMs', timeoutMs], ['maxRetries', maxRetries], ['retryBaseDelayMs', baseDelay], ['maxRetryAfterMs', maxRetryAfterMs]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new FmlConfigError(`HubSpot option ${name} must be a number ≥ 0, got ${String(v)}.`);
  }
  const outer = options.signal;

  return async function send<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body: unknown, what: string): Promise<HubSpotResponse<T>> {
    for (let retry = 0; ; retry++) {
      if (outer?.aborted) throw new FmlAbortError();
      let failure: Error;
      let waitMs: number | undefined;
      const attempt = linkSignals([outer]);
      const timer = setTimeout(() => attempt.abort(new FmlTimeoutError(`HubSpot did not answer ${what} within ${timeoutMs} ms.`)), timeoutMs);
      try {
        const res = await fetchFn(`${baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: attempt.signal,
        });
        const text = await res.text();
        const data = parseBody(text);
        if (res.ok) return { status: res.status, data: data as T };
        const error = new HubSpotApiError({ status: res.status, body: data, headers: res.headers, what, secret: token });
        if (!error.retryable) throw error;
        failure = error;
        const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
        if (retryAfter !== undefined) {
          if (retryAfter > maxRetryAfterMs) throw error;
          waitMs = retryAfter;
        }
      } catch (error) {
        if (error instanceof HubSpotApiError) throw error;
        if (outer?.aborted) throw new FmlAbortError(undefined, { cause: error });
        failure = attempt.signal.aborted ? (attempt.signal.reason as FmlTimeoutError) : new FmlConnectionError(`Could not reach HubSpot for ${what}.`, { cause: error });
      } finally {
        clearTimeout(timer);
        attempt.dispose();
      }
      if (retry >= maxRetries) throw failure;
      await sleep(waitMs ?? backoffDelayMs(retry, baseDelay, Math.max(baseDelay, 16_000)), outer).catch((e: unknown) => {
        throw new FmlAbortError(undefined, { cause: e });
      });
    }
  };
}
