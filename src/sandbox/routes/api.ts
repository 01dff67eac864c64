import type { SandboxCore } from '../core';
import { apiError, type SandboxRequest, type SandboxResponse } from '../http-io';
import { createCase, getCase, listCases, recordDisposition, setCrmRecordId } from './cases';
import { listEvents } from './events';
import { RouteTable } from '../shell/route-table';
import { createToken } from './token';

type Handler = (core: SandboxCore, req: SandboxRequest, param: string) => SandboxResponse;

/** FML's public API: path patterns as openapi.yaml names them (a trailing slash tolerated). */
const ROUTES = new RouteTable<Handler>([
  ['POST', /^\/v1\/oauth\/token\/?$/, createToken],
  ['GET', /^\/v1\/cases\/?$/, listCases],
  ['POST', /^\/v1\/cases\/?$/, createCase],
  ['GET', /^\/v1\/cases\/([^/]+)\/?$/, getCase],
  ['POST', /^\/v1\/cases\/([^/]+)\/screening\/disposition\/?$/, recordDisposition],
  // FML names this one under /api, not /v1.
  ['POST', /^\/api\/cases\/([^/]+)\/crm-record-id\/?$/, setCrmRecordId],
  ['GET', /^\/v1\/events\/?$/, listEvents],
]);

/** Routes a public API request (`/v1/...`, and FML's one `/api/...` path) to its handler; 404 for unknown paths, 405 for wrong methods. */
export function handleApi(core: SandboxCore, req: SandboxRequest): SandboxResponse {
  const found = ROUTES.find(req.method, req.path);
  if (found.kind === 'found') return found.handler(core, req, found.params[0] ?? '');
  if (found.kind === 'wrong-method') return methodNotAllowed(req.method, found.allow);
  return apiError(404, 'not_found', `No API route ${req.method} ${req.path}.`);
}

/** FML's 405, with the methods the path allows in `Allow` (shared by the admin routes). */
export function methodNotAllowed(method: string, allow: string[]): SandboxResponse {
  const list = allow.join(', ');
  return apiError(405, 'method_not_allowed', `${method} is not allowed here; use ${list}.`, { allow: list });
}
