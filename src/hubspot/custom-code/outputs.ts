import type { Replayed } from '../../internal/resources/cases';
import type { Case } from '../../types';

/**
 * The action's outputs. Every key is always present (an empty string when it does not apply), so the
 * outputs declared in HubSpot's action panel and any "Copy property value" mapping never break.
 *
 * Declare `ok` as a Boolean output and all the others as String outputs.
 */
export interface CustomCodeOutputFields {
  /** true when FML has a case for this Company (new or existing). */
  ok: boolean;
  /** FML's case id: copy it to the Company's `fml_case_id` with a "Copy property value" action. */
  caseId: string;
  /** The customer portal link. */
  customerPortalUrl: string;
  /** When the invite was sent (ISO 8601), or "" when none was sent. */
  inviteSentAt: string;
  /** The case status, e.g. `in-progress`. */
  status: string;
  /**
   * Whether the case already existed — a string, so a workflow branch can tell the three cases apart:
   * `false` (a new case), `idempotency-key` (a re-run of this action: FML replayed its first answer),
   * `crm-record-id` (FML already had a case for this Company, made by another run or integration).
   * "" when `ok` is false.
   */
  replayed: string;
  /**
   * A stable code when `ok` is false (`missing_secret`, `validation_error`, `invalid_client`, ...), else "".
   * `validation_error_replayed`: FML replayed an earlier 400 under this Company's Idempotency-Key, so
   * only a new key helps (see the `idempotencyKeySuffix` option; `errorMessage` gives the steps).
   */
  errorCode: string;
  /** What went wrong and how to fix it, when `ok` is false, else "". */
  errorMessage: string;
}

/** What the handler returns (Node 24) and passes to `callback` (Node 20). */
export interface CustomCodeResult {
  outputFields: CustomCodeOutputFields;
}

/** HubSpot refuses string outputs longer than this (`OUTPUT_VALUES_TOO_LARGE`). */
export const MAX_OUTPUT_CHARS = 65_000;

const clip = (value: unknown): string => {
  const s = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return s.length > MAX_OUTPUT_CHARS ? `${s.slice(0, MAX_OUTPUT_CHARS - 1)}…` : s;
};

/** Outputs for a case FML made or already had. */
export function successOutputs(c: Case, replayed: Replayed): CustomCodeResult {
  return {
    outputFields: {
      ok: true,
      caseId: clip(c.caseId),
      customerPortalUrl: clip(c.customerPortalUrl),
      inviteSentAt: clip(c.inviteSentAt),
      status: clip(c.status),
      replayed: clip(replayed === false ? 'false' : replayed),
      errorCode: '',
      errorMessage: '',
    },
  };
}

/** Outputs for a failure HubSpot should not retry: the admin has something to fix. */
export function failureOutputs(errorCode: string, errorMessage: string): CustomCodeResult {
  return {
    outputFields: {
      ok: false,
      caseId: '',
      customerPortalUrl: '',
      inviteSentAt: '',
      status: '',
      replayed: '',
      errorCode: clip(errorCode),
      errorMessage: clip(errorMessage),
    },
  };
}
