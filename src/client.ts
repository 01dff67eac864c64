import { TokenCache } from './auth/token-cache';
import { MemoryTokenStore, type StoredToken, type TokenStore } from './auth/token-store';
import { FmlConfigError, FmlError, NotFoundError, ValidationError } from './errors';
import { createLog, logLevelFromEnv, type LogLevel, type Logger } from './http/logger';
import { Transport, headerProblem, type HttpResponse, type RequestOptions } from './http/transport';
import { assertIdempotencyKey } from './idempotency';
import { Cases } from './resources/cases';
import { Events } from './resources/events';
import type { TokenResponse } from './types';
import type { RawRequestOptions, RequestArgs, RequestMethod, RequestPath, RequestResult } from './request-types';
import { checkPathSegment } from './resources/path';
import { VERSION } from './version';

/** The FML API's production address. */
export const DEFAULT_BASE_URL = 'https://www.firstmilelabs.com';

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
   * Time limit for each attempt, in ms.
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
   * Where access tokens are cached. Pass a shared store (e.g. `RedisTokenStore`) so a fleet of
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
   * Where the `FML_*` defaults are read from.
   * @default process.env (when there is a `process`)
   */
  env?: Record<string, string | undefined>;
}

const inspect = Symbol.for('nodejs.util.inspect.custom');

/**
 * The FML Public Cases API client. Create one per process and reuse it: it caches the access token,
 * so thousands of calls cost one token mint (FML allows 30 mints a minute).
 *
 * @example
 * const fml = new FmlClient(); // FML_CLIENT_ID / FML_CLIENT_SECRET from the environment
 * const { case: kase, replayed } = await fml.cases.create(
 *   { customerEmail: 'jane@acme.example', companyName: 'Acme Ltd', crmRecordId: '123', crmSource: 'hubspot', sendInvite: true },
 *   { idempotencyKey: idempotencyKey.forCrmRecord('hubspot', '123') },
 * );
 */
export class FmlClient {
  /** `/v1/cases`: create, get, list. */
  readonly cases: Cases;
  /** `/v1/events`: the event feed. */
  readonly events: Events;
  /** The API address in use. */
  readonly baseUrl: string;
  /** The API client id in use (not a secret). */
  readonly clientId: string;

  readonly #transport: Transport;
  readonly #tokens: TokenCache;

