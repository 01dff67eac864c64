import { FmlError } from '../../errors';
import type { SandboxCore } from '../core';
import type { FaultKind, FaultSpec } from '../faults';
import { apiError, header, json, mediaType, parseJson, type SandboxRequest, type SandboxResponse } from '../http-io';
import type { AdvanceSpec } from '../lifecycle';
import { timingSafeEqual } from '../../internal/crypto';
import { hostName, isLoopback } from '../options';
import { decodeParam, RouteTable } from '../shell/route-table';
import { methodNotAllowed } from './api';

/**
 * Sandbox-only routes under `/_sandbox` (not part of FML's API, not in openapi.yaml): drive cases,
 * inspect deliveries, switch faults — for people using the CLI from curl, Postman, Workato or Zapier.
 * No auth: the sandbox binds 127.0.0.1 by default. Binding to loopback does not keep a browser out,
 * though — any web page the developer opens can POST to 127.0.0.1 — so see {@link refuseForeign}.
 */
type AdminHandler = (core: SandboxCore, body: Record<string, unknown>, param: string) => SandboxResponse;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strList = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function casePage(core: SandboxCore, caseId: string, title: string): SandboxResponse {
  const rec = core.state.cases.get(caseId);
  if (!rec)
    return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'No such sandbox case.\n' };
  const body = `<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title><h1>${escapeHtml(title)}</h1><p>FML sandbox page: the real FML shows its portal here.</p><pre>${escapeHtml(JSON.stringify({ ...rec.data, stage: rec.stage }, null, 2))}</pre>`;
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

function addFault(core: SandboxCore, body: Record<string, unknown>): SandboxResponse {
  const spec: FaultSpec = { kind: str(body.kind) as FaultKind };
  const method = str(body.method);
  const path = str(body.path);
  if (method !== undefined) spec.method = method;
  if (path !== undefined) spec.path = path;
  // Passed on as sent, so the fault check refuses a wrong type (`"delayMs": null`, "5s") instead of
  // silently using the default.
  for (const knob of ['times', 'status', 'retryAfterSeconds', 'delayMs'] as const)
    if (body[knob] !== undefined) (spec as unknown as Record<string, unknown>)[knob] = body[knob];
  return json(201, core.faults.add(spec));
}

function advance(core: SandboxCore, body: Record<string, unknown>, caseId: string): SandboxResponse {
  const spec: AdvanceSpec = {};
  for (const key of ['status', 'stage', 'recommendation', 'changedBy'] as const) {
    const v = str(body[key]);
    if (v !== undefined) spec[key] = v;
  }
  return json(200, core.advanceCase(caseId, spec));
}

function addEndpoint(core: SandboxCore, body: Record<string, unknown>): SandboxResponse {
  const options: { events?: string[]; secret?: string; orgId?: string } = {};
  const events = strList(body.events);
  if (events) options.events = events;
  const secret = str(body.secret);
  if (secret) options.secret = secret;
  const orgId = str(body.orgId);
  if (orgId) options.orgId = orgId;
  return json(201, core.addEndpoint(str(body.url) ?? '', options));
}

function createClient(core: SandboxCore, body: Record<string, unknown>): SandboxResponse {
  const scopes = strList(body.scopes);
  const c = core.createClient({ orgId: str(body.orgId) ?? core.options.orgId, ...(scopes ? { scopes } : {}) });
  return json(201, { clientId: c.clientId, clientSecret: c.clientSecret, orgId: c.orgId, scopes: c.scopes });
}

const ROUTES = new RouteTable<AdminHandler>([
  [
    'GET',
    /^\/_sandbox\/?$/,
    (core) =>
      json(200, {
        orgId: core.options.orgId,
        clientIds: [...core.state.clients.keys()],
        cases: core.state.cases.size,
        events: core.state.events.length,
        webhooks: core.endpoints(),
        faults: core.faults.list(),
      }),
  ],
  [
    'GET',
    /^\/_sandbox\/cases$/,
    (core) =>
      json(200, { data: [...core.state.cases.values()].map((c) => ({ ...c.data, orgId: c.orgId, stage: c.stage })) }),
  ],
  ['POST', /^\/_sandbox\/cases\/([^/]+)\/advance$/, advance],
  ['GET', /^\/_sandbox\/events$/, (core) => json(200, { data: core.state.events.map((e) => e.data) })],
  ['POST', /^\/_sandbox\/events\/([^/]+)\/redeliver$/, (core, _b, id) => json(202, { deliveries: core.redeliver(id) })],
  ['GET', /^\/_sandbox\/deliveries$/, (core) => json(200, { data: core.deliverer.list() })],
  ['GET', /^\/_sandbox\/webhooks$/, (core) => json(200, { data: core.endpoints() })],
  ['POST', /^\/_sandbox\/webhooks$/, addEndpoint],
  [
    'DELETE',
    /^\/_sandbox\/webhooks\/([^/]+)$/,
    (core, _b, id) =>
      core.removeEndpoint(id) ? json(200, { deleted: id }) : apiError(404, 'not_found', 'No such webhook endpoint.'),
  ],
  ['GET', /^\/_sandbox\/faults$/, (core) => json(200, { data: core.faults.list() })],
  ['POST', /^\/_sandbox\/faults$/, addFault],
  [
    'DELETE',
    /^\/_sandbox\/faults$/,
    (core) => {
      core.faults.clear();
      return json(200, { data: [] });
    },
  ],
  [
    'DELETE',
    /^\/_sandbox\/faults\/([^/]+)$/,
    (core, _b, id) =>
      core.faults.remove(id) ? json(200, { deleted: id }) : apiError(404, 'not_found', 'No such fault.'),
  ],
  ['POST', /^\/_sandbox\/clients$/, createClient],
  [
    'POST',
    /^\/_sandbox\/clients\/([^/]+)\/revoke$/,
    (core, _b, id) =>
      core.revokeClient(id) ? json(200, { revoked: id }) : apiError(404, 'not_found', 'No such client.'),
  ],
  [
    'POST',
    /^\/_sandbox\/tokens\/expire$/,
    (core) => {
      core.expireTokens();
      return json(200, { expired: true });
    },
  ],
  [
    'POST',
    /^\/_sandbox\/reset$/,
    (core) => {
      core.reset();
      return json(200, { reset: true });
    },
  ],
  ['GET', /^\/_sandbox\/portal\/([^/]+)$/, (core, _b, id) => casePage(core, id, 'Customer portal (sandbox)')],
  ['GET', /^\/_sandbox\/analyst\/([^/]+)$/, (core, _b, id) => casePage(core, id, 'Analyst console (sandbox)')],
]);

