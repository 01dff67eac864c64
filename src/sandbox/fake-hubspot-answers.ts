import { randomBytes } from 'node:crypto';
import type { FakeFaultRule, FakeRouteResponse } from './fake-hubspot-types';
import type { ShellAnswer } from './shell/http-shell';

/**
 * The fake HubSpot CRM's answers in HubSpot's shapes: the error body (`{ status: "error", message,
 * correlationId, category }`), the 400 for property values, the 401s, the faults' 429 and 5xx, and how a
 * route's answer goes on the wire. Pure, apart from the random correlation id.
 */

const correlationId = () =>
  randomBytes(16)
    .toString('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

/** HubSpot's error body. */
export function hsError(
  status: number,
  category: string,
  message: string,
  extra: Record<string, unknown> = {},
): FakeRouteResponse {
  return { status, body: { status: 'error', message, correlationId: correlationId(), category, ...extra } };
}

/** HubSpot's 400 for property values, with its message-embedded JSON list. */
export function invalidProperties(errors: { name: string; error: string; message: string }[]): FakeRouteResponse {
  const list = errors.map((e) => ({
    isValid: false,
    message: e.message,
    error: e.error,
    name: e.name,
    localizedErrorMessage: e.message,
  }));
  return hsError(400, 'VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(list)}`);
}

/** HubSpot's 401 when the `Authorization` header is missing, malformed or carries another token; else undefined. */
export function unauthenticated(auth: string | undefined, token: string): FakeRouteResponse | undefined {
  if (typeof auth !== 'string' || !/^Bearer\s+\S+$/i.test(auth)) {
    return hsError(
      401,
      'INVALID_AUTHENTICATION',
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    );
  }
  if (auth.replace(/^Bearer\s+/i, '') !== token) {
    return hsError(
      401,
      'INVALID_AUTHENTICATION',
      'The OAuth token used to make this call expired or is not valid for this portal.',
    );
  }
  return undefined;
}

/** The answer a `rate-limit` or `server-error` fault gives instead of the route's; undefined for other kinds. */
export function faultResponse(fault: FakeFaultRule): FakeRouteResponse | undefined {
  if (fault.kind === 'rate-limit') {
    const policyName = fault.policyName ?? 'TEN_SECONDLY_ROLLING';
    const headers: Record<string, string> =
      fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
    return {
      status: 429,
      body: {
        status: 'error',
        message: `You have reached your ${policyName.toLowerCase()} limit.`,
        errorType: 'RATE_LIMIT',
        correlationId: correlationId(),
        policyName,
      },
      headers,
    };
  }
  if (fault.kind === 'server-error') return hsError(fault.status ?? 502, 'INTERNAL_ERROR', 'internal error');
  return undefined;
}

/** A route's answer as the shell writes it: JSON with HubSpot's content type, or nothing. */
export function wire(response: FakeRouteResponse): ShellAnswer {
  const payload = response.body === undefined ? '' : JSON.stringify(response.body);
  return {
    status: response.status,
    headers: { ...(payload ? { 'content-type': 'application/json;charset=utf-8' } : {}), ...(response.headers ?? {}) },
    body: payload,
  };
}
