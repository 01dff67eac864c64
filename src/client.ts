import type { TokenStore } from './auth/token-store';
import { ValidationError } from './errors';
import { clientTransport } from './http/client-transport';
import type { LogLevel, Logger } from './http/logger';
import type { HttpResponse, RequestOptions, Transport } from './http/transport';
import { assertIdempotencyKey } from './idempotency';
import { Cases } from './resources/cases';
import { Events } from './resources/events';
import { operations } from '../generated/operations';
import { callOperation } from './resources/operation';
import { Screening } from './resources/screening';
import type { RawRequestOptions, RequestArgs, RequestMethod, RequestPath, RequestResult } from './request-types';
import { checkPathSegment } from './resources/path';

export { DEFAULT_BASE_URL } from './http/client-transport';

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
  /** Screening hits: record a disposition (`/v1/cases/{caseId}/screening/disposition`). */
  readonly screening: Screening;
  /** The API address in use. */
  readonly baseUrl: string;
  /** The API client id in use (not a secret). */
  readonly clientId: string;

  readonly #transport: Transport;

  constructor(options: FmlClientOptions = {}) {
    const { baseUrl, clientId, transport } = clientTransport(options);
    this.baseUrl = baseUrl;
    this.clientId = clientId;
    this.#transport = transport;
    this.cases = new Cases(transport);
    this.events = new Events(transport);
    this.screening = new Screening(transport);
  }

  /**
   * Any operation in `openapi.yaml`, typed from it: path parameters, query, body and the 2xx body.
   * For endpoints the resource methods do not wrap yet. Retries follow the same rules (a POST only
   * with an `idempotencyKey`).
   *
   * Throws `ValidationError` when a path parameter is missing, empty, `.` or `..`; like the resource
   * methods, `InvalidResponseError` when a 2xx body lacks what the spec requires for it, and an
   * `InsufficientScopeError` naming the scope the operation's `security` lists.
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
    const res: HttpResponse<unknown> = await callOperation(
      this.#transport,
      operations[`${method} ${String(pathTemplate)}`],
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
