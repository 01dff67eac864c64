// Readers of FML's error bodies, for the API errors in ../errors.ts. Bodies come from the network: treat
// every value as unknown, and never write a body key into an object with bracket assignment (no
// `__proto__` games).

/** One failed input field, from FML's `fields` list or from local validation. */
export interface FieldError {
  /** The request field (or HubSpot input) that failed, e.g. `customerEmail`. */
  field: string;
  /** Why it failed, readable by a person. */
  message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** FML's error code: `error` (string), falling back to `code`. */
export function errorCodeOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  return str(body.error) ?? str(body.code);
}

/** FML's explanation: `message`, `error_description` or `detail` (or a text body, cut to 300 characters). */
export function errorDetailOf(body: unknown): string | undefined {
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
      for (const m of messages)
        out.push({ field, message: str(m) ?? (isRecord(m) ? str(m.message) : undefined) ?? 'is invalid' });
    }
  }
  return out;
}

/** A `scope` FML named in its 403: the body's `scope`, else `WWW-Authenticate: Bearer … scope="…"` (RFC 6750 §3). */
export function scopesFromAnswer(body: unknown, wwwAuthenticate: string | undefined): string[] {
  if (isRecord(body) && typeof body.scope === 'string') return body.scope.split(/\s+/).filter(Boolean);
  const match = wwwAuthenticate ? /\bscope="([^"]*)"/i.exec(wwwAuthenticate) : null;
  return (match?.[1] ?? '').split(/\s+/).filter(Boolean);
}

/** An API error's message: the class's advice, then status and code, then FML's field list or its own words. */
export function composeMessage(
  fallback: string,
  status: number,
  apiCode: string | undefined,
  detail: string | undefined,
  fields: FieldError[],
): string {
  const head = `${status}${apiCode ? ` ${apiCode}` : ''}`;
  const list = fields.length ? ` Fields: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}.` : '';
  const extra = detail && !fields.length ? ` FML says: ${detail}` : '';
  return `${fallback} (${head})${list}${extra}`;
}
