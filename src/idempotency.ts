import { ValidationError } from './errors';

/** FML accepts Idempotency-Keys of at most this many characters (a decision; see openapi.yaml). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

// Header values must be visible ASCII: anything else is either rejected by fetch or mangled on the way.
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/**
 * Helpers that make Idempotency-Keys. A key is what makes a create safe to retry: FML replays the
 * original answer for a key it has seen, so the same key must be used for every attempt at one case.
 */
export const idempotencyKey = {
  /**
   * The stable key for a CRM record: `<source>-<recordId>`, e.g. `hubspot-12345` — the same key the FML
   * HubSpot recipe uses, so re-runs of a workflow for the same Company can never make a second case.
   */
  forCrmRecord(source: string, recordId: string | number | bigint): string {
    const s = String(source ?? '')
      .trim()
      .toLowerCase();
    const id = String(recordId ?? '').trim();
    const fields = [
      ...(s ? [] : [{ field: 'source', message: 'is empty: name the CRM, e.g. "hubspot"' }]),
      ...(id ? [] : [{ field: 'recordId', message: 'is empty: pass the CRM record id' }]),
    ];
    if (fields.length) throw new ValidationError({ fields });
    return assertIdempotencyKey(`${s}-${id}`);
  },

  /** A fresh random key (`fml-<uuid v4>`), for creates that have no natural key. */
  random(): string {
    return `fml-${globalThis.crypto.randomUUID()}`;
  },
};

/** Returns the key when FML will accept it, else throws a local {@link ValidationError}. */
export function assertIdempotencyKey(key: string): string {
  if (
    typeof key !== 'string' ||
    key.length === 0 ||
    key.length > MAX_IDEMPOTENCY_KEY_LENGTH ||
    !HEADER_SAFE.test(key)
  ) {
    throw new ValidationError({
      fields: [
        {
          field: 'idempotencyKey',
          message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters without spaces`,
        },
      ],
    });
  }
  return key;
}
