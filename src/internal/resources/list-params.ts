import type { FieldError } from '../../errors';

/** Problems with common list parameters (`limit`, `cursor`, and the named date fields). */
export function checkListParams(params: Record<string, unknown>, dateFields: string[]): FieldError[] {
  const problems: FieldError[] = [];
  if (typeof params !== 'object' || params === null) return [{ field: '(params)', message: 'must be an object' }];
  const { limit, cursor, status, type } = params;
  for (const [field, v] of [
    ['status', status],
    ['type', type],
  ] as const) {
    if (v !== undefined && (typeof v !== 'string' || v === ''))
      problems.push({ field, message: 'must be a non-empty string' });
  }
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 200)) {
    problems.push({ field: 'limit', message: 'must be a whole number from 1 to 200' });
  }
  if (cursor !== undefined && (typeof cursor !== 'string' || cursor === ''))
    problems.push({ field: 'cursor', message: 'must be a non-empty string' });
  for (const field of dateFields) {
    const v = params[field];
    if (v !== undefined && toQueryDate(v as Date | string) === undefined)
      problems.push({
        field,
        message: 'must be a Date, or an ISO 8601 date-time with an offset (e.g. 2026-05-15T09:14:11Z) or a plain date',
      });
  }
  return problems;
}

// A date-time string must say its offset: without one, JavaScript reads it in this machine's time zone,
// and the same code would filter differently on a laptop and on a server. A plain date is read as UTC.
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** A Date or date string as the ISO string FML expects; undefined when absent, unreadable or without an offset. */
export function toQueryDate(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && !DATE_ONLY.test(value) && !WITH_OFFSET.test(value)) return undefined;
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}
