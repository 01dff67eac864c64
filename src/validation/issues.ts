import type { FieldError } from '../errors';

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
}

/** A readable message for one zod issue, e.g. "is required", "must be a valid email address". */
export function issueMessage(issue: ZodIssueLike, input?: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? 'is required' : `must be ${article(issue.expected ?? 'valid value')}, got ${describe(input)}`;
    case 'invalid_format':
      return issue.format === 'email' ? 'must be a valid email address' : `must be a valid ${issue.format ?? 'value'}`;
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${issue.maximum} characters` : `must be at most ${issue.maximum}`;
    case 'too_small':
      return issue.origin === 'string' ? (Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`) : `must be at least ${issue.minimum}`;
    case 'invalid_value':
      return `must be one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return 'is invalid';
  }
}

/** Zod issues as the SDK's field errors; `valueAt` reads the offending input to say what was there. */
export function toFieldErrors(issues: readonly ZodIssueLike[], root: unknown): FieldError[] {
  return issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issueMessage(issue, valueAt(root, issue.path)),
  }));
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || !Object.prototype.hasOwnProperty.call(v, key)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : typeof v;
}

function article(type: string): string {
  return /^[aeiou]/i.test(type) ? `an ${type}` : `a ${type}`;
}
