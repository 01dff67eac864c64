import type { FieldError } from '../errors';

/** Problems with common list parameters (`limit`, `cursor`, and the named date fields). */
export function checkListParams(params: Record<string, unknown>, dateFields: string[]): FieldError[] {
  const problems: FieldError[] = [];
  if (typeof params !== 'object' || params === null) return [{ field: '(params)', message: 'must be an object' }];
  const { limit, cursor } = params;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 200)) {
    problems.push({ field: 'limit', message: 'must be a whole number from 1 to 200' });
  }
  if (cursor !== undefined && (typeof cursor !== 'string' || cursor === '')) problems.push({ field: 'cursor', message: 'must be a non-empty string' });
  for (const field of dateFields) {
    const v = params[field];
    if (v !== undefined && toQueryDate(v as Date | string) === undefined) problems.push({ field, message: 'must be a Date or an ISO 8601 date-time string' });
  }
  return problems;
}

/** A Date or date string as the ISO string FML expects; undefined when absent or unreadable. */
export function toQueryDate(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}
