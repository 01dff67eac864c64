import { verifyBearer } from '../auth';
import type { SandboxCore } from '../core';
import { apiError, header, parseJson, type SandboxRequest, type SandboxResponse } from '../http-io';
import { checkKey, rememberResponse } from '../idempotency';
import type { Checked, FieldProblem } from '../validation';
import type { TokenRecord } from '../state';

export type Guarded = { ok: true; token: TokenRecord } | { ok: false; response: SandboxResponse };

/** Bearer check (401), then the per-client rate limit (429), then the scope (403) — in that order. */
export function authorize(core: SandboxCore, req: SandboxRequest, scope: string): Guarded {
  const bearer = verifyBearer(core.state, header(req.headers, 'authorization'), core.now());
  if (!bearer.ok) {
    const challenge = `Bearer realm="fml-sandbox", error="invalid_token", error_description="${bearer.description}"`;
    return {
      ok: false,
      response: apiError(401, 'invalid_token', bearer.description, { 'www-authenticate': challenge }),
    };
  }
  const rate = core.apiLimiter.take(bearer.token.clientId, core.now());
  if (!rate.ok) {
    const message = `Rate limit reached: ${rate.rule.limit} requests per ${rate.rule.windowMs / 1000} s per client. Retry after ${rate.retryAfterSeconds} s.`;
    return {
      ok: false,
      response: apiError(429, 'rate_limited', message, { 'retry-after': String(rate.retryAfterSeconds) }),
    };
  }
  if (!bearer.token.scopes.includes(scope)) {
    const challenge = `Bearer realm="fml-sandbox", error="insufficient_scope", scope="${scope}"`;
    return {
      ok: false,
      response: apiError(403, 'insufficient_scope', `This API client lacks the ${scope} scope.`, {
        'www-authenticate': challenge,
      }),
    };
  }
  return { ok: true, token: bearer.token };
}

/**
 * How every read route opens: `authorize`, then the Idempotency-Key check (reads never replay, but a
 * key first used on another route is a 409). Gives the tenant to read from, or the answer to send.
 */
export function authorizeRead(
  core: SandboxCore,
  req: SandboxRequest,
  scope: string,
  route: string,
): { ok: true; orgId: string } | { ok: false; response: SandboxResponse } {
  const guard = authorize(core, req, scope);
  if (!guard.ok) return guard;
  const { orgId } = guard.token;
  const decision = checkKey(core, orgId, route, header(req.headers, 'idempotency-key'), false);
  return decision.kind === 'respond' ? { ok: false, response: decision.response } : { ok: true, orgId };
}

/** FML's 400 for bad input: every field problem in `fields`, and in one readable message. */
export const validationFailed = (fields: FieldProblem[]): SandboxResponse =>
  apiError(
    400,
    'validation_error',
    `Invalid request: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}.`,
    {},
    fields,
  );

/** How one write route opens: its route name, whether a key replays, how its body is checked. */
export interface WriteRoute<T> {
  /** The route as idempotency records name it, e.g. `POST /v1/cases`. */
  route: string;
  /** Whether a known Idempotency-Key replays the stored answer (false: the key is only claimed). */
  replayable: boolean;
  validate: (body: unknown) => Checked<T>;
  /** Whether a validation 400 is stored under the key too (the `replayErrors` option). @default false */
  rememberInvalid?: boolean;
}

export type WriteOpened<T> =
  | { ok: true; orgId: string; key: string | undefined; input: T }
  | { ok: false; response: SandboxResponse };

/**
 * How every write route opens, in this order: `authorize` with `cases:write`; the Idempotency-Key
 * (a replay or a 409 ends the request here); the JSON body through the route's validator. Unparseable
 * JSON is reported like a non-object body: one `body` field problem. One place, so the routes cannot
 * drift apart in the order their checks answer.
 */
export function openWrite<T>(core: SandboxCore, req: SandboxRequest, spec: WriteRoute<T>): WriteOpened<T> {
  const guard = authorize(core, req, 'cases:write');
  if (!guard.ok) return guard;
  const { orgId } = guard.token;
  const decision = checkKey(core, orgId, spec.route, header(req.headers, 'idempotency-key'), spec.replayable);
  if (decision.kind === 'respond') return { ok: false, response: decision.response };
  const parsed = parseJson(req.body.toString('utf8'));
  const checked = spec.validate(parsed.ok ? parsed.value : undefined);
  if (checked.ok) return { ok: true, orgId, key: decision.key, input: checked.value };
  const response = validationFailed(checked.fields);
  if (spec.rememberInvalid && decision.key !== undefined)
    rememberResponse(core, orgId, spec.route, decision.key, response);
  return { ok: false, response };
}
