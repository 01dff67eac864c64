import type { SandboxCore } from '../core';
import { json, type SandboxRequest, type SandboxResponse } from '../http-io';
import { readPageParams, toPage } from '../pagination';
import { readDateTime, readText, type FieldProblem } from '../validation';
import { authorizeRead, validationFailed } from './guard';

export const LIST_EVENTS = 'GET /v1/events';

/** `GET /v1/events`: the tenant's events, oldest first — the same objects the webhooks carry. */
export function listEvents(core: SandboxCore, req: SandboxRequest): SandboxResponse {
  const read = authorizeRead(core, req, 'read:events', LIST_EVENTS);
  if (!read.ok) return read.response;
  const { orgId } = read;

  const fields: FieldProblem[] = [];
  const { limit, after } = readPageParams(req.query, fields);
  const since = readDateTime(req.query, 'since', fields);
  const type = readText(req.query, 'type', fields);
  if (fields.length) return validationFailed(fields);

  return json(200, toPage(core.state.index.eventPage(orgId, { after, limit, type, since })));
}
