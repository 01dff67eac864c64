import type { SandboxCore } from '../core';
import { header, json, type SandboxRequest, type SandboxResponse } from '../http-io';
import { checkKey } from '../idempotency';
import { decodeCursor, paginate } from '../pagination';
import { readDateTime, readLimit, readText, type FieldProblem } from '../validation';
import { validationFailed } from './cases';
import { authorize } from './guard';

export const LIST_EVENTS = 'GET /v1/events';

/** `GET /v1/events`: the tenant's events, oldest first — the same objects the webhooks carry. */
export function listEvents(core: SandboxCore, req: SandboxRequest): SandboxResponse {
  const guard = authorize(core, req, 'read:events');
  if (!guard.ok) return guard.response;
  const { orgId } = guard.token;
  const decision = checkKey(core, orgId, LIST_EVENTS, header(req.headers, 'idempotency-key'), false);
  if (decision.kind === 'respond') return decision.response;

  const fields: FieldProblem[] = [];
  const limit = readLimit(req.query, fields);
  const cursor = readText(req.query, 'cursor', fields);
  const after = cursor === undefined ? 0 : decodeCursor(cursor);
  if (after === undefined) fields.push({ field: 'cursor', message: 'is not a cursor this API returned; pass nextCursor back verbatim' });
  const since = readDateTime(req.query, 'since', fields);
  const type = readText(req.query, 'type', fields);
  if (fields.length) return validationFailed(fields);

  const matches = core.state.events
    .filter((e) => e.orgId === orgId)
    .filter((e) => type === undefined || e.data.event === type)
    .filter((e) => since === undefined || Date.parse(e.data.timestamp) >= since);
  return json(200, paginate(matches, after ?? 0, limit));
}
