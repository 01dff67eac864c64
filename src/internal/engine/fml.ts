import { TokenCache } from '../auth/token-cache';
import { MemoryTokenStore, type StoredToken } from '../auth/token-store';
import { FmlConfigError, InvalidResponseError, NotFoundError } from '../../errors';
import { MAX_TIMER_MS } from '../timers';
import type { FmlClientOptions } from '../../options';
import type { TokenResponse } from '../../types';
import { VERSION } from '../../version';
import { Engine } from './engine';
import type { Pacer } from './engine-types';
import { hooksProblem } from './hooks';
import { createLog, logLevelFromEnv, type LogFn } from './logger';
import { fetchOver } from './fml-fetch';
import { fmlErrorOf, headerProblem, Transport } from './fml-transport';
import { operationOf } from './operation-of';
import { defaultPacer } from '../rate-limit/default-pacer';

// FML's profile of the engine: options checked once, the token cache, and the token mint.

/** The FML API's production address. */
export const DEFAULT_BASE_URL = 'https://www.firstmilelabs.com';

/**
 * @internal What a client is made of: its checked settings and a transport that holds the token cache.
 * `FmlClient` wraps it. Throws `FmlConfigError` for unusable options, as the client's constructor does.
 */
export function clientTransport(options: FmlClientOptions): {
  baseUrl: string;
  clientId: string;
  transport: Transport;
} {
  const env =
    options.env ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const clientId = (options.clientId ?? env.FML_CLIENT_ID)?.trim();
  const clientSecret = (options.clientSecret ?? env.FML_CLIENT_SECRET)?.trim();
  if (!clientId)
    throw new FmlConfigError(
      'FmlClient needs an API client id: pass { clientId } or set the FML_CLIENT_ID environment variable.',
    );
  if (!clientSecret)
    throw new FmlConfigError(
      'FmlClient needs an API client secret: pass { clientSecret } or set the FML_CLIENT_SECRET environment variable.',
    );
  const baseUrl = checkBaseUrl(options.baseUrl ?? env.FML_BASE_URL ?? DEFAULT_BASE_URL);
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function')
    throw new FmlConfigError('No fetch is available: use Node 20 or later, or pass { fetch }.');
  checkNumericOptions(options);
  const badHeader = headerProblem(options.defaultHeaders);
  if (badHeader) throw new FmlConfigError(`FmlClient option defaultHeaders: ${badHeader}.`);
  const badHooks = hooksProblem(options.hooks);
  if (badHooks) throw new FmlConfigError(`FmlClient option ${badHooks}.`);
  const clock = options.clock;
  if (clock !== undefined && (typeof clock?.now !== 'function' || typeof clock.sleep !== 'function'))
    throw new FmlConfigError('FmlClient option clock must have now() and sleep(ms, signal) functions.');

  const envLevel = logLevelFromEnv(env);
  // FML_LOG alone turns logging on (to the console), the way one would debug a deployed process.
  const logger = options.logger ?? (envLevel && envLevel !== 'off' ? console : undefined);
  const log = createLog(logger, options.logLevel ?? envLevel ?? 'warn');
  // Built here, not in tokenTransport: the paste-ready HubSpot action calls tokenTransport directly.
  const pacer = defaultPacer(options, clientId, log);
  return {
    baseUrl,
    clientId,
    transport: tokenTransport({ ...options, clientId, clientSecret, baseUrl, fetch: fetchFn }, log, pacer),
  };
}

/** @internal `baseUrl` without trailing slashes; `FmlConfigError` when it cannot be the API's root address. */
export function checkBaseUrl(raw: string): string {
  const baseUrl = raw.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(baseUrl))
    throw new FmlConfigError(`FmlClient baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}.`);
  if (/\/v\d+$/.test(baseUrl))
    throw new FmlConfigError(
      `FmlClient baseUrl is the server's root, without the API version: use ${JSON.stringify(baseUrl.replace(/\/v\d+$/, ''))}, not ${JSON.stringify(baseUrl)}.`,
    );
  return baseUrl;
}

/** @internal Options {@link tokenTransport} takes: checked, with the credentials, address and fetch resolved. */
export type ResolvedClientOptions = FmlClientOptions & {
  clientId: string;
  clientSecret: string;
  baseUrl: string;
  fetch: typeof globalThis.fetch;
};

/**
 * @internal The transport, with a token cache minting through it, for options already checked (the
 * client's defaults are applied here). The HubSpot action, which checks its own settings, calls it directly.
 */
