import { HubSpotApiError } from '../crm/errors';
import type { AutomationSend } from './hubspot-api';
import { automationPaths, type AutomationApiVersion } from './paths';
import type { OutputFields } from './store';

/** One blocked execution to complete. */
export interface CallbackCompletion {
  callbackId: string;
  /** Must hold `hs_execution_state`: `SUCCESS` or `FAIL_CONTINUE`. */
  outputFields: OutputFields;
}

// HubSpot's batch endpoints take at most 100 inputs.
const BATCH_LIMIT = 100;
// A completion sent twice is harmless: HubSpot refuses the second as already completed, which
// `isAlreadyCompleted` recognises. So a completion whose answer was lost may be retried.
const SAFE = { idempotent: true } as const;

/**
 * HubSpot's answer to completing a callback that is completed already — typically our own completion
 * whose answer was lost, retried. HubSpot answers 400 and says so in its message; this reads that.
 */
export function isAlreadyCompleted(error: unknown): boolean {
  return (
    error instanceof HubSpotApiError && error.status === 400 && /already\s+(been\s+)?completed/i.test(error.message)
  );
}

/** Options of {@link completeCallbacks}. */
export interface CompleteCallbacksOptions {
  /**
   * The automation API paths to use (`'v4'`: the legacy `/automation/v4/actions/callbacks/…`).
   * @default "2026-03"
   */
  apiVersion?: AutomationApiVersion;
}

/**
 * The body of one completion. HubSpot's 2026-03 callbacks API requires `typedOutputs` next to
 * `outputFields`; the same typed values are sent on v4 too, where they are ignored.
 */
function completionBody(c: CallbackCompletion): { outputFields: OutputFields; typedOutputs: OutputFields } {
  return { outputFields: c.outputFields, typedOutputs: { ...c.outputFields } };
}

/**
 * Completes blocked executions so their workflows move on: one with
 * `POST /automation/actions/callbacks/2026-03/{callbackId}/complete`, several at once with the batch
 * `POST /automation/actions/callbacks/2026-03/complete` (100 per call) — or the legacy
 * `/automation/v4/actions/callbacks/…` paths with `{ apiVersion: 'v4' }`. All must belong to the
 * portal whose token `send` holds. Completions are retried like reads (see `isAlreadyCompleted` for
 * the repeat's answer). Rejects with the first failure after the sender's retries.
 */
export async function completeCallbacks(
  send: AutomationSend,
  completions: readonly CallbackCompletion[],
  options: CompleteCallbacksOptions = {},
): Promise<void> {
  const paths = automationPaths(options.apiVersion);
  const [only, ...others] = completions;
  if (only && others.length === 0) {
    await send(
      'POST',
      paths.completeOne(only.callbackId),
      completionBody(only),
      `complete callback ${only.callbackId}`,
      SAFE,
    );
    return;
  }
  for (let i = 0; i < completions.length; i += BATCH_LIMIT) {
    const inputs = completions
      .slice(i, i + BATCH_LIMIT)
      .map((c) => ({ callbackId: c.callbackId, ...completionBody(c) }));
    await send('POST', paths.completeBatch(), { inputs }, `complete ${inputs.length} callbacks`, SAFE);
  }
}

/**
 * Completes a portal's callbacks; when a batch is refused for good (one stale callback spoils the
 * lot), completes them one by one so the others still go through. Returns the refusals by callbackId.
 */
export async function completeWithFallback(
  send: AutomationSend,
  completions: readonly CallbackCompletion[],
  options: CompleteCallbacksOptions = {},
): Promise<Map<string, HubSpotApiError>> {
  const refused = new Map<string, HubSpotApiError>();
  try {
    await completeCallbacks(send, completions, options);
    return refused;
  } catch (error) {
    if (!isRefusal(error)) throw error;
    const [only, ...others] = completions;
    if (only && others.length === 0) {
      // Already completed: our own earlier attempt went through and only its answer was lost.
      if (!isAlreadyCompleted(error)) refused.set(only.callbackId, error);
      return refused;
    }
  }
  for (const c of completions) {
    try {
      await completeCallbacks(send, [c], options);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      if (!isAlreadyCompleted(error)) refused.set(c.callbackId, error);
    }
  }
  return refused;
}

/** HubSpot said no for good: not throttling or failing, and not a token problem that a fix or refresh cures. */
function isRefusal(error: unknown): error is HubSpotApiError {
  return error instanceof HubSpotApiError && !error.retryable && error.status !== 401 && error.status !== 403;
}
