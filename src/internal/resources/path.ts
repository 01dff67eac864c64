import { type FieldError, ValidationError } from '../../errors';

/**
 * Builds a URL path, percent-encoding every interpolated value, so no call site can forget to
 * (an id with `/` or `?` in it cannot reach another endpoint). `.` and `..` survive encoding and
 * would be resolved by URL normalisation, so they are refused.
 */
export function path(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce(
    (out, s, i) =>
      out + s + (i < values.length ? encodeURIComponent(checkPathSegment('(path)', String(values[i]))) : ''),
    '',
  );
}

/** Returns `value` when it is a usable path segment, else throws a local ValidationError naming `field`. */
export function checkPathSegment(field: string, value: string): string {
  if (value === '.' || value === '..')
    throw new ValidationError({ fields: [{ field, message: `must not be "${value}"` }] });
  return value;
}

/** Problems with a case id argument: a non-empty string that is a usable path segment. */
export function caseIdProblems(caseId: unknown): FieldError[] {
  if (typeof caseId !== 'string' || caseId.trim() === '')
    return [{ field: 'caseId', message: 'must be a non-empty string' }];
  return caseId === '.' || caseId === '..' ? [{ field: 'caseId', message: `must not be "${caseId}"` }] : [];
}

/** Throws a local ValidationError unless `caseId` is a non-empty string usable as a path segment. */
export function checkCaseId(caseId: unknown): asserts caseId is string {
  const fields = caseIdProblems(caseId);
  if (fields.length) throw new ValidationError({ fields });
}

/** Problems with a text argument: a string (non-blank when required) of at most `max` characters. */
export function checkText(
  field: string,
  value: unknown,
  { required, max }: { required: boolean; max: number },
): FieldError[] {
  if (value === undefined) return required ? [{ field, message: 'is required' }] : [];
  if (typeof value !== 'string') return [{ field, message: 'must be a string' }];
  if (required && value.trim() === '') return [{ field, message: 'must not be empty' }];
  return value.length > max ? [{ field, message: `must be at most ${max} characters` }] : [];
}
