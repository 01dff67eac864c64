/**
 * The method `util.inspect` (and so `console.log`) calls to print an object: the SDK's objects that hold
 * a secret (the client, the token stores, the de-duplicator) print their settings through it, never the secret.
 */
export const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Keys whose values are secrets wherever they appear: headers, token bodies, log lines. */
const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|client_secret|clientsecret|access_token|accesstoken|refresh_token|id_token|token|secret|password|x-hubspot-signature.*|x-fml-signature)$/i;

/** A copy of `value` with every secret-named field replaced by `***` (deep, cycle-safe, prototype-safe). */
export function redact(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, seen));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    Object.defineProperty(out, key, {
      value: SECRET_KEY.test(key) ? '***' : redact(v, seen),
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return out;
}

/** Plain record of headers with secrets replaced by `***`, for log lines. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return redact(headers) as Record<string, string>;
}

/** Query parameters that carry a credential (HubSpot's developer key, OAuth tokens). */
const SECRET_PARAM = /([?&](?:hapikey|api_?key|access_token|token|client_secret|code)=)[^&#]*/gi;

/** `url` with every credential-carrying query value replaced by `***`: what logs, hooks and spans see. */
export function redactUrl(url: string): string {
  return url.includes('=') ? url.replace(SECRET_PARAM, '$1***') : url;
}
