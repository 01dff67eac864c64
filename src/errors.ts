import { redact } from './internal/redact';

/**
 * Every error the SDK throws. Each has a stable string `code`, so code running in another realm
 * (the HubSpot bundled copy, a worker) can branch on `err.code` without `instanceof`.
 *
 * Messages say what to do next. None of them, and no property of any error, holds a secret: requests
 * are never attached to errors, and response bodies are copied through `redact`.
 */

/** One failed input field, from FML's `fields` list or from local validation. */
export interface FieldError {
  /** The request field (or HubSpot input) that failed, e.g. `customerEmail`. */
  field: string;
  /** Why it failed, readable by a person. */
  message: string;
}

// Each entry point (`.`, `/webhooks`, `/hubspot`, the bundled copy) carries its own copy of these
// classes, so plain `instanceof` would fail across them. Every error records its class names under a
// registry symbol (shared by all copies and realms), and `instanceof` checks that list.
const CLASS_NAMES = Symbol.for('@firstmilelabs/cases/error-classes');

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
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) names.push((c as { name: string }).name);
    Object.defineProperty(this, CLASS_NAMES, { value: names });
  }

  /** `err instanceof ValidationError` holds for errors from any copy of the SDK (entry point, bundle, realm). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const names = typeof value === 'object' && value !== null ? (value as Record<symbol, unknown>)[CLASS_NAMES] : undefined;
    return Array.isArray(names) ? names.includes(this.name) : Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /** Plain data for logs and `JSON.stringify`; never includes a secret. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const key of Object.keys(this)) if (key !== 'cause' && !(key in out)) out[key] = (this as Record<string, unknown>)[key];
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

  constructor(code: string, init: ApiErrorInit, fallbackMessage: string) {
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
        return apiCode === undefined && normalizeFieldErrors(init.body).length > 0 ? new ValidationError(init) : new BadRequestError(init);
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
    return new FmlApiError(apiCode ?? `http_${init.status}`, init, 'FML rejected the request.');
  }
}

/** 400 other than `validation_error` (e.g. OAuth `invalid_request`, `unsupported_grant_type`). */
export class BadRequestError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super(errorCodeOf(init.body) ?? 'bad_request', init, 'FML could not accept the request as sent.');
  }
}

/** 401 `invalid_client`: the client id or secret is wrong, stale or revoked. */
export class InvalidClientError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super('invalid_client', init, 'FML rejected the client credentials: the client secret (FML_CLIENT_SECRET) is wrong or stale, or the client id (FML_CLIENT_ID) names another client. Copy both again from FML (Compliance Configuration → Public Pull API).');
  }
}

/** Any other 401: `invalid_token` after the SDK already re-minted once, or the token endpoint refusing the client (e.g. `unauthorized_client`). */
export class AuthenticationError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super('authentication_error', init, 'FML refused the credentials or the access token. Check that the API client exists, is not revoked, and may use the client-credentials grant.');
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
    const scopes = init.requiredScopes?.length ? [...init.requiredScopes] : scopesFromAnswer(init);
    const needs = scopes.length ? `this call needs ${scopes.join(' and ')}` : 'it lacks the scope this call needs';
    super('insufficient_scope', init, `The FML API client was refused: ${needs}. Extend the client's scopes or mint a new client in FML (Compliance Configuration → Public Pull API).`);
    this.requiredScopes = scopes;
  }
}

/** A `scope` FML named in its 403: the body's `scope`, else `WWW-Authenticate: Bearer … scope="…"`. */
function scopesFromAnswer(init: ApiErrorInit): string[] {
  const body = init.body as { scope?: unknown } | null | undefined;
  if (typeof body === 'object' && body !== null && typeof body.scope === 'string') return body.scope.split(/\s+/).filter(Boolean);
  const header = headersToRecord(init.headers)['www-authenticate'];
  const match = header ? /\bscope="([^"]*)"/i.exec(header) : null;
  return match ? match[1]!.split(/\s+/).filter(Boolean) : [];
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
    super('invalid_response', `FML answered ${init.status} to ${init.operation} with a body the API contract does not allow: ${shown}${more}. Nothing was returned; quote request id ${init.requestId ?? '(none sent)'} to FML support.`);
    this.status = init.status;
    this.requestId = init.requestId;
    this.problems = init.problems;
  }
}

/** Any other 403. */
export class PermissionDeniedError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super('permission_denied', init, 'FML refused this call for this API client.');
  }
}

/** 404: the id is unknown, or belongs to another tenant (FML does not tell the two apart). */
export class NotFoundError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super('not_found', init, 'Not found: the id is unknown, or belongs to another FML tenant.');
  }
}

/** 409 `idempotency_key_conflict`: the key was used before on a different endpoint. */
export class IdempotencyKeyConflictError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super('idempotency_key_conflict', init, 'This Idempotency-Key was used before on a different endpoint. Use a fresh key for this request.');
  }
}

/** Any other 409. */
export class ConflictError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super('conflict', init, 'FML reported a conflict with the current state.');
  }
}

/** 429: throttled. FML allows 120 requests/minute per client and 30 token requests/minute. */
export class RateLimitError extends FmlApiError {
  /** How long FML asked to wait, from `Retry-After`, in milliseconds (undefined when not sent). */
  readonly retryAfterMs: number | undefined;

