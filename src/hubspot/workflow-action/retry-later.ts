import { FmlConfigError } from '../../errors';

// "Try again later" answers of the workflow action endpoint. HubSpot's custom-action docs retry a 429
// honouring Retry-After, and a 5xx "later"; its newer workflow-extension docs retry only 429 and log any
// other status as a failure. So every answer meaning "nothing is wrong with this execution, send it
// again" is a 429 with Retry-After: both readings retry it, and the retry is safe (the create replays
// under the same Idempotency-Key, and a remembered callbackId is answered again).

/** Why an execution was answered 429 "retry later". */
export type RetryLaterReason =
  /** FML answered 429; its own `Retry-After` is passed on when it sent one. */
  | 'fml_rate_limited'
  /** FML was down, timed out, or dropped the connection. */
  | 'fml_unavailable'
  /** FML refused the app's own API credentials (wrong secret, missing scope): the operator's fix. */
  | 'fml_credentials_rejected'
  /** The execution store failed. */
  | 'store_unavailable'
  /** HubSpot's CRM (reading the Company property chosen for the contact) was throttling or down. */
  | 'hubspot_unavailable'
  /** HubSpot refused the portal's token for that read (revoked, or a missing scope): the operator's fix. */
  | 'hubspot_credentials_rejected'
  /** The handler's configuration failed for this request (no FML client for the portal, `publicUrl` threw). */
  | 'configuration_error'
  /** A bug or a throwing hook. */
  | 'internal_error';

/** `Retry-After` seconds: one number for every reason, or per reason (unnamed reasons keep the defaults). */
export type RetryAfterSetting = number | Partial<Record<RetryLaterReason, number>>;

/** The default `Retry-After` per reason, in seconds: a minute, or five when a person has to fix something. */
export const DEFAULT_RETRY_AFTER_SECONDS: Readonly<Record<RetryLaterReason, number>> = Object.freeze({
  fml_rate_limited: 60,
  fml_unavailable: 60,
  fml_credentials_rejected: 300,
  store_unavailable: 60,
  hubspot_unavailable: 60,
  hubspot_credentials_rejected: 300,
  configuration_error: 300,
  internal_error: 60,
});

/** Resolves the `retryAfterSeconds` option to a lookup; throws {@link FmlConfigError} for a bad value. */
export function resolveRetryAfter(setting: RetryAfterSetting | undefined): (reason: RetryLaterReason) => number {
  const table: Record<RetryLaterReason, number> = { ...DEFAULT_RETRY_AFTER_SECONDS };
  const check = (name: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 86_400)
      throw new FmlConfigError(
        `createWorkflowActionHandler: ${name} must be whole seconds from 1 to 86400, got ${String(v)}.`,
      );
    return v;
  };
  if (typeof setting === 'number')
    for (const key of Object.keys(table) as RetryLaterReason[]) table[key] = check('retryAfterSeconds', setting);
  else if (typeof setting === 'object' && setting !== null) {
    for (const [key, v] of Object.entries(setting)) {
      if (!Object.hasOwn(table, key))
        throw new FmlConfigError(
          `createWorkflowActionHandler: retryAfterSeconds has no reason "${key}" (known: ${Object.keys(table).join(', ')}).`,
        );
      table[key as RetryLaterReason] = check(`retryAfterSeconds.${key}`, v);
    }
  } else if (setting !== undefined)
    throw new FmlConfigError(
      'createWorkflowActionHandler: retryAfterSeconds must be a number of seconds or an object of seconds per reason.',
    );
  return (reason) => table[reason];
}

/** The 429 answer: `{ error: reason, message }` with `Retry-After`. */
export function retryLaterAnswer(
  reason: RetryLaterReason,
  message: string,
  seconds: number,
): { status: 429; body: Record<string, unknown>; headers: Record<string, string> } {
  return { status: 429, body: { error: reason, message }, headers: { 'retry-after': String(seconds) } };
}
