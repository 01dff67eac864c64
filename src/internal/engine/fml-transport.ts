import type { OperationFacts } from '../../../generated/operations';
import { FmlApiError, FmlConfigError } from '../../errors';
import { checkedBody, withRequiredScope } from './contract';
import type { Engine } from './engine';
import { parseBody } from './engine';

/** Per-call options every SDK method takes. Each falls back to the client's option of the same name. */
export interface RequestOptions {
  /**
   * Cancels the call at once (including waits between retries); the call rejects with `FmlAbortError`.
   * @default none
   */
  signal?: AbortSignal;
  /**
   * Time limit for each attempt, in ms.
   * @default the client's `timeoutMs` (30000)
   */
  timeoutMs?: number;
  /**
   * Retries after the first attempt.
   * @default the client's `maxRetries` (2)
   */
  maxRetries?: number;
  /**
   * Time limit for the whole call — every attempt, every wait and the token mint — in ms.
   * @default the client's `deadlineMs` (none)
   */
  deadlineMs?: number;
  /**
   * Extra request headers (the SDK's own `Authorization` and `Idempotency-Key` win).
   * @default {}
   */
  headers?: Record<string, string>;
}

/** What the resources send. `path` is already encoded. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, unknown>;
  /** A JSON body. */
  json?: unknown;
  idempotencyKey?: string;
  /** Attach `Authorization: Bearer …` (everything but the token endpoint). */
  auth: boolean;
  /** May this request be sent again? Defaults to the engine's rule: GET, or any method with an Idempotency-Key. */
  retrySafe?: boolean;
  /**
   * The operation in openapi.yaml this request is (generated facts): its 2xx body is checked against the
   * spec and a 403 names the scope it needs. Without it, a 2xx body is only required to be JSON.
   */
  operation?: OperationFacts;
}

/** What {@link Transport.send} returns for a 2xx answer. */
export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  data: T;
  /** FML's `X-Request-Id`, when sent. */
  requestId: string | undefined;
}

/**
 * FML over the engine: builds URLs and headers for FML and maps FML's error answers to the typed errors.
 * The same sending as a `fetch` (for openapi-fetch, `fml.api` and `createFmlFetch`) is `fetchOver` in
 * ./fml-fetch.ts: kept apart, so the paste-ready HubSpot action, which never uses it, does not carry it.
 */
export class Transport {
  /** The resilient sender every call goes through. */
  readonly engine: Engine;
  /** FML's root address, without trailing slashes. */
  readonly baseUrl: string;
  /** `accept` and the client's headers, lower-cased once: every request starts from a copy. */
  readonly baseHeaders: Readonly<Record<string, string>>;

  constructor(engine: Engine, baseUrl: string, headers: Record<string, string>) {
    this.engine = engine;
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.baseHeaders = lowerCased({ accept: 'application/json' }, headers);
  }

  /** One FML call: a 2xx body parsed as JSON, anything else thrown as the matching `FmlApiError`. */
  async send<T>(req: HttpRequest, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const badHeader = options.headers && headerProblem(options.headers);
    if (badHeader) throw new FmlConfigError(`Request option ${badHeader}.`);
    const answer = await this.engine.send(
      {
        method: req.method,
        url: buildUrl(this.baseUrl, req.path, req.query),
        headers: buildHeaders(this.baseHeaders, options.headers, req),
        body: req.json === undefined ? undefined : JSON.stringify(req.json),
        retrySafe: req.retrySafe,
        auth: req.auth,
      },
      options,
    );
    if (answer.status < 200 || answer.status >= 300) throw withRequiredScope(fmlErrorOf(answer), req.operation);
    const data = checkedBody(answer.text, answer.status, answer.requestId, req.operation, `${req.method} ${req.path}`);
    return { status: answer.status, headers: answer.headers, data: data as T, requestId: answer.requestId };
  }
}

/** The typed error of an FML error answer. */
export function fmlErrorOf(answer: { status: number; text: string; headers: Headers }): FmlApiError {
  return FmlApiError.from({ status: answer.status, body: parseBody(answer.text), headers: answer.headers });
}

/** `baseUrl` (without trailing slashes) + `path` + query; undefined values are skipped, dates become ISO strings, arrays repeat. */
export function buildUrl(baseUrl: string, path: string, query: Record<string, unknown> | undefined): string {
  const url = `${baseUrl}${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const key of Object.keys(query)) {
    const value = query[key];
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === undefined || v === null) continue;
      params.append(key, v instanceof Date ? v.toISOString() : String(v));
    }
  }
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

/**
 * All headers in one place; later layers win: `accept` < JSON content type < client (`base` holds both
 * of those, already lower-cased) < call < what the SDK must control (the engine adds the token).
 */
export function buildHeaders(
  base: Readonly<Record<string, string>>,
  call: Record<string, string> | undefined,
  req: HttpRequest,
): Record<string, string> {
  const out: Record<string, string> =
    req.json === undefined ? { ...base } : { 'content-type': 'application/json', ...base };
  if (call) lowerCased(out, call);
  if (req.idempotencyKey !== undefined) out['idempotency-key'] = req.idempotencyKey;
  return out;
}

/** `into`, with every header of `headers` set under its lower-cased name. */
function lowerCased(into: Record<string, string>, headers: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(headers)) into[key.toLowerCase()] = value;
  return into;
}

/** Header names and values fetch will accept, else a message naming the bad one. */
export function headerProblem(headers: Record<string, string> | undefined): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key))
      return `header name ${JSON.stringify(key)} is not a valid HTTP header name`;
    // Headers are bytes: fetch rejects anything past U+00FF and any CR, LF or NUL.
    if (typeof value !== 'string' || /[^\t\x20-\x7e\x80-\xff]/.test(value))
      return `header ${key} must be a string of visible Latin-1 characters`;
  }
  return undefined;
}
