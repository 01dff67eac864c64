import { FmlConfigError } from '../errors';
import { WebhookVerificationError } from './errors';
import type { RawBody } from './bytes';
import { rfc3339ToEpochMs } from '../internal/validation/json-values';
import { parseEvent } from './parse';
import type { WebhookEvent } from './schemas';
import { type VerifyOptions, type WebhookSecret, assertSignature } from './verify';

/** Request headers as frameworks hand them over: a Fetch `Headers`, or a plain record in any case (node's `IncomingHttpHeaders` included). */
export type HeadersLike =
  | Headers
  | {
      /** The header's value, or null when it is absent. */
      get(name: string): string | null;
    }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Options for {@link constructEvent}. */
export interface ConstructEventOptions extends VerifyOptions {
  /**
   * Reject events whose signed `timestamp` is older than this many seconds (reason `timestamp_too_old`).
   * Off by default: FML keeps an event's original `timestamp` when it is redelivered by hand, so a limit
   * would refuse legitimate manual redeliveries. De-duplication on `eventId` is the replay guard.
   * @default undefined (no limit)
   */
  maxAgeSeconds?: number;
}

/** The name of the header that carries FML's signature. */
export const SIGNATURE_HEADER = 'x-fml-signature';

/**
 * Verifies `X-FML-Signature` over the raw body, then parses the event: the one call a receiver needs.
 * Throws `WebhookVerificationError` (with a `reason`) or `WebhookPayloadError` (with `issues`).
 */
export async function constructEvent(
  rawBody: RawBody,
  headers: HeadersLike,
  secret: WebhookSecret,
  options?: ConstructEventOptions,
): Promise<WebhookEvent> {
  await assertSignature(rawBody, signatureHeaderOf(headers), secret, options);
  const event = parseEvent(rawBody);
  if (options?.maxAgeSeconds !== undefined) assertFresh(event.timestamp, options.maxAgeSeconds);
  return event;
}

/** The `X-FML-Signature` value(s) in `headers`, whatever their shape and case. */
export function signatureHeaderOf(headers: HeadersLike | null | undefined): string | undefined {
  if (!headers) return undefined;
  if (typeof headers.get === 'function') return headers.get(SIGNATURE_HEADER) ?? undefined;
  const values: string[] = [];
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== SIGNATURE_HEADER) continue;
    const value = (headers as Record<string, unknown>)[key];
    if (typeof value === 'string') values.push(value);
    else if (Array.isArray(value)) values.push(...value.filter((v): v is string => typeof v === 'string'));
  }
  return values.length ? values.join(', ') : undefined;
}

/** Throws a configuration error unless `maxAgeSeconds` is absent or a number ≥ 0. */
export function checkMaxAgeSeconds(maxAgeSeconds: number | undefined): void {
  if (maxAgeSeconds !== undefined && !(maxAgeSeconds >= 0))
    throw new FmlConfigError(`maxAgeSeconds must be a number of seconds ≥ 0; got ${String(maxAgeSeconds)}.`);
}

function assertFresh(timestamp: string, maxAgeSeconds: number): void {
  checkMaxAgeSeconds(maxAgeSeconds);
  const ageSeconds = (Date.now() - rfc3339ToEpochMs(timestamp)) / 1000;
  if (ageSeconds > maxAgeSeconds) {
    throw new WebhookVerificationError(
      'timestamp_too_old',
      `The event's signed timestamp is ${Math.round(ageSeconds)} s old, over maxAgeSeconds (${maxAgeSeconds}). A manual redelivery from the FML console keeps the original timestamp; raise or drop maxAgeSeconds to accept those.`,
    );
  }
}
