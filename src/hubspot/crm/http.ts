import { Engine, parseBody } from '../../internal/engine/engine';
import type { Clock } from '../../internal/engine/clock';
import type { EngineHooks } from '../../internal/engine/hooks';
import { createLog } from '../../internal/engine/logger';
import { FmlConfigError } from '../../errors';
import { HubSpotApiError } from './errors';

/** HubSpot's API address. */
export const HUBSPOT_API_URL = 'https://api.hubapi.com';

/** How HubSpot's API is called: the same settings for the CRM write-back and the workflow action. */
export interface HubSpotHttpOptions {
  /**
   * HubSpot's API address; point it at `startFakeHubSpot().url` or `startFakeHubSpotAutomation().url` in tests.
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
   * Retries after the first attempt. A 429 (except the daily limit) is always retried — HubSpot refused
   * it unprocessed; 5xx, timeouts and connection errors only for calls that are safe to repeat.
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
  /**
   * Total time for one call — every attempt and every wait — in ms, > 0. A retry whose wait would not fit
   * is not started: the call ends at once with the failure that prompted it.
   * @default undefined (no total limit: `timeoutMs` per attempt and `maxRetries` bound the call)
   */
  deadlineMs?: number;
  /**
   * Cancels the call, waits included (rejects with `FmlAbortError`, or with the signal's reason when it
   * is an SDK error such as `FmlTimeoutError`).
   * @default undefined (not cancellable)
   */
  signal?: AbortSignal;
  /**
   * Per-attempt observers, as FmlClient's `hooks` (`service` is `"HubSpot"`; the URL never holds the key).
   * @default none
   */
  hooks?: EngineHooks;
  /**
   * The clock the retry waits and the deadline arithmetic read, as FmlClient's `clock` (for tests).
   * @default the real clock (`Date.now`, `setTimeout`)
   */
  clock?: Clock;
}

/** How to reach HubSpot's CRM API. Shared by every write-back helper. */
export interface HubSpotConnectionOptions extends HubSpotHttpOptions {
  /**
   * A private app access token (or an OAuth access token) for the portal, with the
   * `crm.objects.companies.read`/`.write` scopes (and `crm.schemas.companies.write` to create properties).
   * Held privately: never logged, never in an error.
   */
  accessToken: string;
}

/** A credential: an app or private-app access token (Bearer), or a developer API key (`hapikey`). */
export type HubSpotCredential = { accessToken: string } | { developerApiKey: string };

/** The HTTP methods the SDK sends to HubSpot. */
export type HubSpotMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Per-call settings of a {@link HubSpotSend}. */
export interface HubSpotCallOptions {
  /**
   * Whether sending the request twice does no harm, so a 5xx, a timeout or a dropped connection may be
   * retried (HubSpot may have acted on the first).
   * @default true for GET, PUT, PATCH and DELETE; false for POST
   */
  idempotent?: boolean;
  /**
   * What a 403 means for this call — which scope or key it needs.
   * @default the sender's hint for the path
   */
  forbiddenHint?: string;
}

/** A 2xx answer. */
export interface HubSpotResponse<T> {
  status: number;
  data: T;
}

/** Sends one logical request to HubSpot, with retries. `what` names it in errors ("PATCH company 123"). */
export type HubSpotSend = <T>(
  method: HubSpotMethod,
  path: string,
  body: unknown,
  what: string,
  call?: HubSpotCallOptions,
) => Promise<HubSpotResponse<T>>;

/** What differs between the APIs sharing the sender: defaults, and what a 403 or a repeat means there. */
export interface HubSpotApiProfile {
  maxRetries: number;
  maxRetryAfterMs: number;
  /** The 403 hint for a call. */
  forbiddenHint: (method: HubSpotMethod, path: string) => string;
  /** Whether a call is safe to repeat, when it does not say. */
  idempotent: (method: HubSpotMethod, path: string) => boolean;
  /** An absolute time (epoch ms, real clock) no call of this sender may run past. */
  deadlineAt?: number;
  /**
   * Retry refusals too (4xx other than 401, 403 and the daily limit), as when completing a callback
   * HubSpot has not yet seen BLOCKed; "already completed" is never retried.
   */
  retryRefusals?: boolean;
}

const byMethod = (method: HubSpotMethod): boolean => method !== 'POST';

/**
 * The one HubSpot sender: the credential (Bearer token or `hapikey`) lives in this closure only — never
 * in an error (HubSpot's message is scrubbed of it should it be echoed) and never logged. Each attempt
 * runs under `timeoutMs`; HubSpot's `Retry-After` is honoured up to `maxRetryAfterMs`, else backoff with
 * jitter; nothing waits past the deadline or after the signal fires.
 */
