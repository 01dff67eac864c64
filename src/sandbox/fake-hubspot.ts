import { randomBytes } from 'node:crypto';
import { FaultEngine, wholeIn } from './shell/fault-engine';
import { dropConnection, HttpShell, send, type ShellAnswer, type ShellExchange } from './shell/http-shell';
import { RouteTable, decodeParam } from './shell/route-table';
import type {
  FakeCompany,
  FakeFaultMatch,
  FakeFaultRule,
  FakeHubSpot,
  FakeHubSpotOptions,
  FakeHubSpotRequest,
  FakePropertyDefinition,
  FakeRouteHandler,
  FakeRouteResponse,
} from './fake-hubspot-types';

export type * from './fake-hubspot-types';

/**
 * A local stand-in for the parts of HubSpot's CRM API the SDK's HubSpot helpers call: Companies
 * (create, read, update, search) and Company property definitions. A real HTTP server on loopback (on
 * the sandbox's HTTP shell), answering with HubSpot's status codes and error body shapes (`{ status:
 * "error", message, correlationId, category }`), so the write-back can be exercised — and demonstrated
 * — without a portal. Other HubSpot endpoints can be added with {@link FakeHubSpot.route}.
 */

type FaultEffect = Pick<FakeFaultRule, 'kind' | 'status' | 'retryAfterSeconds' | 'policyName' | 'delayMs'>;

const HUBSPOT_PROPERTIES: ReadonlyArray<
  [name: string, label: string, type: string, fieldType: string, readOnly: boolean]
> = [
  ['hs_object_id', 'Record ID', 'number', 'number', true],
  ['createdate', 'Create Date', 'datetime', 'date', true],
  ['hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', true],
  ['name', 'Company name', 'string', 'text', false],
  ['domain', 'Company Domain Name', 'string', 'text', false],
  ['country', 'Country/Region', 'string', 'text', false],
  ['city', 'City', 'string', 'text', false],
  ['phone', 'Phone Number', 'string', 'phonenumber', false],
  ['industry', 'Industry', 'enumeration', 'select', false],
  ['lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', false],
  ['description', 'Description', 'string', 'textarea', false],
];

