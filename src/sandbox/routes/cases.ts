import type { SandboxCore } from '../core';
import { apiError, header, json, parseJson, type SandboxRequest, type SandboxResponse } from '../http-io';
import { checkKey, rememberResponse } from '../idempotency';
import { readPageParams, toPage } from '../pagination';
import { readDateTime, readText, validateCreateCase, type FieldProblem } from '../validation';
import { authorize, authorizeRead } from './guard';

export const CREATE_CASE = 'POST /v1/cases';
export const LIST_CASES = 'GET /v1/cases';
export const GET_CASE = 'GET /v1/cases/{caseId}';

export const validationFailed = (fields: FieldProblem[]): SandboxResponse =>
  apiError(400, 'validation_error', `Invalid request: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}.`, {}, fields);

/**
 * `POST /v1/cases`. Order: auth, rate limit, scope; Idempotency-Key (replay or 409); body validation;
 * the tenant's `crmRecordId` de-duplication (200 + `Idempotent-Replay: crm-record-id`); create (201).
 * Successful outcomes are stored under the key. A validation 400 is stored too only with the
 * `replayErrors` option (FML's behaviour there is undocumented); by default a corrected retry with the
 * same key can succeed.
 */
export function createCase(core: SandboxCore, req: SandboxRequest): SandboxResponse {
  const guard = authorize(core, req, 'cases:write');
  if (!guard.ok) return guard.response;
  const { orgId } = guard.token;
  const decision = checkKey(core, orgId, CREATE_CASE, header(req.headers, 'idempotency-key'), true);
  if (decision.kind === 'respond') return decision.response;

  const parsed = parseJson(req.body.toString('utf8'));
  // Unparseable JSON is reported like a non-object body: one `body` field problem.
  const checked = validateCreateCase(parsed.ok ? parsed.value : undefined);
  if (!checked.ok) {
    const failed = validationFailed(checked.fields);
    if (core.options.replayErrors && decision.key !== undefined) rememberResponse(core, orgId, CREATE_CASE, decision.key, failed);
    return failed;
  }

  const existing = checked.value.crmRecordId === undefined ? undefined : core.caseForCrmRecord(orgId, checked.value.crmRecordId);
  const response = existing
    ? json(200, existing.data, { 'idempotent-replay': 'crm-record-id' })
    : json(201, core.createCase(orgId, checked.value).data);
  if (decision.key !== undefined) rememberResponse(core, orgId, CREATE_CASE, decision.key, response);
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

/** `GET /v1/cases/{caseId}`: 404 for unknown ids and for other tenants' ids alike. */
export function getCase(core: SandboxCore, req: SandboxRequest, rawId: string): SandboxResponse {
  const read = authorizeRead(core, req, 'read:cases', GET_CASE);
  if (!read.ok) return read.response;
  const { orgId } = read;
  let caseId: string;
  try {
    caseId = decodeURIComponent(rawId);
  } catch {
    caseId = rawId;
  }
  const rec = core.caseOf(orgId, caseId);
  return rec ? json(200, rec.data) : apiError(404, 'not_found', 'No case with this id.');
}
