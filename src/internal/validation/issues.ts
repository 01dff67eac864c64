import type { FieldError } from '../../errors';

/** The parts of a zod issue we read (zod/mini ships no message locale, so messages are made here). */
export interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  expected?: string;
  format?: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
  origin?: string;
  input?: unknown;
  values?: unknown[];
  /** Set by the SDK's own checks (`z.custom`, `z.refine`): what was expected. */
  params?: { expected?: string; format?: string };
}

/**
 * A readable message for one zod issue, e.g. "is required", "must be a valid email address". Names the
 * expected type and the received *type*, never the received value (it may be personal data).
 */
export function issueMessage(issue: ZodIssueLike, received?: unknown): string {
  if (received === undefined && issue.code !== 'too_small' && issue.code !== 'too_big') return 'is required';
  // JSON.parse reads a number too big for a double (1e400) as Infinity: not "must be a number, got a number".
  if (received === Infinity || received === -Infinity) return 'is out of range (too large for a number)';
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${article(issue.expected === 'int' ? 'integer' : (issue.expected ?? 'valid value'))}, got ${describe(received)}`;
    case 'invalid_format':
      if (issue.format === 'email') return 'must be a valid email address';
      if (issue.format === 'datetime') return 'must be an ISO 8601 date-time with offset, e.g. 2026-05-15T09:14:11Z';
      return `must be a valid ${issue.format ?? 'value'}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${issue.maximum} characters`
        : `must be at most ${issue.maximum}`;
    case 'too_small':
      return issue.origin === 'string'
        ? Number(issue.minimum) <= 1
          ? 'must not be empty'
          : `must be at least ${issue.minimum} characters`
        : `must be at least ${issue.minimum}`;
    case 'invalid_value':
      return `must be one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'custom':
      if (issue.params?.format === 'date-time') return 'must be an RFC 3339 date-time, e.g. 2026-05-15T09:14:11Z';
      return issue.params?.expected
        ? `must be ${article(issue.params.expected)}, got ${describe(received)}`
        : 'is invalid';
    case 'invalid_union':
      return `has the wrong type: got ${describe(received)}`;
    default:
      return 'is invalid';
  }
}

/** Zod issues as the SDK's field errors; `valueAt` reads the offending input to say what type was there. */
export function toFieldErrors(issues: readonly ZodIssueLike[], root: unknown): FieldError[] {
  return issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issueMessage(issue, valueAt(root, issue.path)),
  }));
}

/** The value at `path` in `root`, reading own properties only (so `constructor` finds nothing). */
export function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** A value's JSON type with its article: `a string`, `an integer`, `null`, `an array`… */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  return typeof v === 'object' ? 'an object' : article(typeof v);
}

function article(type: string): string {
  return /^[aeiou]/i.test(type) ? `an ${type}` : `a ${type}`;
}
