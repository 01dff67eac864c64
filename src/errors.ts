import {
  composeMessage,
  errorCodeOf,
  errorDetailOf,
  normalizeFieldErrors,
  scopesFromAnswer,
  type FieldError,
} from './internal/error-body';
import { headersToRecord, parseRetryAfter } from './internal/headers';
import { redact } from './internal/redact';

/**
 * Every error the SDK throws. Each has a stable string `code`, so code running in another realm
 * (the HubSpot bundled copy, a worker) can branch on `err.code` without `instanceof`.
 *
 * Messages say what to do next. None of them, and no property of any error, holds a secret: requests
 * are never attached to errors, and response bodies are copied through `redact`. The shape follows the
 * Stainless SDKs: one class per answer, each a line, its default message from one table by `code`; the
 * readers of FML's error bodies are internal (`internal/error-body.ts`), and the webhook errors live
 * next to the webhooks (`webhooks/errors.ts`).
 */

export type { FieldError } from './internal/error-body';

// Each entry point (`.`, `/webhooks`, `/hubspot`, the bundled copy) carries its own copy of these
// classes, so plain `instanceof` would fail across them. Every error records its class names under a
// registry symbol (shared by all copies and realms), and `instanceof` checks that list.
const CLASS_NAMES = Symbol.for('@firstmilelabs/cases/error-classes');

/** The default message of each `code`: what went wrong and what to do next. The one table of them. */
const MESSAGES = {
  bad_request: 'FML could not accept the request as sent.',
  invalid_client:
    'FML rejected the client credentials: the client secret (FML_CLIENT_SECRET) is wrong or stale, or the client id (FML_CLIENT_ID) names another client. Copy both again from FML (Compliance Configuration → Public Pull API).',
  authentication_error:
    'FML refused the credentials or the access token. Check that the API client exists, is not revoked, and may use the client-credentials grant.',
  permission_denied: 'FML refused this call for this API client.',
  not_found: 'Not found: the id is unknown, or belongs to another FML tenant.',
  idempotency_key_conflict:
    'This Idempotency-Key was used before on a different endpoint. Use a fresh key for this request.',
  conflict: 'FML reported a conflict with the current state.',
  rate_limited: 'FML rate limit reached (120 requests/min per client, 30 token requests/min).',
  server_error: 'FML had a server error. Retrying with the same Idempotency-Key is safe.',
  validation_error: 'FML rejected the request: fix the listed fields.',
  connection_error: 'Could not reach FML (the connection failed or was reset).',
  timeout: 'FML did not answer in time.',
  aborted: 'The request was aborted by the caller.',
  /** Any other error status. */
  other: 'FML rejected the request.',
} as const;

function messageOf(code: string): string {
  return Object.hasOwn(MESSAGES, code) ? MESSAGES[code as keyof typeof MESSAGES] : MESSAGES.other;
}

/** Base class of every SDK error. */
export class FmlError extends Error {
  /** Stable machine-readable code, e.g. `invalid_client`, `rate_limited`, `connection_error`. */
  readonly code: string;
  /**
   * On errors from `cases.create` after sending: the Idempotency-Key that was sent (generated, when
   * none was given). Retry with it to get the case FML may have created instead of a second one.
   */
  idempotencyKey?: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
    const names: string[] = [];
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c))
      names.push((c as { name: string }).name);
    Object.defineProperty(this, CLASS_NAMES, { value: names });
  }

  /** `err instanceof ValidationError` holds for errors from any copy of the SDK (entry point, bundle, realm). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const names =
      typeof value === 'object' && value !== null ? (value as Record<symbol, unknown>)[CLASS_NAMES] : undefined;
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof (a subclass too), not ValidationError's own name
    return Array.isArray(names) ? names.includes(this.name) : Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /** Plain data for logs and `JSON.stringify`; never includes a secret. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const key of Object.keys(this))
      if (key !== 'cause' && !(key in out)) out[key] = (this as Record<string, unknown>)[key];
    return out;
  }
}

/** The SDK was configured wrongly (e.g. a missing credential); raised before anything is sent. */
export class FmlConfigError extends FmlError {
  constructor(message: string) {
    super('configuration_error', message);
  }
}

/** What an API error is built from: the response as received. */
export interface ApiErrorInit {
  status: number;
  /** Parsed JSON body, or the text when it was not JSON. */
  body: unknown;
  headers: Headers | Record<string, string>;
  /** Overrides the generated message. */
  message?: string;
}

/** FML answered with an error status. Subclasses below narrow it by status and `error` code. */
export class FmlApiError extends FmlError {
  /** HTTP status FML answered with. */
  readonly status: number;
  /** The `error` code FML sent in the body (e.g. `invalid_token`), when it sent one. */
  readonly apiCode: string | undefined;
  /** FML's request id (`X-Request-Id`), to quote to FML support. */
  readonly requestId: string | undefined;
  /** The parsed error body. */
  readonly body: unknown;
  /** Response headers, as a plain lower-cased record. */
  readonly headers: Record<string, string>;
  /** Per-field problems FML listed (any of its shapes, normalised). Empty when it listed none. */
  readonly fields: FieldError[];

