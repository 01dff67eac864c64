import type { Case } from '../../types';
import type { CaseOutcome } from './outcome';
import type { CallbackRecord, OutputFields } from './store';

// The output fields the action answers HubSpot with, and completes blocked callbacks with: one shape
// per outcome, so an execution's answer and a later completion always say the same thing.

/** `SUCCESS` for a case: its id, portal URL and status, and the decision when one is known. */
export function success(kase: Case, decided: CaseOutcome | undefined): OutputFields {
  return {
    hs_execution_state: 'SUCCESS',
    caseId: kase.caseId,
    customerPortalUrl: typeof kase.customerPortalUrl === 'string' ? kase.customerPortalUrl : '',
    // A decision the case read does not show yet (a remembered event) still names its status.
    status: decided?.status || (typeof kase.status === 'string' ? kase.status : ''),
    ...(decided ? { decision: decided.decision } : {}),
  };
}

/** `FAIL_CONTINUE` with a code and a message (cut to HubSpot's 65,000-character field limit). */
export function failure(code: string, message: string): OutputFields {
  return {
    hs_execution_state: 'FAIL_CONTINUE',
    errorCode: code,
    errorMessage: message.length > 65_000 ? `${message.slice(0, 64_999)}…` : message,
  };
}

/** The `SUCCESS` a blocked callback is completed with once FML decided its case. */
export function completionOutputs(record: CallbackRecord, outcome: CaseOutcome): OutputFields {
  return {
    hs_execution_state: 'SUCCESS',
    caseId: outcome.caseId,
    customerPortalUrl: record.customerPortalUrl ?? '',
    status: outcome.status,
    decision: outcome.decision,
  };
}

/** The BLOCK answer: HubSpot waits `duration` (ISO 8601) for the completion. */
export function blocked(duration: string): OutputFields {
  return { hs_execution_state: 'BLOCK', hs_expiration_duration: duration };
}