  constructor(options: FmlClientOptions = {}) {
    const env = options.env ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
    const clientId = (options.clientId ?? env.FML_CLIENT_ID)?.trim();
    const clientSecret = (options.clientSecret ?? env.FML_CLIENT_SECRET)?.trim();
    if (!clientId) throw new FmlConfigError('FmlClient needs an API client id: pass { clientId } or set the FML_CLIENT_ID environment variable.');
    if (!clientSecret) throw new FmlConfigError('FmlClient needs an API client secret: pass { clientSecret } or set the FML_CLIENT_SECRET environment variable.');
    const baseUrl = (options.baseUrl ?? env.FML_BASE_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    if (!/^https?:\/\/[^/\s]+/.test(baseUrl)) throw new FmlConfigError(`FmlClient baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}.`);
    if (/\/v\d+$/.test(baseUrl)) throw new FmlConfigError(`FmlClient baseUrl is the server's root, without the API version: use ${JSON.stringify(baseUrl.replace(/\/v\d+$/, ''))}, not ${JSON.stringify(baseUrl)}.`);
    const fetchFn = options.fetch ?? globalThis.fetch;
    if (typeof fetchFn !== 'function') throw new FmlConfigError('No fetch is available: use Node 20 or later, or pass { fetch }.');
    checkNumericOptions(options);
    const badHeader = headerProblem(options.defaultHeaders);
    if (badHeader) throw new FmlConfigError(`FmlClient option defaultHeaders: ${badHeader}.`);

    this.baseUrl = baseUrl;
    this.clientId = clientId;
    const envLevel = logLevelFromEnv(env);
    // FML_LOG alone turns logging on (to the console), the way one would debug a deployed process.
    const logger = options.logger ?? (envLevel && envLevel !== 'off' ? console : undefined);
    const log = createLog(logger, options.logLevel ?? envLevel ?? 'warn');
    this.#transport = new Transport({
      baseUrl,
      // Called unbound, a stored `fetch` throws "Illegal invocation" in some runtimes.
      fetch: (input, init) => fetchFn(input, init),
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 2,
      deadlineMs: options.deadlineMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 8_000,
      headers: { 'user-agent': `fml-cases-typescript/${VERSION}`, ...(options.defaultHeaders ?? {}) },
      signal: options.signal,
      log,
      auth: {
        token: () => this.#tokens.get(),
        forget: (token) => this.#tokens.invalidate(token),
      },
    });
    this.#tokens = new TokenCache({
      store: options.tokenStore ?? new MemoryTokenStore(),
      key: `fml-token:${baseUrl}:${clientId}`,
      skewMs: options.tokenSkewMs ?? 60_000,
      mint: async () => {
        log('info', `fml minting an access token for client ${clientId}`);
        return mintToken(this.#transport, clientId, clientSecret, baseUrl);
      },
    });
    this.cases = new Cases(this.#transport);
    this.events = new Events(this.#transport);
  }

  /**
   * Any operation in `openapi.yaml`, typed from it: path parameters, query, body and the 2xx body.
   * For endpoints the resource methods do not wrap yet. Retries follow the same rules (a POST only
   * with an `idempotencyKey`).
   *
   * Throws `ValidationError` when a path parameter is missing, empty, `.` or `..`.
   *
   * @example
   * const { data } = await fml.request('GET', '/v1/cases/{caseId}', { path: { caseId: 'CS-1' } });
   */
  async request<M extends RequestMethod, P extends RequestPath<M>>(method: M, pathTemplate: P, ...[options]: RequestArgs<M, P>): Promise<RequestResult<M, P>> {
    const { path: pathParams, query, body, idempotencyKey, ...requestOptions } = (options ?? {}) as RawRequestOptions<M, P> & { path?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown };
    const resolved = String(pathTemplate).replace(/\{([^}]+)\}/g, (_, name: string) => {
      const value = pathParams?.[name];
      if (value === undefined || value === null || value === '') throw new ValidationError({ fields: [{ field: `path.${name}`, message: `is required by ${method} ${String(pathTemplate)}` }] });
      return encodeURIComponent(checkPathSegment(`path.${name}`, String(value)));
    });
    const res: HttpResponse<unknown> = await this.#transport.send(
      { method, path: resolved, query, json: body, idempotencyKey: idempotencyKey === undefined ? undefined : assertIdempotencyKey(idempotencyKey), auth: true },
      requestOptions as RequestOptions,
    );
    return { data: res.data, status: res.status, headers: res.headers, requestId: res.requestId } as RequestResult<M, P>;
  }

  toJSON(): Record<string, unknown> {
    return { type: 'FmlClient', baseUrl: this.baseUrl, clientId: this.clientId };
  }

  [inspect](): string {
    return `FmlClient { baseUrl: '${this.baseUrl}', clientId: '${this.clientId}' }`;
  }
}

// setTimeout fires at once for delays past 2^31-1 ms (~24.8 days), so larger values are refused.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Every numeric option is a finite number in range; counts are whole; timeouts are positive. */
function checkNumericOptions(options: FmlClientOptions): void {
  const rules = { timeoutMs: 1, deadlineMs: 1, maxRetries: 0, maxRetryAfterMs: 0, retryBaseDelayMs: 0, retryMaxDelayMs: 0, tokenSkewMs: 0 } as const;
  for (const name of Object.keys(rules) as (keyof typeof rules)[]) {
    const v = options[name];
    if (v === undefined) continue;
    const whole = name === 'maxRetries';
    if (typeof v !== 'number' || !Number.isFinite(v) || v < rules[name] || v > MAX_TIMER_MS || (whole && !Number.isInteger(v))) {
      throw new FmlConfigError(`FmlClient option ${name} must be ${whole ? 'a whole number' : 'a number'} from ${rules[name]} to ${MAX_TIMER_MS}, got ${String(v)}.`);
    }
  }
}

/** `POST /v1/oauth/token` with the client-credentials grant. Safe to retry: a second mint is harmless. */
async function mintToken(transport: Transport, clientId: string, clientSecret: string, baseUrl: string): Promise<StoredToken> {
  const issuedAt = Date.now();
  let res;
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
    if (error instanceof NotFoundError) throw new FmlConfigError(`There is no FML token endpoint at ${baseUrl}/v1/oauth/token (404): check baseUrl / FML_BASE_URL — it is the server's root, e.g. ${DEFAULT_BASE_URL}.`);
    throw error;
  }
  const { access_token: accessToken, expires_in: expiresIn, scope } = res.data ?? ({} as TokenResponse);
  if (typeof accessToken !== 'string' || accessToken === '') throw new FmlError('invalid_response', 'FML answered the token request without an access_token.');
  const lifetimeS = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 3600;
  return { accessToken, issuedAt, expiresAt: issuedAt + lifetimeS * 1000, ...(typeof scope === 'string' ? { scope } : {}) };
}
