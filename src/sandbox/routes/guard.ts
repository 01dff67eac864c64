import { verifyBearer } from '../auth';
import type { SandboxCore } from '../core';
import { apiError, header, type SandboxRequest, type SandboxResponse } from '../http-io';
import { checkKey } from '../idempotency';
import type { TokenRecord } from '../state';

export type Guarded = { ok: true; token: TokenRecord } | { ok: false; response: SandboxResponse };

/** Bearer check (401), then the per-client rate limit (429), then the scope (403) — in that order. */
export function authorize(core: SandboxCore, req: SandboxRequest, scope: string): Guarded {
  const bearer = verifyBearer(core.state, header(req.headers, 'authorization'), core.now());
  if (!bearer.ok) {
    const challenge = `Bearer realm="fml-sandbox", error="invalid_token", error_description="${bearer.description}"`;
    return { ok: false, response: apiError(401, 'invalid_token', bearer.description, { 'www-authenticate': challenge }) };
  }
  const rate = core.apiLimiter.take(bearer.token.clientId, core.now());
  if (!rate.ok) {
    const limit = core.options.rateLimit!;
    const message = `Rate limit reached: ${limit.limit} requests per ${limit.windowMs / 1000} s per client. Retry after ${rate.retryAfterSeconds} s.`;
    return { ok: false, response: apiError(429, 'rate_limited', message, { 'retry-after': String(rate.retryAfterSeconds) }) };
  }
  if (!bearer.token.scopes.includes(scope)) {
    const challenge = `Bearer realm="fml-sandbox", error="insufficient_scope", scope="${scope}"`;
    return { ok: false, response: apiError(403, 'insufficient_scope', `This API client lacks the ${scope} scope.`, { 'www-authenticate': challenge }) };
  }
  return { ok: true, token: bearer.token };
}

/**
 * How every read route opens: `authorize`, then the Idempotency-Key check (reads never replay, but a
 * key first used on another route is a 409). Gives the tenant to read from, or the answer to send.
 */
export function authorizeRead(core: SandboxCore, req: SandboxRequest, scope: string, route: string): { ok: true; orgId: string } | { ok: false; response: SandboxResponse } {
  const guard = authorize(core, req, scope);
  if (!guard.ok) return guard;
  const { orgId } = guard.token;
  const decision = checkKey(core, orgId, route, header(req.headers, 'idempotency-key'), false);
  return decision.kind === 'respond' ? { ok: false, response: decision.response } : { ok: true, orgId };
}
