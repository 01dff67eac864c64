import { FmlAbortError, FmlApiError, FmlConfigError, FmlConnectionError, FmlError, FmlTimeoutError, InvalidResponseError, parseRetryAfter } from '../errors';
import { linkSignals } from './abort';
import { backoffDelayMs, isRetryableStatus, sleep } from './backoff';
import type { LogFn } from './logger';
import { redact, redactHeaders } from './redact';

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

/** What the transport sends. Built by the resources; `path` is already encoded. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, unknown>;
  /** A JSON body. */
  json?: unknown;
  idempotencyKey?: string;
  /** Attach `Authorization: Bearer …` (everything but the token endpoint). */
  auth: boolean;
  /** May this request be sent again? Defaults to: GET, or any method with an Idempotency-Key. */
  retrySafe?: boolean;
}

/** What the transport returns for a 2xx answer. */
export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  data: T;
  /** FML's `X-Request-Id`, when sent. */
  requestId: string | undefined;
}

/** How a client's transport is set up; every field is resolved (defaults applied) by the client. */
export interface TransportConfig {
  baseUrl: string;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  maxRetries: number;
  deadlineMs: number | undefined;
  maxRetryAfterMs: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  headers: Record<string, string>;
  /** Aborts every call of the client (e.g. on shutdown). */
  signal: AbortSignal | undefined;
  log: LogFn;
  /** Supplies a bearer token; `forget` drops one FML refused. */
  auth?: { token(): Promise<string>; forget(token: string): Promise<void> };
}

/** The answer to one attempt, before it is judged. */
interface Attempt {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Sends requests with retries. Data flows one way: build → attempt → judge → (wait → attempt)* → result.
 * Retries happen on connection errors, attempt timeouts, 408, 429 and 5xx — only for requests that are
 * safe to repeat — with exponential backoff and jitter, or `Retry-After` when FML sends one (capped).
 * A 401 to a bearer call drops the token, mints a new one and tries once more.
 */
export class Transport {
  readonly #config: TransportConfig;
  #sequence = 0;

  constructor(config: TransportConfig) {
    this.#config = config;
  }

