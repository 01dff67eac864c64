import type { AutomationSend } from './hubspot-api';
import type { OutputFields } from './store';

/** One blocked execution to complete. */
export interface CallbackCompletion {
  callbackId: string;
  /** Must hold `hs_execution_state`: `SUCCESS` or `FAIL_CONTINUE`. */
  outputFields: OutputFields;
}

// HubSpot's batch endpoints take at most 100 inputs.
const BATCH_LIMIT = 100;

/**
 * Completes blocked executions so their workflows move on: one with
 * `POST /automation/v4/actions/callbacks/{callbackId}/complete`, several at once with the batch
 * `POST /automation/v4/actions/callbacks/complete` (100 per call). All must belong to the portal whose
 * token `send` holds. Rejects with the first failure after the sender's retries.
 */
export async function completeCallbacks(send: AutomationSend, completions: readonly CallbackCompletion[]): Promise<void> {
  if (completions.length === 1) {
    const only = completions[0]!;
    await send('POST', `/automation/v4/actions/callbacks/${encodeURIComponent(only.callbackId)}/complete`, { outputFields: only.outputFields }, `complete callback ${only.callbackId}`);
    return;
  }
  for (let i = 0; i < completions.length; i += BATCH_LIMIT) {
    const inputs = completions.slice(i, i + BATCH_LIMIT).map((c) => ({ callbackId: c.callbackId, outputFields: c.outputFields }));
    await send('POST', '/automation/v4/actions/callbacks/complete', { inputs }, `complete ${inputs.length} callbacks`);
  }
}
