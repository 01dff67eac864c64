import { randomBytes } from 'node:crypto';
import { faultResponse, hsError, unauthenticated, wire } from './fake-hubspot-answers';
import { companyRoutes } from './fake-hubspot-company-routes';
import { propertyRoutes } from './fake-hubspot-property-routes';
import { createCrmStore } from './fake-hubspot-store';
import type {
  FakeFaultMatch,
  FakeFaultRule,
  FakeHubSpot,
  FakeHubSpotOptions,
  FakeHubSpotRequest,
  FakeRouteHandler,
  FakeRouteResponse,
} from './fake-hubspot-types';
import { FaultEngine, wholeIn } from './shell/fault-engine';
import { dropConnection, HttpShell, send, type ShellExchange } from './shell/http-shell';
import { decodeParam, RouteTable } from './shell/route-table';

export type * from './fake-hubspot-types';

/**
 * A local stand-in for the parts of HubSpot's CRM API the SDK's HubSpot helpers call: Companies
 * (create, read, update, search) and Company property definitions. A real HTTP server on loopback (on
 * the sandbox's HTTP shell), answering with HubSpot's status codes and error body shapes (`{ status:
 * "error", message, correlationId, category }`), so the write-back can be exercised — and demonstrated
 * — without a portal. Other HubSpot endpoints can be added with {@link FakeHubSpot.route}.
 *
 * This file is the wiring: the state is in `fake-hubspot-store.ts`, the routes in
 * `fake-hubspot-company-routes.ts` / `fake-hubspot-property-routes.ts` / `fake-hubspot-search.ts`, the
 * body checks in `fake-hubspot-validation.ts` and HubSpot's answer shapes in `fake-hubspot-answers.ts`.
 */

type FaultEffect = Pick<FakeFaultRule, 'kind' | 'status' | 'retryAfterSeconds' | 'policyName' | 'delayMs'>;

/** Starts a fake HubSpot CRM API on loopback. Close it when done. */
export async function startFakeHubSpot(options: FakeHubSpotOptions = {}): Promise<FakeHubSpot> {
  const token = options.accessToken ?? `pat-na1-${randomBytes(12).toString('hex')}`;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const store = createCrmStore({
    now: options.now ?? Date.now,
    searchLagMs: options.searchLagMs ?? 0,
    properties: options.properties ?? [],
  });
  const requests: FakeHubSpotRequest[] = [];
  const faults = new FaultEngine<FaultEffect>('Invalid fake HubSpot fault', 'prefix');
  const routes = new RouteTable<FakeRouteHandler>([...companyRoutes(store), ...propertyRoutes(store)]);

  const addFault = (effect: FaultEffect, match: FakeFaultMatch = {}): FakeFaultRule => {
    if (effect.status !== undefined && !wholeIn(effect.status, 500, 599)) faults.fail('status must be 500–599.');
    if (effect.retryAfterSeconds !== undefined && !wholeIn(effect.retryAfterSeconds, 0, 86_400))
      faults.fail('retryAfterSeconds must be a whole number from 0 to 86400.');
    if (effect.delayMs !== undefined && !wholeIn(effect.delayMs, 0, 600_000))
      faults.fail('delay must be a whole number of milliseconds from 0 to 600000 (10 minutes).');
    return faults.add(match, effect);
  };

  const shell = new HttpShell({
    maxBodyBytes,
    tooLarge: (method, url) => {
      const answer = hsError(413, 'VALIDATION_ERROR', 'Request body too large.');
      requests.push({ method, path: url.pathname, query: url.search.slice(1), body: undefined, status: answer.status });
      return wire(answer);
    },
    handle,
  });

  /** One request: JSON body, bearer token, faults, then the route (a throwing route is HubSpot's 500). */
  async function handle({ method, url, req, res, body: raw }: ShellExchange): Promise<void> {
    const entry: Omit<FakeHubSpotRequest, 'status'> = {
      method,
      path: url.pathname,
      query: url.search.slice(1),
      body: undefined,
    };
    const answer = (response: FakeRouteResponse, fault?: FakeFaultRule) => {
      requests.push({ ...entry, ...(fault ? { fault: fault.kind } : {}), status: response.status });
      send(res, wire(response));
    };
    const cut = (fault: FakeFaultRule) => {
      requests.push({ ...entry, fault: fault.kind, status: 0 });
      dropConnection(req.socket);
    };
    const text = raw.toString('utf8');
    let body: unknown;
    if (text !== '') {
      try {
        body = entry.body = JSON.parse(text);
      } catch (error) {
        return answer(hsError(400, 'VALIDATION_ERROR', `Invalid input JSON: ${(error as Error).message}`));
      }
    }

    const refused = unauthenticated(req.headers.authorization, token);
    if (refused) return answer(refused);

    const fault = faults.take(method, url.pathname);
    if (fault?.kind === 'reset') return cut(fault);
    const faulted = fault && faultResponse(fault);
    if (faulted) return answer(faulted, fault);
    // Unlike FML's sandbox, a request whose client gave up during the delay is not handled.
    if (fault?.kind === 'delay' && !(await shell.wait(fault.delayMs ?? 0, res))) return cut(fault);

    const found = routes.find(method, url.pathname);
    if (found.kind === 'wrong-method')
      return answer(
        {
          ...hsError(
            405,
            'METHOD_NOT_ALLOWED',
            `${method} is not allowed on ${url.pathname}; use ${found.allow.join(', ')}.`,
          ),
          headers: { allow: found.allow.join(', ') },
        },
        fault,
      );
    if (found.kind === 'not-found')
      return answer(
        hsError(404, 'OBJECT_NOT_FOUND', `No route for ${method} ${url.pathname} in the fake HubSpot.`),
        fault,
      );
    let response: FakeRouteResponse;
    try {
      response = found.handler(
        {
          method,
          path: url.pathname,
          query: url.searchParams,
          params: found.params.map(decodeParam),
          body,
          headers: req.headers,
        },
        fake,
      );
    } catch {
      response = hsError(500, 'INTERNAL_ERROR', 'The fake HubSpot failed on this request (a bug).');
    }
    if (fault?.kind === 'lose-response') return cut(fault);
    return answer(response, fault);
  }

  const host = options.host ?? '127.0.0.1';
  const url = await shell.listen(options.port ?? 0, host);

  const fake: FakeHubSpot = {
    url,
    accessToken: token,
    companies: store.companies,
    propertyDefinitions: store.definitions,
    requests,
    createCompany: store.createCompany,
    defineProperty: store.defineProperty,
    faults: {
      rateLimit: (o = {}) =>
        addFault(
          {
            kind: 'rate-limit',
            ...(o.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: o.retryAfterSeconds }),
            ...(o.policyName ? { policyName: o.policyName } : {}),
          },
          o,
        ),
      serverError: (o = {}) => addFault({ kind: 'server-error', status: o.status ?? 502 }, o),
      delay: (ms, o = {}) => addFault({ kind: 'delay', delayMs: ms }, o),
      resetConnection: (o = {}) => addFault({ kind: 'reset' }, o),
      loseResponse: (o = {}) => addFault({ kind: 'lose-response' }, o),
      list: () => faults.list(),
      remove: (id) => faults.remove(id),
      clear: () => faults.clear(),
    },
    route: (method, pattern, handler) => routes.add(method, pattern, handler),
    close: () => shell.close(),
  };
  // Kept off the enumerable surface so `console.log(fake)` or a snapshot never prints the token.
  Object.defineProperty(fake, 'accessToken', { value: token, enumerable: false });
  return fake;
}
