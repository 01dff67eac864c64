// What JSON Schema's `format: date-time` (RFC 3339 §5.6) and `type: integer` accept, as plain
// predicates: FML's event schemas use both, and a receiver must never refuse a value they allow.

// RFC 3339 `date-time`: `T`/`Z` in either case (§5.6 NOTE), fractional seconds of any length, a
// numeric offset, and second 60 (a leap second). A space instead of `T` is allowed too, as RFC 3339
// permits "for the sake of readability" and JSON Schema validators (ajv-formats) accept it.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

const daysIn = (year: number, month: number): number =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/**
 * True for every RFC 3339 date-time (`2026-05-16t10:02:00z`, `2016-12-31T23:59:60Z`,
 * `2026-05-16T12:02:00.123456789+02:00`). Checks field ranges (month, day of month incl. leap years,
 * hour, minute, offset) but, like a lenient validator, accepts second 60 at any minute: refusing a
 * real leap second would refuse a valid event, and accepting a non-existent one harms nobody.
 */
export function isRfc3339DateTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 60) return false;
  return m[7] === undefined || (Number(m[8]) <= 23 && Number(m[9]) <= 59);
}

/**
 * Milliseconds since the epoch for an RFC 3339 date-time, or NaN. `Date.parse` alone returns NaN
 * for lower-case `t`/`z` and for a leap second on some engines; a leap second counts as the last
 * millisecond of its minute.
 */
export function rfc3339ToEpochMs(value: string): number {
  if (!isRfc3339DateTime(value)) return Number.NaN;
  const normal = value.replace(/^(.{10})[Tt ]/, '$1T').replace(/[Zz]$/, 'Z');
  const leap = /:60(?=[.Zz+-])/.test(normal.slice(13));
  const ms = Date.parse(leap ? normal.replace(/^(.{16}):60(?:\.\d+)?/, '$1:59.999') : normal);
  return ms;
}

/**
 * True for a JSON integer as `JSON.parse` hands it over. Integers in FML's schemas have no maximum,
 * so beyond 2^53 the number JSON gave (rounded) is kept rather than refused, and a literal too large
 * for a double (`1e400`, parsed as Infinity) is an integer too.
 */
export function isJsonInteger(value: unknown): value is number {
  return typeof value === 'number' && (Number.isInteger(value) || value === Infinity || value === -Infinity);
}
