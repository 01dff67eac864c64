import {
  createHubSpotSender,
  type HubSpotApiProfile,
  type HubSpotCredential,
  type HubSpotHttpOptions,
  type HubSpotMethod,
  type HubSpotSend,
} from '../crm/http';
import { automationPaths, type AutomationApiVersion } from './paths';

export type { HubSpotCredential } from '../crm/http';

/** How the automation API (callbacks, action definitions) is called. */
export interface HubSpotAutomationHttpOptions extends HubSpotHttpOptions {
  /**
   * Which automation API paths to call: `'2026-03'` (HubSpot's current `/automation/actions/2026-03/…`
   * and `/automation/actions/callbacks/2026-03/…`) or `'v4'` (the legacy `/automation/v4/actions/…`).
   * @default "2026-03"
   */
  apiVersion?: AutomationApiVersion;
  /**
   * Retries after the first attempt. A 429 (except the daily limit) is always retried; 5xx, timeouts and
   * connection errors only for calls that are safe to repeat (completions and reads, not creating a
   * definition).
   * @default 4
   */
  maxRetries?: number;
  /**
   * The longest `Retry-After` honoured, in ms. A longer one ends the call with the (retryable) error, so
   * the caller — an FML webhook delivery — can fail fast and be redelivered later instead of hanging.
   * @default 30000
   */
  maxRetryAfterMs?: number;
}

/** Sends one logical request to the automation API, with retries. */
export type AutomationSend = HubSpotSend;

const isCallbacks = (path: string): boolean =>
  automationPaths('2026-03').isCallbacks(path) || automationPaths('v4').isCallbacks(path);

/** The 403 hint of an automation call: completing callbacks needs the `automation` scope. */
function automationForbiddenHint(_method: HubSpotMethod, path: string): string {
  return isCallbacks(path)
    ? "The token lacks the automation scope, which completing workflow callbacks needs: add it to the app's scopes and have the portal reinstall the app."
    : "The credential may not manage this app's actions: use the developer API key of the account that owns the app.";
}

/**
 * A sender for HubSpot's automation API (the shared HubSpot sender with this API's defaults and 403
 * hints). The credential lives in its closure only. `deadlineAt` (epoch ms) bounds every call it makes.
 */
export function automationSender(
  credential: HubSpotCredential,
  options: HubSpotAutomationHttpOptions = {},
  deadlineAt?: number,
  extra: Partial<HubSpotApiProfile> = {},
): AutomationSend {
  const profile: Partial<HubSpotApiProfile> = {
    maxRetries: 4,
    maxRetryAfterMs: 30_000,
    forbiddenHint: automationForbiddenHint,
    ...(deadlineAt === undefined ? {} : { deadlineAt }),
    ...extra,
  };
  return createHubSpotSender(credential, options, profile);
}