/**
 * Refuses what a web page could send through the developer's browser. A cross-site page can POST to
 * 127.0.0.1 without a CORS preflight when the body looks like a form or plain text, and a DNS-rebound
 * name can even read the answers. So admin requests must name a loopback host (or one the sandbox was
 * told to serve, `publicHosts`) in `Host` and in `Origin` when a browser sends one, and admin POSTs must
 * be `Content-Type: application/json`, which a page cannot send cross-site without a preflight the
 * sandbox never grants.
 */
export function refuseForeign(core: SandboxCore, req: SandboxRequest): SandboxResponse | undefined {
  const allowed = core.options.publicHosts;
  const bound = hostName(core.options.host);
  const ok = (host: string) =>
    allowed === true ||
    isLoopback(host) ||
    allowed.includes(host) ||
    (host === bound && bound !== '0.0.0.0' && bound !== '::');
  const host = header(req.headers, 'host');
  if (host === undefined || !ok(hostName(host))) {
    return apiError(
      403,
      'forbidden_host',
      `The sandbox's /_sandbox routes answer only for loopback hosts (got Host ${JSON.stringify(host ?? '')}). Start it with publicHosts (CLI: --public-host <name>) to serve this name.`,
    );
  }
  const origin = header(req.headers, 'origin');
  if (origin !== undefined) {
    let originHost: string | undefined;
    try {
      originHost = hostName(new URL(origin).hostname);
    } catch {
      originHost = undefined; // "null" (sandboxed frames, file: pages) and garbage alike
    }
    if (originHost === undefined || !ok(originHost)) {
      return apiError(
        403,
        'forbidden_origin',
        `The sandbox's /_sandbox routes refuse requests from web pages of other sites (Origin ${JSON.stringify(origin)}).`,
      );
    }
  }
  const token = core.options.adminToken;
  if (token !== undefined && !timingSafeEqual(header(req.headers, 'authorization') ?? '', `Bearer ${token}`)) {
    return apiError(
      401,
      'admin_token_required',
      "The sandbox's /_sandbox routes need Authorization: Bearer <admin token> (the one given with adminToken / --admin-token, or printed at start).",
      { 'www-authenticate': 'Bearer realm="fml-sandbox-admin"' },
    );
  }
  if (req.method === 'POST' && mediaType(req.headers) !== 'application/json') {
    return apiError(
      415,
      'unsupported_media_type',
      'Admin POSTs need Content-Type: application/json (send {} when there is nothing to say).',
    );
  }
  return undefined;
}

/** Routes a `/_sandbox/...` request. Foreign hosts and origins get 403, non-JSON POSTs 415, misuse 400 with the reason; unknown ids 404; a known path with another method 405 (with `Allow`). */
export function handleAdmin(core: SandboxCore, req: SandboxRequest): SandboxResponse {
  const refused = refuseForeign(core, req);
  if (refused) return refused;
  const found = ROUTES.find(req.method, req.path);
  if (found.kind === 'wrong-method') return methodNotAllowed(req.method, found.allow);
  if (found.kind === 'found') {
    const text = req.body.toString('utf8').trim();
    const parsed = text ? parseJson(text) : { ok: true as const, value: {} };
    if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
      return apiError(400, 'invalid_request', 'The body must be a JSON object.');
    }
    try {
      return found.handler(core, parsed.value as Record<string, unknown>, decodeParam(found.params[0] ?? ''));
    } catch (err) {
      if (!(err instanceof FmlError)) throw err;
      const status = err.code.endsWith('_not_found') ? 404 : 400;
      return apiError(status, err.code, err.message);
    }
  }
  return apiError(
    404,
    'not_found',
    `No sandbox route ${req.method} ${req.path}. See GET /_sandbox and docs/sandbox-and-testing.md.`,
  );
}
