import type { SandboxCore } from '../core';
import { apiError, json, type SandboxRequest, type SandboxResponse } from '../http-io';
import { rememberResponse } from '../idempotency';
import { readPageParams, toPage } from '../pagination';
import {
  readDateTime,
  readText,
  validateCreateCase,
  validateDisposition,
  validateSetCrmRecordId,
  type FieldProblem,
} from '../validation';
import { authorizeRead, openWrite, validationFailed } from './guard';

export const CREATE_CASE = 'POST /v1/cases';
export const LIST_CASES = 'GET /v1/cases';
export const GET_CASE = 'GET /v1/cases/{caseId}';
export const SET_CRM_RECORD_ID = 'POST /api/cases/{caseId}/crm-record-id';
export const RECORD_DISPOSITION = 'POST /v1/cases/{caseId}/screening/disposition';

/**
 * `POST /v1/cases`. Order: auth, rate limit, scope; Idempotency-Key (replay or 409); body validation;
 * the tenant's `crmRecordId` de-duplication (200 + `Idempotent-Replay: crm-record-id`); create (201).
 * Successful outcomes are stored under the key. A validation 400 is stored too only with the
 * `replayErrors` option (FML's behaviour there is undocumented); by default a corrected retry with the
 * same key can succeed.
 */
export function createCase(core: SandboxCore, req: SandboxRequest): SandboxResponse {
  const opened = openWrite(core, req, {
    route: CREATE_CASE,
    replayable: true,
    validate: validateCreateCase,
    rememberInvalid: core.options.replayErrors,
  });
  if (!opened.ok) return opened.response;
  const { orgId, key, input } = opened;
  const existing = input.crmRecordId === undefined ? undefined : core.caseForCrmRecord(orgId, input.crmRecordId);
  const response = existing
    ? json(200, existing.data, { 'idempotent-replay': 'crm-record-id' })
    : json(201, core.createCase(orgId, input).data);
  if (key !== undefined) rememberResponse(core, orgId, CREATE_CASE, key, response);
  return response;
}

/** `GET /v1/cases`: the tenant's cases in creation order, filtered, one page at a time. */
export function listCases(core: SandboxCore, req: SandboxRequest): SandboxResponse {
  const read = authorizeRead(core, req, 'read:cases', LIST_CASES);
  if (!read.ok) return read.response;
  const { orgId } = read;

  const fields: FieldProblem[] = [];
  const { limit, after } = readPageParams(req.query, fields);
  const status = readText(req.query, 'status', fields);
  const updatedSince = readDateTime(req.query, 'updated_since', fields);
  const createdSince = readDateTime(req.query, 'created_since', fields);
  if (fields.length) return validationFailed(fields);

  // O(page) from the per-tenant indexes, however many cases there are (see indexes.ts).
  return json(200, toPage(core.state.index.casePage(orgId, { after, limit, status, updatedSince, createdSince })));
}

/** A `{caseId}` path segment, percent-decoded (kept as sent when it is not valid percent-encoding). */
function caseIdOf(rawId: string): string {
  try {
    return decodeURIComponent(rawId);
  } catch {
    return rawId;
  }
}

const caseNotFound = (): SandboxResponse => apiError(404, 'not_found', 'No case with this id.');

/** `GET /v1/cases/{caseId}`: 404 for unknown ids and for other tenants' ids alike. */
export function getCase(core: SandboxCore, req: SandboxRequest, rawId: string): SandboxResponse {
  const read = authorizeRead(core, req, 'read:cases', GET_CASE);
  if (!read.ok) return read.response;
  const rec = core.caseOf(read.orgId, caseIdOf(rawId));
  return rec ? json(200, rec.data) : caseNotFound();
}

/**
 * `POST /api/cases/{caseId}/crm-record-id` (FML names it; body, answer and scope inferred, as in
 * openapi.yaml): sets the case's `crmRecordId`, so every later webhook carries it. 200 with the case;
 * setting the value the case already has is a no-op 200; 409 when another case of the tenant holds it.
 */
export function setCrmRecordId(core: SandboxCore, req: SandboxRequest, rawId: string): SandboxResponse {
  const opened = openWrite(core, req, {
    route: SET_CRM_RECORD_ID,
    replayable: false,
    validate: validateSetCrmRecordId,
  });
  if (!opened.ok) return opened.response;
  const { crmRecordId, crmSource } = opened.input;
  const outcome = core.setCrmRecordId(opened.orgId, caseIdOf(rawId), crmRecordId, crmSource);
  if (outcome === 'not_found') return caseNotFound();
  if (outcome === 'taken') return apiError(409, 'conflict', 'Another case already has this crmRecordId.');
  return json(200, outcome.data);
}

/**
 * `POST /v1/cases/{caseId}/screening/disposition` (FML names it; body and answer inferred): records
 * a disposition for `(caseId, hitId)` and echoes it. With an Idempotency-Key, a retry replays the
 * first answer.
 */
export function recordDisposition(core: SandboxCore, req: SandboxRequest, rawId: string): SandboxResponse {
  const opened = openWrite(core, req, { route: RECORD_DISPOSITION, replayable: true, validate: validateDisposition });
  if (!opened.ok) return opened.response;
  const { orgId, key } = opened;
  const rec = core.caseOf(orgId, caseIdOf(rawId));
  if (!rec) return caseNotFound();
  const { hitId, disposition, note } = opened.input;
  const response = json(200, {
    caseId: rec.data.caseId,
    hitId,
    disposition,
    note: note ?? null,
    recordedAt: core.nowIso(),
  });
  if (key !== undefined) rememberResponse(core, orgId, RECORD_DISPOSITION, key, response);
  return response;
}