export function createHubSpotSender(
  credential: HubSpotCredential,
  options: HubSpotHttpOptions = {},
  profile: Partial<HubSpotApiProfile> = {},
): HubSpotSend {
  const token =
    'accessToken' in credential && typeof credential.accessToken === 'string' ? credential.accessToken.trim() : '';
  const apiKey =
    'developerApiKey' in credential && typeof credential.developerApiKey === 'string'
      ? credential.developerApiKey.trim()
      : '';
  const secret = token || apiKey;
  if (!secret)
    throw new FmlConfigError(
      'HubSpot needs a credential: an access token (app OAuth or private app) or a developer API key.',
    );
  const baseUrl = (options.baseUrl ?? HUBSPOT_API_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(baseUrl))
    throw new FmlConfigError(`HubSpot baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}.`);
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function')
    throw new FmlConfigError('No fetch is available: use Node 20 or later, or pass { fetch }.');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRetries = options.maxRetries ?? profile.maxRetries ?? 3;
  const baseDelay = options.retryBaseDelayMs ?? 1000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? profile.maxRetryAfterMs ?? 10_000;
  const deadlineMs = options.deadlineMs;
  for (const [name, v] of [
    ['timeoutMs', timeoutMs],
    ['maxRetries', maxRetries],
    ['retryBaseDelayMs', baseDelay],
    ['maxRetryAfterMs', maxRetryAfterMs],
    ['deadlineMs', deadlineMs ?? 0],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new FmlConfigError(`HubSpot option ${name} must be a number ≥ 0, got ${String(v)}.`);
  }
  // A zero budget would fail every call before it is sent: that is a mistake in the configuration, not a timeout.
  if (deadlineMs !== undefined && !(deadlineMs > 0))
    throw new FmlConfigError(`HubSpot option deadlineMs must be a number > 0, got ${String(deadlineMs)}.`);
  const forbiddenHint = profile.forbiddenHint ?? (() => 'The credential lacks a scope this call needs.');
  const idempotentByDefault = profile.idempotent ?? byMethod;
  const unauthorizedHint = token
    ? 'The access token is wrong, expired or revoked: use a private app token (or the OAuth token) of this portal.'
    : "The developer API key is wrong or was rotated: copy it again from the developer account's Keys page.";
  const engine = new Engine({
    service: 'HubSpot',
    fetch: (input, init) => fetchFn(input, init),
    timeoutMs,
    maxRetries,
    deadlineMs,
    maxRetryAfterMs,
    // A longer wait ends the call with the (retryable) 429, so a webhook receiver answers quickly and is redelivered.
    longRetryAfter: 'give-up',
    retryBaseDelayMs: baseDelay,
    retryMaxDelayMs: Math.max(baseDelay, 16_000),
    signal: options.signal,
    log: SILENT,
    hooks: options.hooks,
    clock: options.clock,
    retryableAnswer: (status, text) =>
      status === 429
        ? policyOf(text) !== 'DAILY'
        : status >= 500 || status === 408 || (profile.retryRefusals === true && isRefusal(status, text)),
    // A 429 was refused unprocessed, so it is always safe to send again; a 5xx may have been acted on.
    refusedUnprocessed: (status) => status === 429 || profile.retryRefusals === true,
    // With a developer key the fetch error could quote the URL, key included: it is not kept as `cause`.
    keepNetworkCause: !apiKey,
    errorOf: (answer, req) =>
      hubSpotError(answer, req.what ?? req.method, req.method as HubSpotMethod, new URL(req.url).pathname),
  });
  const hubSpotError = (
    answer: { status: number; text: string; headers: Headers },
    what: string,
    method: HubSpotMethod,
    path: string,
    forbidden?: string,
  ) =>
    new HubSpotApiError({
      status: answer.status,
      body: parseBody(answer.text),
      headers: answer.headers,
      what,
      secret,
      hints: { 401: unauthorizedHint, 403: forbidden ?? forbiddenHint(method, path) },
    });

  return async function send<T>(
    method: HubSpotMethod,
    path: string,
    body: unknown,
    what: string,
    call: HubSpotCallOptions = {},
  ): Promise<HubSpotResponse<T>> {
    const url = apiKey
      ? `${baseUrl}${path}${path.includes('?') ? '&' : '?'}hapikey=${encodeURIComponent(apiKey)}`
      : `${baseUrl}${path}`;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    const retrySafe = call.idempotent ?? idempotentByDefault(method, path);
    const answer = await engine.send(
      { method, url, headers, body: body === undefined ? undefined : JSON.stringify(body), retrySafe, what },
      { deadlineAt: profile.deadlineAt },
    );
    if (answer.status >= 200 && answer.status < 300)
      return { status: answer.status, data: parseBody(answer.text) as T };
    throw hubSpotError(answer, what, method, path, call.forbiddenHint);
  };
}

/** The SDK logs nothing of HubSpot's calls: their errors say what happened, hooks observe the rest. */
const SILENT = createLog(undefined, 'off');

/** HubSpot's `policyName` of a 429 body (`DAILY`, `TEN_SECONDLY_ROLLING`, …). */
function policyOf(text: string): string | undefined {
  const body = parseBody(text) as { policyName?: unknown } | undefined;
  return typeof body === 'object' && body !== null && typeof body.policyName === 'string' ? body.policyName : undefined;
}

/** A 4xx that is not about the credential, and not HubSpot saying the callback is already completed. */
function isRefusal(status: number, text: string): boolean {
  return (
    status >= 400 && status < 500 && status !== 401 && status !== 403 && !/already\s+(been\s+)?completed/i.test(text)
  );
}

/** The write-back's sender: `accessToken` from the options, CRM scopes in the 403 hint. */
export function hubSpotSender(options: HubSpotConnectionOptions): HubSpotSend {
  const token = typeof options?.accessToken === 'string' ? options.accessToken.trim() : '';
  if (!token) throw new FmlConfigError('HubSpot write-back needs { accessToken }: a private app token for the portal.');
  return createHubSpotSender({ accessToken: token }, options, {
    // Every CRM call the SDK makes may be repeated: PATCH sets the same values, GET and search read, and
    // a repeated property create answers 409, which ensureCompanyProperties counts as existing.
    idempotent: () => true,
    forbiddenHint: crmForbiddenHint,
  });
}

/** The CRM scope a call needs, for the 403 message. */
export function crmForbiddenHint(method: HubSpotMethod, path: string): string {
  if (path.startsWith('/crm/v3/properties/'))
    return 'The token lacks a scope: creating Company properties needs crm.schemas.companies.write.';
  const read = method === 'GET' || path.endsWith('/search');
  return `The token lacks a scope: the private app needs ${read ? 'crm.objects.companies.read' : 'crm.objects.companies.write'}.`;
}