  constructor(init: ApiErrorInit) {
    const retryAfterMs = parseRetryAfter(headersToRecord(init.headers)['retry-after']);
    const wait = retryAfterMs === undefined ? '' : ` Retry after ${Math.ceil(retryAfterMs / 1000)} s.`;
    super('rate_limited', init, `FML rate limit reached (120 requests/min per client, 30 token requests/min).${wait} Reuse one client so its token is cached.`);
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
    super('rate_limit_wait', `Not sent: ${init.reason === 'retry_after' ? 'FML asked for a pause' : `${init.budget} budget full`}; no slot for ${Math.ceil(init.retryAfterMs)} ms, past the deadline.`);
    this.retryAfterMs = init.retryAfterMs;
    this.budget = init.budget;
    this.reason = init.reason;
  }
}

/** 5xx: FML failed. Safe to retry with the same Idempotency-Key. */
export class ServerError extends FmlApiError {
  constructor(init: ApiErrorInit) {
    super('server_error', init, 'FML had a server error. Retrying with the same Idempotency-Key is safe.');
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
      super('validation_error', init, 'FML rejected the request: fix the listed fields.');
      this.source = 'server';
    } else {
      const list = init.fields.map((f) => `${f.field}: ${f.message}`).join('; ');
      super('validation_error', { status: 400, body: { error: 'validation_error', fields: init.fields }, headers: {}, message: init.message ?? `Invalid input, nothing was sent. ${list}` }, '');
      this.source = 'local';
    }
  }
}

/** The request never got an HTTP answer: DNS, refused or reset connection, TLS, a body cut off. */
export class FmlConnectionError extends FmlError {
  constructor(message = 'Could not reach FML (the connection failed or was reset).', options?: { cause?: unknown }) {
    super('connection_error', message, options);
  }
}

/** An attempt, or the whole call's deadline, ran out of time. */
export class FmlTimeoutError extends FmlError {
  constructor(message = 'FML did not answer in time.', options?: { cause?: unknown }) {
    super('timeout', message, options);
  }
}

/** The caller's AbortSignal fired. */
export class FmlAbortError extends FmlError {
  constructor(message = 'The request was aborted by the caller.', options?: { cause?: unknown }) {
    super('aborted', message, options);
  }
}

/** Why a webhook signature check failed. */
export type WebhookVerificationReason =
  | 'missing_secret'
  | 'missing_signature'
  | 'malformed_signature'
  | 'signature_mismatch'
  | 'timestamp_too_old'
  | 'body_too_large'
  | 'body_timeout'
  | 'invalid_body'
  | (string & {});

/** A webhook did not verify: the body is not what FML signed with this secret. */
export class WebhookVerificationError extends FmlError {
  /** Why, as a stable code. */
  readonly reason: WebhookVerificationReason;

  constructor(reason: WebhookVerificationReason, message: string) {
    super('webhook_verification_failed', message);
    this.reason = reason;
  }
}

/** One problem found while parsing a webhook payload. */
export interface PayloadIssue {
  /** Dotted path into the payload, empty for the payload itself. */
  path: string;
  message: string;
}

/** A webhook body verified but is not a valid FML event (bad JSON, missing common field, ...). */
export class WebhookPayloadError extends FmlError {
  readonly issues: PayloadIssue[];

  constructor(issues: PayloadIssue[], message?: string) {
    super('webhook_payload_invalid', message ?? `Invalid FML webhook payload: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
    this.issues = issues;
  }
}

// ---------------------------------------------------------------------------------------------
// Pure helpers for reading FML's error bodies. Bodies come from the network: treat every value as
// unknown, and never write a body key into an object with bracket assignment (no `__proto__` games).

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** FML's error code: `error` (string), falling back to `code`. */
export function errorCodeOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  return str(body.error) ?? str(body.code);
}

function errorDetailOf(body: unknown): string | undefined {
  if (!isRecord(body)) return typeof body === 'string' ? body.slice(0, 300) || undefined : undefined;
  return str(body.message) ?? str(body.error_description) ?? str(body.detail);
}

/**
 * FML's field list, normalised from any of the shapes it may take: an array of
 * `{ field | path, message | code }`, or an object mapping field → message (or messages).
 */
export function normalizeFieldErrors(body: unknown): FieldError[] {
  if (!isRecord(body)) return [];
  const raw = body.fields ?? body.errors ?? body.details;
  const out: FieldError[] = [];
  if (Array.isArray(raw)) {
    for (const item of raw) {
      if (!isRecord(item)) continue;
      const path = Array.isArray(item.path) ? item.path.map(String).join('.') : str(item.path);
      const field = str(item.field) ?? path ?? str(item.name) ?? '(unknown field)';
      const message = str(item.message) ?? str(item.code) ?? str(item.error) ?? 'is invalid';
      out.push({ field, message });
    }
  } else if (isRecord(raw)) {
    for (const field of Object.keys(raw)) {
      const value = raw[field];
      const messages = Array.isArray(value) ? value : [value];
      for (const m of messages) out.push({ field, message: str(m) ?? (isRecord(m) ? str(m.message) : undefined) ?? 'is invalid' });
    }
  }
  return out;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Lower-cased plain record of headers. */
export function headersToRecord(headers: Headers | Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!headers) return out;
  if (typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function') {
    (headers as Headers).forEach((value, key) => {
      out[key.toLowerCase()] = value;
    });
  } else {
    for (const key of Object.keys(headers)) {
      const v = (headers as Record<string, unknown>)[key];
      if (typeof v === 'string') out[key.toLowerCase()] = v;
    }
  }
  // set-cookie never matters to callers and could hold session material.
  delete out['set-cookie'];
  return out;
}

function composeMessage(fallback: string, status: number, apiCode: string | undefined, detail: string | undefined, fields: FieldError[]): string {
  const head = `${status}${apiCode ? ` ${apiCode}` : ''}`;
  const list = fields.length ? ` Fields: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}.` : '';
  const extra = detail && !fields.length ? ` FML says: ${detail}` : '';
  return `${fallback} (${head})${list}${extra}`;
}
