/**
 * Builds a URL path, percent-encoding every interpolated value, so no call site can forget to
 * (an id with `/` or `?` in it cannot reach another endpoint).
 */
export function path(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(String(values[i])) : ''), '');
}
