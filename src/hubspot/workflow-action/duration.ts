const UNIT_MS = {
  Y: 365 * 86_400_000,
  M: 30 * 86_400_000,
  W: 7 * 86_400_000,
  D: 86_400_000,
  H: 3_600_000,
  TM: 60_000,
  S: 1000,
} as const;

/**
 * An ISO 8601 duration (`P1W`, `P1WT1H`, `PT36H`, `P2DT30M`) in milliseconds, or undefined when it is
 * not one. HubSpot takes the expiry of a blocked action in this format; the handler needs it in ms to
 * know when a block has lapsed. Years and months count as 365 and 30 days — HubSpot does not say how it
 * counts them, so prefer weeks, days and hours.
 */
export function isoDurationMs(value: string): number | undefined {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
    value,
  );
  if (!match || value === 'P' || value.endsWith('T')) return undefined;
  const [, y, mo, w, d, h, mi, s] = match;
  const ms =
    n(y) * UNIT_MS.Y +
    n(mo) * UNIT_MS.M +
    n(w) * UNIT_MS.W +
    n(d) * UNIT_MS.D +
    n(h) * UNIT_MS.H +
    n(mi) * UNIT_MS.TM +
    n(s) * UNIT_MS.S;
  return ms > 0 && Number.isFinite(ms) ? Math.round(ms) : undefined;
}

const n = (v: string | undefined): number => (v === undefined ? 0 : Number(v));