export function tokenTransport(options: ResolvedClientOptions, log: LogFn, pacer?: Pacer): Transport {
  const { clientId, clientSecret, baseUrl, fetch: fetchFn } = options;
  const engine: Engine = new Engine({
    service: 'FML',
    // Called unbound, a stored `fetch` throws "Illegal invocation" in some runtimes.
    fetch: (input, init) => fetchFn(input, init),
    timeoutMs: options.timeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 2,
    deadlineMs: options.deadlineMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    longRetryAfter: 'cap',
    retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
    retryMaxDelayMs: options.retryMaxDelayMs ?? 8_000,
    signal: options.signal,
    log,
    hooks: options.hooks,
    clock: options.clock,
    pacer,
    unreachable: () => `Could not reach FML at ${baseUrl}`,
    errorOf: fmlErrorOf,
    auth: {
      token: () => tokens.get(),
      peek: () => tokens.peek(),
      forget: (token) => tokens.invalidate(token),
    },
  });
  const transport: Transport = new Transport(engine, baseUrl, {
    'user-agent': `fml-cases-typescript/${VERSION}`,
    ...(options.defaultHeaders ?? {}),
  });
  const tokens: TokenCache = new TokenCache({
    store: options.tokenStore ?? new MemoryTokenStore(),
    key: `fml-token:${baseUrl}:${clientId}`,
    skewMs: options.tokenSkewMs ?? 60_000,
    mint: async () => {
      log('info', `fml minting an access token for client ${clientId}`);
      return mintToken(transport, clientId, clientSecret, baseUrl);
    },
  });
  return transport;
}

/**
 * A `fetch` that adds the FML token (minted, cached and refreshed as {@link FmlClient} does) and the
 * client's resilience — timeouts, deadline, retries with the same Idempotency-Key, `Retry-After`, one
 * re-mint on 401, hooks, OpenTelemetry — for openapi-fetch, or for an FML path the SDK does not wrap yet.
 * Takes the same options as `FmlClient`; throws `FmlConfigError` for unusable ones. Error answers come
 * back as `Response`s (after retries), as with fetch; only the connection failing rejects.
 *
 * @example
 * import createClient from 'openapi-fetch';
 * import { createFmlFetch, type paths } from '@firstmilelabs/cases';
 * const api = createClient<paths>({ baseUrl: 'https://www.firstmilelabs.com', fetch: createFmlFetch() });
 * const { data, error } = await api.GET('/v1/cases/{caseId}', { params: { path: { caseId } } });
 */
export function createFmlFetch(
  options: FmlClientOptions = {},
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return fetchOver(clientTransport(options).transport, operationOf);
}

/** Every numeric option is a finite number in range; counts are whole; timeouts are positive. */
function checkNumericOptions(options: FmlClientOptions): void {
  // setTimeout fires at once for delays past 2^31-1 ms (~24.8 days), so larger values are refused.
  const rules = {
    timeoutMs: 1,
    deadlineMs: 1,
    maxRetries: 0,
    maxRetryAfterMs: 0,
    retryBaseDelayMs: 0,
    retryMaxDelayMs: 0,
    tokenSkewMs: 0,
  } as const;
  for (const name of Object.keys(rules) as (keyof typeof rules)[]) {
    const v = options[name];
    if (v === undefined) continue;
    const whole = name === 'maxRetries';
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      v < rules[name] ||
      v > MAX_TIMER_MS ||
      (whole && !Number.isInteger(v))
    ) {
      throw new FmlConfigError(
        `FmlClient option ${name} must be ${whole ? 'a whole number' : 'a number'} from ${rules[name]} to ${MAX_TIMER_MS}, got ${String(v)}.`,
      );
    }
  }
}

/** `POST /v1/oauth/token` with the client-credentials grant. Safe to retry: a second mint is harmless. */
async function mintToken(
  transport: Transport,
  clientId: string,
  clientSecret: string,
  baseUrl: string,
): Promise<StoredToken> {
  const issuedAt = Date.now();
  let res: Awaited<ReturnType<typeof transport.send<TokenResponse>>>;
  try {
    res = await transport.send<TokenResponse>({
      method: 'POST',
      path: '/v1/oauth/token',
      json: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
      auth: false,
      retrySafe: true,
    });
  } catch (error) {
    // A 404 here is never "unknown id": the address is wrong.
    if (error instanceof NotFoundError)
      throw new FmlConfigError(
        `There is no FML token endpoint at ${baseUrl}/v1/oauth/token (404): check baseUrl / FML_BASE_URL — it is the server's root, e.g. ${DEFAULT_BASE_URL}.`,
      );
    throw error;
  }
  const { access_token: accessToken, expires_in: expiresIn, scope } = res.data ?? ({} as TokenResponse);
  // Checked here rather than against the spec's shape: a mint without expires_in or token_type still works.
  if (typeof accessToken !== 'string' || accessToken === '')
    throw new InvalidResponseError({
      status: res.status,
      requestId: res.requestId,
      operation: 'POST /v1/oauth/token',
      problems: ['access_token: is required'],
    });
  const lifetimeS = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 3600;
  return {
    accessToken,
    issuedAt,
    expiresAt: issuedAt + lifetimeS * 1000,
    ...(typeof scope === 'string' ? { scope } : {}),
  };
}
