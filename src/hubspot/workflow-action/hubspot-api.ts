import { FmlConfigError, FmlConnectionError, FmlTimeoutError, parseRetryAfter } from '../../errors';
import { backoffDelayMs, sleep } from '../../http/backoff';
import { parseBody } from '../../http/transport';
import { HubSpotApiError } from '../crm/errors';

/** HubSpot's API address. */
export const HUBSPOT_API_BASE_URL = 'https://api.hubapi.com';

/** How the automation API is called. */
export interface HubSpotAutomationHttpOptions {
  /**
   * HubSpot's API address; point it at `startFakeHubSpotAutomation().url` in tests.
   * @default "https://api.hubapi.com"
   */
  baseUrl?: string;
  /**
   * The `fetch` to send requests with.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Time limit for each attempt, in ms.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Retries after the first attempt, for connection errors, timeouts, 429 (except the daily limit) and 5xx.
   * @default 4
   */
  maxRetries?: number;
  /**
   * First backoff delay when HubSpot sends no `Retry-After`, in ms; doubles each retry, with jitter.
   * @default 1000
   */
  retryBaseDelayMs?: number;
  /**
   * The longest `Retry-After` honoured, in ms. A longer one ends the call with the (retryable) error, so
   * the caller — an FML webhook delivery — can fail fast and be redelivered later instead of hanging.
   * @default 30000
   */
  maxRetryAfterMs?: number;
}

/** A credential: an app or private-app access token (Bearer), or a developer API key (`hapikey`). */
export type HubSpotCredential = { accessToken: string } | { developerApiKey: string };

/** Sends one logical request, with retries. */
export type AutomationSend = <T>(method: 'GET' | 'POST' | 'PATCH', path: string, body: unknown, what: string) => Promise<{ status: number; data: T }>;

/**
 * A sender for HubSpot's automation API. The credential lives in this closure only: it is never part
 * of an error (HubSpot's message is scrubbed of it in case it is echoed) and never logged.
 */
export function automationSender(credential: HubSpotCredential, options: HubSpotAutomationHttpOptions = {}): AutomationSend {
  const token = 'accessToken' in credential ? credential.accessToken?.trim() : undefined;
  const apiKey = 'developerApiKey' in credential ? credential.developerApiKey?.trim() : undefined;
  const secret = token || apiKey;
  if (!secret) throw new FmlConfigError('HubSpot needs a credential: an access token (app OAuth or private app) or a developer API key.');
  const baseUrl = (options.baseUrl ?? HUBSPOT_API_BASE_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(baseUrl)) throw new FmlConfigError(`HubSpot baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}.`);
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') throw new FmlConfigError('No fetch is available: use Node 20 or later, or pass { fetch }.');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRetries = options.maxRetries ?? 4;
  const baseDelay = options.retryBaseDelayMs ?? 1000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  for (const [name, v] of [['timeoutMs', timeoutMs], ['maxRetries', maxRetries], ['retryBaseDelayMs', baseDelay], ['maxRetryAfterMs', maxRetryAfterMs]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new FmlConfigError(`HubSpot option ${name} must be a number ≥ 0, got ${String(v)}.`);
  }

  return async function send<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body: unknown, what: string) {
    const url = apiKey ? `${baseUrl}${path}${path.includes('?') ? '&' : '?'}hapikey=${encodeURIComponent(apiKey)}` : `${baseUrl}${path}`;
    const headers: Record<string, string> = { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    for (let retry = 0; ; retry++) {
      let failure: Error;
      let waitMs: number | undefined;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        const res = await fetchFn(url, { method, headers, body: payload, signal: controller.signal });
        const data = parseBody(await res.text());
        if (res.ok) return { status: res.status, data: data as T };
        const error = new HubSpotApiError({ status: res.status, body: data, headers: res.headers, what, secret });
        if (!error.retryable) throw error;
        failure = error;
        waitMs = parseRetryAfter(res.headers.get('retry-after'));
        if (waitMs !== undefined && waitMs > maxRetryAfterMs) throw error;
      } catch (error) {
        if (error instanceof HubSpotApiError) throw error;
        // The fetch error is not kept as `cause`: with a developer key its message could quote the URL.
        failure = controller.signal.aborted ? new FmlTimeoutError(`HubSpot did not answer ${what} within ${timeoutMs} ms.`) : new FmlConnectionError(`Could not reach HubSpot for ${what}.`);
      } finally {
        clearTimeout(timer);
      }
      if (retry >= maxRetries) throw failure;
      await sleep(waitMs ?? backoffDelayMs(retry, baseDelay, Math.max(baseDelay, 16_000)));
    }
  };
}