  /**
   * @param code - The error's `code`.
   * @param fallbackMessage - The advice the message starts with (then the status, FML's code and its words).
   *   Default: the code's entry in the table of default messages, else "FML rejected the request."
   */
  constructor(code: string, init: ApiErrorInit, fallbackMessage: string = messageOf(code)) {
    const apiCode = errorCodeOf(init.body);
    const fields = normalizeFieldErrors(init.body);
    const detail = errorDetailOf(init.body);
    const message = init.message ?? composeMessage(fallbackMessage, init.status, apiCode, detail, fields);
    super(code, message);
    this.status = init.status;
    this.apiCode = apiCode;
    this.headers = headersToRecord(init.headers);
    this.requestId = this.headers['x-request-id'] ?? this.headers['request-id'];
    this.body = redact(init.body);
    this.fields = fields;
  }

  /** The one place that maps an HTTP status (and FML's `error` code) onto an error class. */
  static from(init: ApiErrorInit): FmlApiError {
    const apiCode = errorCodeOf(init.body);
    if (apiCode === 'invalid_client') return new InvalidClientError(init);
    if (apiCode === 'insufficient_scope') return new InsufficientScopeError(init);
    if (apiCode === 'validation_error') return new ValidationError(init);
    if (apiCode === 'idempotency_key_conflict') return new IdempotencyKeyConflictError(init);
    switch (init.status) {
      case 400:
        return apiCode === undefined && normalizeFieldErrors(init.body).length > 0
          ? new ValidationError(init)
          : new BadRequestError(init);
      case 401:
        return new AuthenticationError(init);
      case 403:
        return new PermissionDeniedError(init);
      case 404:
        return new NotFoundError(init);
      case 409:
        return new ConflictError(init);
      case 429:
        return new RateLimitError(init);
    }
    if (init.status >= 500) return new ServerError(init);
    return new FmlApiError(apiCode ?? `http_${init.status}`, init, MESSAGES.other);
  }
}

/** 400 other than `validation_error` (e.g. OAuth `invalid_request`, `unsupported_grant_type`). */
export class BadRequestError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super(errorCodeOf(init.body) ?? 'bad_request', init, MESSAGES.bad_request);
  }
}

/** 401 `invalid_client`: the client id or secret is wrong, stale or revoked. */
export class InvalidClientError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super('invalid_client', init);
  }
}

/** Any other 401: `invalid_token` after the SDK already re-minted once, or the token endpoint refusing the client (e.g. `unauthorized_client`). */
export class AuthenticationError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super('authentication_error', init);
  }
}

/**
 * 403 `insufficient_scope`: the API client lacks a scope. `requiredScopes` names what the failing
 * call needs — from its operation's `security` in openapi.yaml (`read:cases` to read cases,
 * `read:events` for the feed, `cases:write` to create), else from FML's answer (a `scope` in the body
 * or the `WWW-Authenticate` header, RFC 6750 §3).
 */
export class InsufficientScopeError extends FmlApiError {
  /** The scopes the failing call needs; empty when neither the spec nor FML's answer says. */
  readonly requiredScopes: readonly string[];

  constructor(init: ApiErrorInit & { requiredScopes?: readonly string[] }) {
    const scopes = init.requiredScopes?.length
      ? [...init.requiredScopes]
      : scopesFromAnswer(init.body, headersToRecord(init.headers)['www-authenticate']);
    const needs = scopes.length ? `this call needs ${scopes.join(' and ')}` : 'it lacks the scope this call needs';
    super(
      'insufficient_scope',
      init,
      `The FML API client was refused: ${needs}. Extend the client's scopes or mint a new client in FML (Compliance Configuration → Public Pull API).`,
    );
    this.requiredScopes = scopes;
  }
}

/**
 * FML answered 2xx with a body that breaks the contract in `openapi.yaml` — not JSON, or without
 * what the spec requires (a case without `caseId`, a page without `data`). Nothing downstream gets a
 * half result. Quote `requestId` to FML support.
 */
export class InvalidResponseError extends FmlError {
  /** The HTTP status FML answered with. */
  readonly status: number;
  /** FML's request id (`X-Request-Id`), when sent. */
  readonly requestId: string | undefined;
  /** Where the body breaks the contract, e.g. `caseId` or `data.3.caseId` (paths only, never values). */
  readonly problems: readonly string[];