  async send<T>(req: HttpRequest, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const cfg = this.#config;
    const badHeader = headerProblem(options.headers);
    if (badHeader) throw new FmlConfigError(`Request option ${badHeader}.`);
    const maxRetries = options.maxRetries ?? cfg.maxRetries;
    const deadlineMs = options.deadlineMs ?? cfg.deadlineMs;
    const retrySafe = req.retrySafe ?? (req.method === 'GET' || req.idempotencyKey !== undefined);
    const id = `req_${++this.#sequence}`;

    // The deadline is a signal, so the token wait, every attempt and every backoff sleep all obey it.
    // Controllers are made only when needed: each costs a few µs in Node 20, and this is the hot path.
    const deadline = deadlineMs === undefined ? undefined : new AbortController();
    const deadlineAt = deadlineMs === undefined ? Infinity : Date.now() + deadlineMs;
    const deadlineTimer = deadline && setTimeout(() => deadline.abort(new FmlTimeoutError(`The call to FML did not finish within its ${deadlineMs} ms deadline.`)), deadlineMs);
    const outer = [options.signal, cfg.signal, deadline?.signal].filter((s): s is AbortSignal => s !== undefined);
    const link = outer.length > 1 ? linkSignals(outer) : undefined;
    const callSignal = link?.signal ?? outer[0];
    try {
      let retries = 0;
      let reauthorised = false;
      for (;;) {
        let token: string | undefined;
        try {
          // An already-cancelled call must not start (or join) a token mint.
          if (callSignal?.aborted) throw callSignal.reason;
          // The mint has its own retries; its failure (e.g. invalid_client) ends this call as it is.
          token = req.auth && cfg.auth ? await raceAbort(cfg.auth.token(), callSignal) : undefined;
        } catch (error) {
          throw this.#abortReason(error, cfg.signal, options.signal, deadline?.signal);
        }

        let attempt: Attempt | undefined;
        let failure: FmlError | undefined;
        try {
          attempt = await this.#attempt(req, options, token, callSignal, id, retries);
        } catch (error) {
          if (callSignal?.aborted) throw this.#abortReason(error, cfg.signal, options.signal, deadline?.signal);
          failure = error as FmlConnectionError | FmlTimeoutError;
        }

        let waitMs: number | undefined;
        if (attempt) {
          if (attempt.status >= 200 && attempt.status < 300) return toResponse<T>(attempt, req);
          if (attempt.status === 401 && token && !reauthorised) {
            reauthorised = true;
            cfg.log('info', `fml ${id} got 401, minting a new token and retrying once`);
            await cfg.auth!.forget(token);
            continue;
          }
          failure = FmlApiError.from({ status: attempt.status, body: parseBody(attempt.text), headers: attempt.headers });
          if (!isRetryableStatus(attempt.status)) throw failure;
          // FML may ask for a pause on any retryable answer (429, 503…), not only on 429.
          const retryAfterMs = parseRetryAfter(attempt.headers.get('retry-after'));
          if (retryAfterMs !== undefined) waitMs = Math.min(retryAfterMs, cfg.maxRetryAfterMs);
        }
        if (!retrySafe || retries >= maxRetries) throw this.#giveUp(id, failure!, retries);
        waitMs ??= backoffDelayMs(retries, cfg.retryBaseDelayMs, cfg.retryMaxDelayMs);
        // A wait that cannot end before the deadline only burns the caller's time: report the real
        // failure now (e.g. a RateLimitError with its retryAfterMs) rather than a timeout later.
        if (Date.now() + waitMs >= deadlineAt) throw this.#giveUp(id, failure!, retries);
        cfg.log('info', `fml ${id} retrying in ${waitMs} ms (retry ${retries + 1} of ${maxRetries}) after ${failure!.code}`);
        try {
          await sleep(waitMs, callSignal);
        } catch {
          // The deadline or the caller ended the wait: report what ended it, with the last failure as cause.
          throw this.#abortReason(failure, cfg.signal, options.signal, deadline?.signal);
        }
        retries++;
      }
    } finally {
      clearTimeout(deadlineTimer);
      link?.dispose();
    }
  }

  /** One HTTP exchange, body read included, under a per-attempt timer. */
  async #attempt(req: HttpRequest, options: RequestOptions, token: string | undefined, callSignal: AbortSignal | undefined, id: string, retry: number): Promise<Attempt> {
    const cfg = this.#config;
    const url = buildUrl(cfg.baseUrl, req.path, req.query);
    const headers = buildHeaders(cfg.headers, options.headers, req, token);
    const body = req.json === undefined ? undefined : JSON.stringify(req.json);
    const timeoutMs = options.timeoutMs ?? cfg.timeoutMs;
    const attempt = linkSignals([callSignal]);
    const timer = setTimeout(() => attempt.abort(new FmlTimeoutError(`FML did not answer within ${timeoutMs} ms.`)), timeoutMs);
    const started = Date.now();
    cfg.log('debug', `fml ${id} → ${req.method} ${url}${retry ? ` (retry ${retry})` : ''}`, () => ({ headers: redactHeaders(headers), body: redact(req.json) }));
    try {
      const res = await cfg.fetch(url, { method: req.method, headers, body, signal: attempt.signal });
      const text = await res.text();
      cfg.log('debug', `fml ${id} ← ${res.status} ${req.method} ${url} in ${Date.now() - started} ms`, () => ({ requestId: res.headers.get('x-request-id') ?? undefined, body: redact(parseBody(text)) }));
      return { status: res.status, headers: res.headers, text };
    } catch (error) {
      if (attempt.signal.aborted && !callSignal?.aborted) throw attempt.signal.reason as FmlTimeoutError;
      if (callSignal?.aborted) throw error;
      throw new FmlConnectionError(`Could not reach FML at ${cfg.baseUrl} (${describeNetworkError(error)}).`, { cause: error });
    } finally {
      clearTimeout(timer);
      attempt.dispose();
    }
  }

