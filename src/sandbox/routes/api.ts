import type { SandboxCore } from '../core';
import { apiError, type SandboxRequest, type SandboxResponse } from '../http-io';
import { createCase, getCase, listCases, recordDisposition, setCrmRecordId } from './cases';
import { listEvents } from './events';
import { createToken } from './token';

type Handler = (core: SandboxCore, req: SandboxRequest, param: string) => SandboxResponse;

interface Route {
  pattern: RegExp;
  methods: Record<string, Handler>;
}

const ROUTES: Route[] = [
  { pattern: /^\/v1\/oauth\/token\/?$/, methods: { POST: createToken } },
  { pattern: /^\/v1\/cases\/?$/, methods: { GET: listCases, POST: createCase } },
  { pattern: /^\/v1\/cases\/([^/]+)\/?$/, methods: { GET: getCase } },
  { pattern: /^\/v1\/cases\/([^/]+)\/screening\/disposition\/?$/, methods: { POST: recordDisposition } },
  // FML names this one under /api, not /v1.
  { pattern: /^\/api\/cases\/([^/]+)\/crm-record-id\/?$/, methods: { POST: setCrmRecordId } },
  { pattern: /^\/v1\/events\/?$/, methods: { GET: listEvents } },
];

/** Routes a public API request (`/v1/...`, and FML's one `/api/...` path) to its handler; 404 for unknown paths, 405 for wrong methods. */
export function handleApi(core: SandboxCore, req: SandboxRequest): SandboxResponse {
  for (const route of ROUTES) {
    const match = route.pattern.exec(req.path);
    if (!match) continue;
    const handler = Object.prototype.hasOwnProperty.call(route.methods, req.method) ? route.methods[req.method] : undefined;
    if (!handler) {
      const allow = Object.keys(route.methods).join(', ');
      return apiError(405, 'method_not_allowed', `${req.method} is not allowed here; use ${allow}.`, { allow });
    }
    return handler(core, req, match[1] ?? '');
  }
  return apiError(404, 'not_found', `No API route ${req.method} ${req.path}.`);
}
