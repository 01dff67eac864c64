// Response headers as the errors and the engine read them.

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
