import { FmlConfigError, type FmlError, ValidationError } from '../../errors';
import { relabel } from '../company/case-request';
import type { ResolvedCompanyMapping } from '../company/company-to-case';
import { failureOutputs, type CustomCodeResult } from './outputs';

// The Custom Code action's messages for permanent failures, told in HubSpot's terms: what happened and
// what an admin changes in HubSpot or FML.

/** errorCode of a 400 that FML replays under the key: it starts like `validation_error`, so a branch on that prefix still matches. */
export const STUCK_KEY_CODE = 'validation_error_replayed';

/** A 400 FML sent as a replay (`Idempotent-Replay: true`): the key holds a rejection, whatever the data now is. */
export function isReplayedRejection(error: unknown): error is ValidationError {
  return (
    error instanceof ValidationError &&
    error.source === 'server' &&
    error.headers['idempotent-replay']?.trim().toLowerCase() === 'true'
  );
}

/** The message for a stuck key: what FML replayed, and the two steps that get the Company a case. */
export function stuckKey(
  error: ValidationError,
  mapped: { request: object; idempotencyKey: string },
  mapping: ResolvedCompanyMapping,
): string {
  const next = mapping.keySuffix ? `a suffix other than "${mapping.keySuffix}"` : '"v2"';
  return (
    `FML replayed its first answer to this Company, a 400 (Idempotent-Replay: true): Idempotency-Key ${mapped.idempotencyKey} is stuck, and re-runs with it fail even with fixed data. ` +
    `Reason: ${rejection(error, mapped.request, mapping)}. To recover: fix the Company, set FML_ACTION_OPTIONS.idempotencyKeySuffix to ${next} (a new key; Companies that have a case keep it, FML matches crmRecordId), then re-enrol it.${requestRef(error)}`
  );
}

/**
 * The admin-facing message for a permanent failure: what happened and what to change in HubSpot or FML.
 * The SDK's own messages already say that for credentials and scopes (naming FML_CLIENT_ID and
 * FML_CLIENT_SECRET, which are also the secrets' names here); a 400 is retold in HubSpot's terms.
 */
export function explain(error: FmlError, request: object, mapping: ResolvedCompanyMapping): string {
  if (error instanceof ValidationError && error.source === 'server')
    return `FML rejected this Company's data (400 validation_error): ${rejection(error, request, mapping)}. Fix the Company's properties, then re-enrol it (a re-run reporting ${STUCK_KEY_CODE} says how to move to a new key).${requestRef(error)}`;
  return `${error.message}${requestRef(error)}`;
}

/** FML's 400, retold in HubSpot's terms: each field it named as the Company property behind it, else its message. */
function rejection(error: ValidationError, request: object, mapping: ResolvedCompanyMapping): string {
  const fields = error.fields.map((f) => relabel(f, request, mapping).message);
  return fields.length ? fields.join('; ') : error.message;
}

/** The request id to quote to FML support, as the end of a message ("" when FML sent none). */
function requestRef(error: FmlError): string {
  const rid = (error as { requestId?: string }).requestId;
  return rid ? ` (FML request id ${rid})` : '';
}

/** The outputs for a secret whose value cannot work (an FmlConfigError); anything else is rethrown. */
export function unusableSecret(name: string, error: unknown, fix: string): CustomCodeResult {
  if (error instanceof FmlConfigError)
    return failureOutputs(error.code, `The ${name} secret is not usable: ${error.message} ${fix}`);
  throw error;
}