  /** The last failure after retries ran out (or could not fit the deadline), logged where a user will see it. */
  #giveUp(id: string, failure: FmlError, retries: number): FmlError {
    this.#config.log('warn', `fml ${id} failed after ${retries + 1} attempt${retries ? 's' : ''}: ${failure.code}: ${failure.message}`);
    return failure;
  }

  /** Turns "something aborted" into the right SDK error: the caller's (or client's) abort, or the deadline. */
  #abortReason(error: unknown, clientSignal: AbortSignal | undefined, callerSignal: AbortSignal | undefined, deadline: AbortSignal | undefined): unknown {
    if (callerSignal?.aborted || clientSignal?.aborted) return new FmlAbortError(undefined, { cause: error });
    if (deadline?.aborted) {
      const reason = deadline.reason as FmlTimeoutError;
      return error instanceof FmlError && error !== reason ? new FmlTimeoutError(`${reason.message} Last failure: ${error.message}`, { cause: error }) : reason;
    }
    return error;
  }
}

function toResponse<T>(attempt: Attempt, req: HttpRequest): HttpResponse<T> {
  const requestId = attempt.headers.get('x-request-id') ?? undefined;
  let data: unknown;
  try {
    data = attempt.text === '' ? undefined : JSON.parse(attempt.text);
  } catch {
    // A proxy's HTML page, a truncated body: never handed on as a result.
    throw new InvalidResponseError({ status: attempt.status, requestId, operation: `${req.method} ${req.path}`, problems: ['(body): is not JSON'] });
  }
  return { status: attempt.status, headers: attempt.headers, data: data as T, requestId };
}

/** A body as JSON when it is JSON, else the text itself (error pages, proxies). */
export function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `baseUrl` + `path` + query; undefined values are skipped, dates become ISO strings, arrays repeat. */
export function buildUrl(baseUrl: string, path: string, query: Record<string, unknown> | undefined): string {
  const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
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

/** All headers in one place; later layers win: defaults < client < call < what the SDK must control. */
export function buildHeaders(client: Record<string, string>, call: Record<string, string> | undefined, req: HttpRequest, token: string | undefined): Record<string, string> {
  const out: Record<string, string> = { accept: 'application/json' };
  if (req.json !== undefined) out['content-type'] = 'application/json';
  for (const layer of [client, call ?? {}]) for (const key of Object.keys(layer)) out[key.toLowerCase()] = layer[key]!;
  if (token) out.authorization = `Bearer ${token}`;
  if (req.idempotencyKey !== undefined) out['idempotency-key'] = req.idempotencyKey;
  return out;
}

/** Rejects with the signal's reason as soon as it aborts, else settles as `promise` does. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The most telling part of a network failure: undici nests the code in `cause`; others put it on top. */
function describeNetworkError(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  const first = [e?.cause?.code, e?.code, e?.cause?.message, e?.message].find((v) => typeof v === 'string' && v !== '');
  return (first as string | undefined) ?? 'network error';
}

/** Header names and values fetch will accept, else a message naming the bad one. */
export function headerProblem(headers: Record<string, string> | undefined): string | undefined {
  for (const key of Object.keys(headers ?? {})) {
    const value = headers![key];
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) return `header name ${JSON.stringify(key)} is not a valid HTTP header name`;
    // Headers are bytes: fetch rejects anything past U+00FF and any CR, LF or NUL.
    if (typeof value !== 'string' || /[^\t\x20-\x7e\x80-\xff]/.test(value)) return `header ${key} must be a string of visible Latin-1 characters`;
  }
  return undefined;
}