const GROUPS = new Set(['companyinformation', 'company_activity', 'analyticsinformation', 'socialmediainformation']);
const TYPES = new Set(['string', 'number', 'date', 'datetime', 'enumeration', 'bool']);
const FIELD_TYPES = new Set([
  'text',
  'textarea',
  'date',
  'number',
  'select',
  'radio',
  'checkbox',
  'booleancheckbox',
  'phonenumber',
  'file',
  'html',
  'calculation_equation',
]);
const DEFAULT_READ = ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'];
const SEARCH_OPERATORS = new Set(['EQ', 'NEQ', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const correlationId = () =>
  randomBytes(16)
    .toString('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

/** HubSpot's error body. */
function hsError(
  status: number,
  category: string,
  message: string,
  extra: Record<string, unknown> = {},
): FakeRouteResponse {
  return { status, body: { status: 'error', message, correlationId: correlationId(), category, ...extra } };
}

/** HubSpot's 400 for property values, with its message-embedded JSON list. */
function invalidProperties(errors: { name: string; error: string; message: string }[]): FakeRouteResponse {
  const list = errors.map((e) => ({
    isValid: false,
    message: e.message,
    error: e.error,
    name: e.name,
    localizedErrorMessage: e.message,
  }));
  return hsError(400, 'VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(list)}`);
}

/** Starts a fake HubSpot CRM API on loopback. Close it when done. */
export async function startFakeHubSpot(options: FakeHubSpotOptions = {}): Promise<FakeHubSpot> {
  const now = options.now ?? Date.now;
  const token = options.accessToken ?? `pat-na1-${randomBytes(12).toString('hex')}`;
  const searchLagMs = options.searchLagMs ?? 0;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const companies = new Map<string, FakeCompany>();
  // When each value was written, so search can lag behind like HubSpot's index.
  const writes = new Map<string, Map<string, { value: string | null; at: number }[]>>();
  const definitions = new Map<string, FakePropertyDefinition>();
  const requests: FakeHubSpotRequest[] = [];
  const faults = new FaultEngine<FaultEffect>('Invalid fake HubSpot fault', 'prefix');
  let nextId = 10_000_000_001;
  const iso = () => new Date(now()).toISOString();

  for (const [name, label, type, fieldType, readOnly] of HUBSPOT_PROPERTIES) {
    definitions.set(name, {
      name,
      label,
      type,
      fieldType,
      groupName: 'companyinformation',
      readOnly,
      hubspotDefined: true,
    });
  }
  const defineProperty: FakeHubSpot['defineProperty'] = (name, init = {}) => {
    const def: FakePropertyDefinition = {
      name,
      label: init.label ?? name,
      type: init.type ?? 'string',
      fieldType: init.fieldType ?? 'text',
      groupName: init.groupName ?? 'companyinformation',
      ...(init.description ? { description: init.description } : {}),
      readOnly: false,
      hubspotDefined: false,
    };
    definitions.set(name, def);
    return def;
  };
  for (const name of options.properties ?? []) defineProperty(name);

  const record = (company: FakeCompany, name: string, value: string | null) => {
    Object.defineProperty(company.properties, name, { value, enumerable: true, writable: true, configurable: true });
    let perCompany = writes.get(company.id);
    if (!perCompany) {
      perCompany = new Map();
      writes.set(company.id, perCompany);
    }
    const log = perCompany.get(name) ?? [];
    log.push({ value, at: now() });
    perCompany.set(name, log);
  };
  /** The value search sees: the newest write older than the lag. */
  const indexed = (company: FakeCompany, name: string): string | null => {
    const log = writes.get(company.id)?.get(name);
    if (!log) return company.properties[name] ?? null;
    const cutoff = now() - searchLagMs;
    return log.findLast((w) => w.at <= cutoff)?.value ?? null;
  };

  const createCompany: FakeHubSpot['createCompany'] = (properties = {}) => {
    const id = String(nextId++);
    const at = iso();
    const company: FakeCompany = { id, properties: {}, createdAt: at, updatedAt: at };
    companies.set(id, company);
    record(company, 'hs_object_id', id);
    record(company, 'createdate', at);
    record(company, 'hs_lastmodifieddate', at);
    for (const key of Object.keys(properties)) record(company, key, properties[key] ?? null);
    return company;
  };

  /** A company as HubSpot serialises it, with the requested properties (null when unset). */
  const view = (company: FakeCompany, wanted: string[] | undefined) => {
    const names = wanted?.length
      ? [...new Set(['createdate', 'hs_lastmodifieddate', 'hs_object_id', ...wanted])]
      : DEFAULT_READ;
    const properties: Record<string, string | null> = {};
    for (const n of names)
      Object.defineProperty(properties, n, {
        value: (Object.hasOwn(company.properties, n) ? company.properties[n] : null) ?? null,
        enumerable: true,
        writable: true,
      });
    return { id: company.id, properties, createdAt: company.createdAt, updatedAt: company.updatedAt, archived: false };
  };

  /** Checks a `properties` object the way HubSpot does; returns the values as text, or a 400. */
  const checkProperties = (
    value: unknown,
  ): { ok: true; values: [string, string | null][] } | { ok: false; response: FakeRouteResponse } => {
    if (!isRecord(value))
      return {
        ok: false,
        response: hsError(
          400,
          'VALIDATION_ERROR',
          'Invalid input JSON: "properties" must be an object of property name → value.',
        ),
      };
    const values: [string, string | null][] = [];
    const errors: { name: string; error: string; message: string }[] = [];
    for (const name of Object.keys(value)) {
      const def = definitions.get(name);
      const v = value[name];
      if (!def) errors.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      else if (def.readOnly)
        errors.push({
          name,
          error: 'READ_ONLY_VALUE',
          message: `"${name}" is a read only property; its value cannot be set.`,
        });
      else if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
        errors.push({
          name,
          error: 'INVALID_OPTION',
          message: `${JSON.stringify(v)} was not a valid value for ${name}`,
        });
      else {
        const text = v === null || v === '' ? null : String(v);
        if (text !== null && def.type === 'datetime') {
          const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
          if (Number.isNaN(ms)) {
            errors.push({
              name,
              error: 'INVALID_DATE',
              message: `${JSON.stringify(text)} is not a valid datetime for ${name}: use ISO 8601 or epoch milliseconds`,
            });
            continue;
          }
          values.push([name, new Date(ms).toISOString()]);
        } else values.push([name, text]);
      }
    }
    return errors.length ? { ok: false, response: invalidProperties(errors) } : { ok: true, values };
  };

  const routes = new RouteTable<FakeRouteHandler>([
    [
      'POST',
      /^\/crm\/v3\/objects\/companies$/,
      (req) => {
        if (!isRecord(req.body))
          return hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON: expected { "properties": { ... } }.');
        const checked = checkProperties(req.body.properties ?? {});
        if (!checked.ok) return checked.response;
        const company = createCompany();
        for (const [n, v] of checked.values) record(company, n, v);
        return {
          status: 201,
          body: view(
            company,
            checked.values.map(([n]) => n),
          ),
        };
      },
    ],
    ['POST', /^\/crm\/v3\/objects\/companies\/search$/, (req) => search(req.body)],
    [
      'GET',
      /^\/crm\/v3\/objects\/companies\/([^/]+)$/,
      (req) => {
        const company = companies.get(req.params[0] ?? '');
        if (!company) return hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
        const wanted = req.query
          .getAll('properties')
          .flatMap((p) => p.split(','))
          .map((p) => p.trim())
          .filter(Boolean);
        return { status: 200, body: view(company, wanted) };
      },
    ],
    [
      'PATCH',
      /^\/crm\/v3\/objects\/companies\/([^/]+)$/,
      (req) => {
        const company = companies.get(req.params[0] ?? '');
        if (!company) return hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
        if (!isRecord(req.body) || !('properties' in req.body))
          return hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON: expected { "properties": { ... } }.');
        const checked = checkProperties(req.body.properties);
        if (!checked.ok) return checked.response;
        for (const [n, v] of checked.values) record(company, n, v);
        company.updatedAt = iso();
        record(company, 'hs_lastmodifieddate', company.updatedAt);
        return {
          status: 200,
          body: view(
            company,
            checked.values.map(([n]) => n),
          ),
        };
      },
    ],
    [
      'POST',
      /^\/crm\/v3\/properties\/companies$/,
      (req) => {
        const b = req.body;
        if (!isRecord(b))
          return hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON: expected a property definition object.');
        const missing = ['name', 'label', 'type', 'fieldType', 'groupName'].filter(
          (k) => typeof b[k] !== 'string' || b[k] === '',
        );
        if (missing.length)
          return hsError(400, 'VALIDATION_ERROR', `Property definition is missing ${missing.join(', ')}.`);
        const name = b.name as string;
        if (!/^[a-z][a-z0-9_]*$/.test(name))
          return hsError(
            400,
            'VALIDATION_ERROR',
            `Property name "${name}" must be lower case letters, digits and underscores, starting with a letter.`,
          );
        if (!TYPES.has(b.type as string))
          return hsError(400, 'VALIDATION_ERROR', `Unknown property type "${String(b.type)}".`);
        if (!FIELD_TYPES.has(b.fieldType as string))
          return hsError(400, 'VALIDATION_ERROR', `Unknown fieldType "${String(b.fieldType)}".`);
        if (!GROUPS.has(b.groupName as string))
          return hsError(400, 'VALIDATION_ERROR', `Property group "${String(b.groupName)}" does not exist.`);
        if (definitions.has(name))
          return hsError(409, 'OBJECT_ALREADY_EXISTS', `Property named '${name}' already exists.`);
        const def = defineProperty(name, {
          label: b.label as string,
          type: b.type as string,
          fieldType: b.fieldType as string,
          groupName: b.groupName as string,
          ...(typeof b.description === 'string' ? { description: b.description } : {}),
        });
        const at = iso();
        return {
          status: 201,
          body: {
            name: def.name,
            label: def.label,
            type: def.type,
            fieldType: def.fieldType,
            groupName: def.groupName,
            description: def.description ?? '',
            createdAt: at,
            updatedAt: at,
            hidden: false,
            formField: false,
            calculated: false,
            externalOptions: false,
            hasUniqueValue: false,
            options: [],
          },
        };
      },
    ],
    [
      // The portal's Company properties, HubSpot's and custom ones alike (one page: HubSpot does not page this list).
      'GET',
      /^\/crm\/v3\/properties\/companies$/,
      () => ({
        status: 200,
        body: {
          results: [...definitions.values()].map((def) => ({
            name: def.name,
            label: def.label,
            type: def.type,
            fieldType: def.fieldType,
            groupName: def.groupName,
            description: def.description ?? '',
            hidden: false,
            hubspotDefined: def.hubspotDefined,
            modificationMetadata: { readOnlyValue: def.readOnly },
          })),
        },
      }),
    ],
    [
      'GET',
      /^\/crm\/v3\/properties\/companies\/([^/]+)$/,
      (req) => {
        const def = definitions.get(req.params[0] ?? '');
        if (!def) return hsError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${req.params[0]}`);
        return {
          status: 200,
          body: {
            name: def.name,
            label: def.label,
            type: def.type,
            fieldType: def.fieldType,
            groupName: def.groupName,
            description: def.description ?? '',
            hubspotDefined: def.hubspotDefined,
            modificationMetadata: { readOnlyValue: def.readOnly },
          },
        };
      },
    ],
  ]);

  function search(body: unknown): FakeRouteResponse {
    if (!isRecord(body)) return hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON: expected a search request.');
    const groups = body.filterGroups ?? [];
    if (!Array.isArray(groups) || groups.length > 5)
      return hsError(400, 'VALIDATION_ERROR', 'filterGroups must be a list of at most 5 groups.');
    const limit = body.limit ?? 10;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 200)
      return hsError(400, 'VALIDATION_ERROR', 'limit must be a whole number from 1 to 200.');
    const after = body.after === undefined ? 0 : Number(body.after);
    if (!Number.isInteger(after) || after < 0)
      return hsError(400, 'VALIDATION_ERROR', 'after must be a paging cursor from an earlier page.');
    const wanted =
      body.properties === undefined
        ? undefined
        : Array.isArray(body.properties) && body.properties.every((p) => typeof p === 'string')
          ? (body.properties as string[])
          : null;
    if (wanted === null) return hsError(400, 'VALIDATION_ERROR', 'properties must be a list of property names.');
    const filters: { propertyName: string; operator: string; value?: string }[][] = [];
    for (const g of groups) {
      if (!isRecord(g) || !Array.isArray(g.filters) || g.filters.length > 6)
        return hsError(400, 'VALIDATION_ERROR', 'Each filter group needs a list of at most 6 filters.');
      const list = [];
      for (const f of g.filters) {
        if (!isRecord(f) || typeof f.propertyName !== 'string' || typeof f.operator !== 'string')
          return hsError(400, 'VALIDATION_ERROR', 'Each filter needs propertyName and operator.');
        if (!SEARCH_OPERATORS.has(f.operator))
          return hsError(
            400,
            'VALIDATION_ERROR',
            `Operator ${f.operator} is not supported by this fake (supported: ${[...SEARCH_OPERATORS].join(', ')}).`,
          );
        if (!definitions.has(f.propertyName))
          return hsError(
            400,
            'VALIDATION_ERROR',
            `There was a problem with the request: property ${f.propertyName} does not exist.`,
          );
        if ((f.operator === 'EQ' || f.operator === 'NEQ') && f.value === undefined)
          return hsError(400, 'VALIDATION_ERROR', `Operator ${f.operator} needs a value.`);
        list.push({
          propertyName: f.propertyName,
          operator: f.operator,
          ...(f.value === undefined ? {} : { value: String(f.value) }),
        });
      }
      filters.push(list);
    }
    const matches = (c: FakeCompany, f: { propertyName: string; operator: string; value?: string }) => {
      const v = indexed(c, f.propertyName);
      if (f.operator === 'HAS_PROPERTY') return v !== null;
      if (f.operator === 'NOT_HAS_PROPERTY') return v === null;
      return f.operator === 'EQ' ? v === f.value : v !== f.value;
    };
    const all = [...companies.values()].filter(
      (c) => filters.length === 0 || filters.some((g) => g.every((f) => matches(c, f))),
    );
    const page = all.slice(after, after + limit);
    const next = after + limit < all.length ? { paging: { next: { after: String(after + limit) } } } : {};
    return { status: 200, body: { total: all.length, results: page.map((c) => view(c, wanted)), ...next } };
  }

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

    const auth = req.headers.authorization;
    if (typeof auth !== 'string' || !/^Bearer\s+\S+$/i.test(auth)) {
      return answer(
        hsError(
          401,
          'INVALID_AUTHENTICATION',
          'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
        ),
      );
    }
    if (auth.replace(/^Bearer\s+/i, '') !== token) {
      return answer(
        hsError(
          401,
          'INVALID_AUTHENTICATION',
          'The OAuth token used to make this call expired or is not valid for this portal.',
        ),
      );
    }

    const fault = faults.take(method, url.pathname);
    if (fault?.kind === 'reset') return cut(fault);
    if (fault?.kind === 'rate-limit') {
      const policyName = fault.policyName ?? 'TEN_SECONDLY_ROLLING';
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      return answer(
        {
          status: 429,
          body: {
            status: 'error',
            message: `You have reached your ${policyName.toLowerCase()} limit.`,
            errorType: 'RATE_LIMIT',
            correlationId: correlationId(),
            policyName,
          },
          headers,
        },
        fault,
      );
    }
    if (fault?.kind === 'server-error')
      return answer(hsError(fault.status ?? 502, 'INTERNAL_ERROR', 'internal error'), fault);
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
    companies,
    propertyDefinitions: definitions,
    requests,
    createCompany,
    defineProperty,
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

/** A route's answer as the shell writes it: JSON with HubSpot's content type, or nothing. */
function wire(response: FakeRouteResponse): ShellAnswer {
  const payload = response.body === undefined ? '' : JSON.stringify(response.body);
  return {
    status: response.status,
    headers: { ...(payload ? { 'content-type': 'application/json;charset=utf-8' } : {}), ...(response.headers ?? {}) },
    body: payload,
  };
}