  constructor(init: { status: number; requestId: string | undefined; operation: string; problems: readonly string[] }) {
    const shown = init.problems.slice(0, 5).join('; ');
    const more = init.problems.length > 5 ? `; and ${init.problems.length - 5} more` : '';
    super(
      'invalid_response',
      `FML answered ${init.status} to ${init.operation} with a body the API contract does not allow: ${shown}${more}. Nothing was returned; quote request id ${init.requestId ?? '(none sent)'} to FML support.`,
    );
    this.status = init.status;
    this.requestId = init.requestId;
    this.problems = init.problems;
  }
}

/** Any other 403. */
export class PermissionDeniedError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super('permission_denied', init);
  }
}

/** 404: the id is unknown, or belongs to another tenant (FML does not tell the two apart). */
export class NotFoundError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super('not_found', init);
  }
}

/** 409 `idempotency_key_conflict`: the key was used before on a different endpoint. */
export class IdempotencyKeyConflictError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super('idempotency_key_conflict', init);
  }
}

/** Any other 409. */
export class ConflictError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super('conflict', init);
  }
}

/** 429: throttled. FML allows 120 requests/minute per client and 30 token requests/minute. */
export class RateLimitError extends FmlApiError {
  /** How long FML asked to wait, from `Retry-After`, in milliseconds (undefined when not sent). */
  readonly retryAfterMs: number | undefined;

  constructor(init: ApiErrorInit) {
    const retryAfterMs = parseRetryAfter(headersToRecord(init.headers)['retry-after']);
    const wait = retryAfterMs === undefined ? '' : ` Retry after ${Math.ceil(retryAfterMs / 1000)} s.`;
    super('rate_limited', init, `${MESSAGES.rate_limited}${wait} Reuse one client so its token is cached.`);
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Not sent: the client's pacing (`rateLimit`) has no free slot before this call's deadline, or FML's
 * `Retry-After` (kept for every process sharing the limiter) is longer than the call may wait. Nothing
 * reached FML. Retry after `retryAfterMs`, or give the call a longer `deadlineMs`.
 */
export class RateLimitWaitError extends FmlError {
  /** The shortest wait after which a slot may be free, in milliseconds. */
  readonly retryAfterMs: number;
  /** Which budget is full: `requests` (120/min) or `tokens` (30/min). */
  readonly budget: string;
  /** `window`: the budget's window is full. `retry_after`: FML asked the fleet to pause (429). */
  readonly reason: 'window' | 'retry_after';

  /** @param init - The wait the limiter found, the budget and why it is closed. */
  constructor(init: { retryAfterMs: number; budget: string; reason: 'window' | 'retry_after' }) {
    super(
      'rate_limit_wait',
      `Not sent: ${init.reason === 'retry_after' ? 'FML asked for a pause' : `${init.budget} budget full`}; no slot for ${Math.ceil(init.retryAfterMs)} ms, past the deadline.`,
    );
    this.retryAfterMs = init.retryAfterMs;
    this.budget = init.budget;
    this.reason = init.reason;
  }
}

/** 5xx: FML failed. Safe to retry with the same Idempotency-Key. */
export class ServerError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super('server_error', init);
  }
}

/** Init for a locally raised {@link ValidationError}. */
export interface LocalValidationInit {
  fields: FieldError[];
  message?: string;
}

/**
 * Input is invalid: raised locally before anything is sent, or from FML's 400 `validation_error`.
 * `status` is 400 either way; `source` tells whether FML or the SDK caught it.
 */
export class ValidationError extends FmlApiError {
  /** `local`: caught by the SDK, nothing was sent. `server`: FML answered 400. */
  readonly source: 'local' | 'server';

  constructor(init: ApiErrorInit | LocalValidationInit) {
    if ('status' in init) {
      super('validation_error', init);
      this.source = 'server';
    } else {
      const list = init.fields.map((f) => `${f.field}: ${f.message}`).join('; ');
      super(
        'validation_error',
        {
          status: 400,
          body: { error: 'validation_error', fields: init.fields },
          headers: {},
          message: init.message ?? `Invalid input, nothing was sent. ${list}`,
        },
        '',
      );
      this.source = 'local';
    }
  }
}

/** The request never got an HTTP answer: DNS, refused or reset connection, TLS, a body cut off. */
export class FmlConnectionError extends FmlError {
  constructor(message: string = MESSAGES.connection_error, options?: { cause?: unknown }) {
    super('connection_error', message, options);
  }
}

/** An attempt, or the whole call's deadline, ran out of time. */
export class FmlTimeoutError extends FmlError {
  constructor(message: string = MESSAGES.timeout, options?: { cause?: unknown }) {
    super('timeout', message, options);
  }
}

/** The caller's AbortSignal fired. */
export class FmlAbortError extends FmlError {
  constructor(message: string = MESSAGES.aborted, options?: { cause?: unknown }) {
    super('aborted', message, options);
  }
}
