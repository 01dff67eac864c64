import { ValidationError } from '../errors';

/**
 * Builds a URL path, percent-encoding every interpolated value, so no call site can forget to
 * (an id with `/` or `?` in it cannot reach another endpoint). `.` and `..` survive encoding and
 * would be resolved by URL normalisation, so they are refused.
 */
export function path(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(checkPathSegment('(path)', String(values[i]))) : ''), '');
}

/** Returns `value` when it is a usable path segment, else throws a local ValidationError naming `field`. */
export function checkPathSegment(field: string, value: string): string {
  if (value === '.' || value === '..') throw new ValidationError({ fields: [{ field, message: `must not be "${value}"` }] });
  return value;
}
