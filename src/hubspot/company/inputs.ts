// Readers for HubSpot action inputs. HubSpot hands most values over as strings, but ids arrive as
// numbers, unset properties as "" (or not at all), and an admin can map any property into any input —
// so every reader takes `unknown` and says what was wrong in words an admin can act on.

/** What a reader found: a usable value, nothing, or a problem to report. */
export type InputReading = { kind: 'value'; value: string } | { kind: 'empty' } | { kind: 'invalid'; why: string };

const EMPTY: InputReading = { kind: 'empty' };

/** An own property of `fields`, never one inherited from a prototype (`__proto__`, `constructor`...). */
export function ownInput(fields: unknown, name: string): unknown {
  if (typeof fields !== 'object' || fields === null) return undefined;
  return Object.hasOwn(fields, name) ? (fields as Record<string, unknown>)[name] : undefined;
}

/** A text input: strings are trimmed, numbers and bigints become their decimal text, "" means unset. */
export function readText(value: unknown): InputReading {
  if (value === undefined || value === null) return EMPTY;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? EMPTY : { kind: 'value', value: trimmed };
  }
  if (typeof value === 'number')
    return Number.isFinite(value)
      ? { kind: 'value', value: String(value) }
      : { kind: 'invalid', why: `is not a usable number (${String(value)})` };
  if (typeof value === 'bigint') return { kind: 'value', value: value.toString() };
  return { kind: 'invalid', why: `must be text, got ${describe(value)}` };
}

/**
 * A HubSpot record id: a whole number ≥ 0, or its text. HubSpot ids are numeric; anything else means
 * the wrong property was mapped into the input, which would file the case under a bogus record.
 */
export function readRecordId(value: unknown): InputReading {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0)
      return { kind: 'invalid', why: `must be the Company's Record ID (a whole number), got ${String(value)}` };
    return { kind: 'value', value: String(value) };
  }
  const text = readText(value);
  if (text.kind !== 'value') return text;
  if (!/^\d{1,40}$/.test(text.value))
    return { kind: 'invalid', why: `must be the Company's Record ID (digits only), got ${quote(text.value)}` };
  return text;
}

/** A short, quoted echo of a bad value for an error message. */
export function quote(value: string, max = 60): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}
