import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody } from './http-io';

/**
 * A local stand-in for the parts of HubSpot's CRM API the SDK's HubSpot helpers call: Companies
 * (create, read, update, search) and Company property definitions. A real HTTP server on loopback,
 * answering with HubSpot's status codes and error body shapes (`{ status: "error", message,
 * correlationId, category }`), so the write-back can be exercised — and demonstrated — without a portal.
 * Other HubSpot endpoints can be added with {@link FakeHubSpot.route}.
 */

/** Options of {@link startFakeHubSpot}. */
export interface FakeHubSpotOptions {
  /** Port to listen on. @default 0 (an ephemeral port; read `url`) */
  port?: number;
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
  /** The private app token it accepts. @default a random `pat-na1-…` */
  accessToken?: string;
  /** Custom Company properties that exist from the start (as single-line text). @default [] */
  properties?: string[];
  /**
   * How long a written value takes to become searchable, in ms — HubSpot's search index lags writes.
   * @default 0
   */
  searchLagMs?: number;
  /** Clock for timestamps and the search lag. @default Date.now */
  now?: () => number;
  /** Largest request body accepted; a larger one gets HubSpot's 413. @default 1048576 */
  maxBodyBytes?: number;
}

/** A Company as the fake holds it. */
export interface FakeCompany {
  id: string;
  /** Current values; a cleared property is `null`. */
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
}

/** A property definition, as created through `POST /crm/v3/properties/companies`. */
export interface FakePropertyDefinition {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  description?: string;
  /** HubSpot's own properties cannot be written through the API. */
  readOnly: boolean;
  /** True for properties HubSpot defines; false for custom ones. */
  hubspotDefined: boolean;
}

/** One answered request. Holds no header, so never the token. */
export interface FakeHubSpotRequest {
  method: string;
  path: string;
  /** The query string, without `?`. */
  query: string;
  /** The status answered; 0 when none was: the fake closed, or the client gave up, while a delay fault held the request. */
  status: number;
  /** The parsed JSON body, if any. */
  body: unknown;
  /** The fault that shaped the answer, if any. */
  fault?: 'rate-limit' | 'server-error' | 'delay';
}

/** Which requests a fault hits. */
export interface FakeFaultMatch {
  /** HTTP method. @default any */
  method?: string;
  /** A path prefix, or a RegExp tested against the path. @default any */
  path?: string | RegExp;
  /** How many matching requests it hits. @default 1 */
  times?: number;
}

/** Options of `faults.rateLimit`. */
export interface FakeRateLimitFault extends FakeFaultMatch {
  /** Seconds to send in `Retry-After`. @default undefined (no header, like most of HubSpot's 429s) */
  retryAfterSeconds?: number;
  /** The `policyName` in the body; `DAILY` is the limit the write-back must not retry. @default 'TEN_SECONDLY_ROLLING' */
  policyName?: string;
}

/** Options of `faults.serverError`. */
export interface FakeServerErrorFault extends FakeFaultMatch {
  /** The 5xx status to answer. @default 502 */
  status?: number;
}

/** A request as a route handler sees it. */
export interface FakeRouteRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The regex groups of the route pattern. */
  params: string[];
  /** Parsed JSON body (undefined when there was none). */
  body: unknown;
  headers: IncomingMessage['headers'];
}

/** What a route handler answers. */
export interface FakeRouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A route handler; `fake` is the running fake, to read or change its state. */
export type FakeRouteHandler = (req: FakeRouteRequest, fake: FakeHubSpot) => FakeRouteResponse;

/** The running fake HubSpot. */
export interface FakeHubSpot {
  /** Base URL, e.g. `http://127.0.0.1:54321` — pass it as `baseUrl` to the write-back helpers. */
  readonly url: string;
  /** The token it accepts (not enumerable, so it stays out of logs and snapshots). */
  readonly accessToken: string;
  /** Companies by id. */
  readonly companies: Map<string, FakeCompany>;
  /** Company property definitions by name (HubSpot's defaults plus created ones). */
  readonly propertyDefinitions: Map<string, FakePropertyDefinition>;
  /** Every answered request, oldest first. */
  readonly requests: FakeHubSpotRequest[];
  /** Adds a Company directly (no HTTP) and returns it; values are text. */
  createCompany(properties?: Record<string, string>): FakeCompany;
  /** Defines a custom Company property directly (single-line text unless told otherwise). */
  defineProperty(name: string, init?: Partial<Omit<FakePropertyDefinition, 'name' | 'readOnly' | 'hubspotDefined'>>): FakePropertyDefinition;
  readonly faults: {
    /** The next matching request(s) get HubSpot's 429 body; `Retry-After` only when `retryAfterSeconds` is given (HubSpot rarely sends one). */
    rateLimit(options?: FakeRateLimitFault): void;
    /** The next matching request(s) get a 5xx. */
    serverError(options?: FakeServerErrorFault): void;
    /** The next matching request(s) are answered after `ms` (or cut, with status 0, when the fake closes first). */
    delay(ms: number, options?: FakeFaultMatch): void;
    /** Switches every fault off. */
    clear(): void;
  };
  /** Serves another endpoint (checked before the built-in ones; every route requires the bearer token). */
  route(method: string, pattern: RegExp, handler: FakeRouteHandler): void;
  /**
   * Stops the server and cuts open connections. Requests held by a delay fault end at once (recorded
   * with status 0), so no timer and no handler is left pending. Safe to call twice.
   */
  close(): Promise<void>;
}

interface Fault {
  kind: 'rate-limit' | 'server-error' | 'delay';
  method: string | null;
  path: string | RegExp | null;
  remaining: number;
  status?: number;
  retryAfterSeconds?: number;
  policyName?: string;
  ms?: number;
}

interface Route {
  method: string;
  pattern: RegExp;
  handler: FakeRouteHandler;
}

const HUBSPOT_PROPERTIES: ReadonlyArray<[name: string, label: string, type: string, fieldType: string, readOnly: boolean]> = [
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
const FIELD_TYPES = new Set(['text', 'textarea', 'date', 'number', 'select', 'radio', 'checkbox', 'booleancheckbox', 'phonenumber', 'file', 'html', 'calculation_equation']);
const DEFAULT_READ = ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'];
const SEARCH_OPERATORS = new Set(['EQ', 'NEQ', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const correlationId = () => randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

/** HubSpot's error body. */
function hsError(status: number, category: string, message: string, extra: Record<string, unknown> = {}): FakeRouteResponse {
  return { status, body: { status: 'error', message, correlationId: correlationId(), category, ...extra } };
}

/** HubSpot's 400 for property values, with its message-embedded JSON list. */
function invalidProperties(errors: { name: string; error: string; message: string }[]): FakeRouteResponse {
  const list = errors.map((e) => ({ isValid: false, message: e.message, error: e.error, name: e.name, localizedErrorMessage: e.message }));
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
  const routes: Route[] = [];
  let faults: Fault[] = [];
  let nextId = 10_000_000_001;
  const iso = () => new Date(now()).toISOString();

  for (const [name, label, type, fieldType, readOnly] of HUBSPOT_PROPERTIES) {
    definitions.set(name, { name, label, type, fieldType, groupName: 'companyinformation', readOnly, hubspotDefined: true });
  }
  const defineProperty: FakeHubSpot['defineProperty'] = (name, init = {}) => {
    const def: FakePropertyDefinition = { name, label: init.label ?? name, type: init.type ?? 'string', fieldType: init.fieldType ?? 'text', groupName: init.groupName ?? 'companyinformation', ...(init.description ? { description: init.description } : {}), readOnly: false, hubspotDefined: false };
    definitions.set(name, def);
    return def;
  };
  for (const name of options.properties ?? []) defineProperty(name);

  const record = (company: FakeCompany, name: string, value: string | null) => {
    Object.defineProperty(company.properties, name, { value, enumerable: true, writable: true, configurable: true });
    let perCompany = writes.get(company.id);
    if (!perCompany) writes.set(company.id, (perCompany = new Map()));
    const log = perCompany.get(name) ?? [];
    log.push({ value, at: now() });
    perCompany.set(name, log);
  };
  /** The value search sees: the newest write older than the lag. */
  const indexed = (company: FakeCompany, name: string): string | null => {
    const log = writes.get(company.id)?.get(name);
    if (!log) return company.properties[name] ?? null;
    const cutoff = now() - searchLagMs;
    for (let i = log.length - 1; i >= 0; i--) if (log[i]!.at <= cutoff) return log[i]!.value;
    return null;
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
    const names = wanted && wanted.length ? [...new Set(['createdate', 'hs_lastmodifieddate', 'hs_object_id', ...wanted])] : DEFAULT_READ;
    const properties: Record<string, string | null> = {};
    for (const n of names) Object.defineProperty(properties, n, { value: (Object.prototype.hasOwnProperty.call(company.properties, n) ? company.properties[n] : null) ?? null, enumerable: true, writable: true });
    return { id: company.id, properties, createdAt: company.createdAt, updatedAt: company.updatedAt, archived: false };
  };

  /** Checks a `properties` object the way HubSpot does; returns the values as text, or a 400. */
  const checkProperties = (value: unknown): { ok: true; values: [string, string | null][] } | { ok: false; response: FakeRouteResponse } => {
    if (!isRecord(value)) return { ok: false, response: hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON: "properties" must be an object of property name → value.') };
    const values: [string, string | null][] = [];
    const errors: { name: string; error: string; message: string }[] = [];
    for (const name of Object.keys(value)) {
      const def = definitions.get(name);
      const v = value[name];
      if (!def) errors.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      else if (def.readOnly) errors.push({ name, error: 'READ_ONLY_VALUE', message: `"${name}" is a read only property; its value cannot be set.` });
      else if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') errors.push({ name, error: 'INVALID_OPTION', message: `${JSON.stringify(v)} was not a valid value for ${name}` });
      else {
        const text = v === null || v === '' ? null : String(v);
        if (text !== null && def.type === 'datetime') {
          const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
          if (Number.isNaN(ms)) {
            errors.push({ name, error: 'INVALID_DATE', message: `${JSON.stringify(text)} is not a valid datetime for ${name}: use ISO 8601 or epoch milliseconds` });
            continue;
          }
          values.push([name, new Date(ms).toISOString()]);
        } else values.push([name, text]);
      }
    }
    return errors.length ? { ok: false, response: invalidProperties(errors) } : { ok: true, values };
  };

  const builtIn: Route[] = [
    {
      method: 'POST',
      pattern: /^\/crm\/v3\/objects\/companies$/,
      handler: (req) => {
        if (!isRecord(req.body)) return hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON: expected { "properties": { ... } }.');
        const checked = checkProperties(req.body.properties ?? {});
        if (!checked.ok) return checked.response;
        const company = createCompany();
        for (const [n, v] of checked.values) record(company, n, v);
        return { status: 201, body: view(company, checked.values.map(([n]) => n)) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/crm\/v3\/objects\/companies\/search$/,
      handler: (req) => search(req.body),
    },
    {
      method: 'GET',
      pattern: /^\/crm\/v3\/objects\/companies\/([^/]+)$/,
      handler: (req) => {
        const company = companies.get(req.params[0]!);
        if (!company) return hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
        const wanted = req.query.getAll('properties').flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
        return { status: 200, body: view(company, wanted) };
      },
    },
    {
      method: 'PATCH',
      pattern: /^\/crm\/v3\/objects\/companies\/([^/]+)$/,
      handler: (req) => {
        const company = companies.get(req.params[0]!);
        if (!company) return hsError(404, 'OBJECT_NOT_FOUND', 'resource not found');
        if (!isRecord(req.body) || !('properties' in req.body)) return hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON: expected { "properties": { ... } }.');
        const checked = checkProperties(req.body.properties);
        if (!checked.ok) return checked.response;
        for (const [n, v] of checked.values) record(company, n, v);
        company.updatedAt = iso();
        record(company, 'hs_lastmodifieddate', company.updatedAt);
        return { status: 200, body: view(company, checked.values.map(([n]) => n)) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/crm\/v3\/properties\/companies$/,
      handler: (req) => {
        const b = req.body;
        if (!isRecord(b)) return hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON: expected a property definition object.');
        const missing = ['name', 'label', 'type', 'fieldType', 'groupName'].filter((k) => typeof b[k] !== 'string' || b[k] === '');
        if (missing.length) return hsError(400, 'VALIDATION_ERROR', `Property definition is missing ${missing.join(', ')}.`);
        const name = b.name as string;
        if (!/^[a-z][a-z0-9_]*$/.test(name)) return hsError(400, 'VALIDATION_ERROR', `Property name "${name}" must be lower case letters, digits and underscores, starting with a letter.`);
        if (!TYPES.has(b.type as string)) return hsError(400, 'VALIDATION_ERROR', `Unknown property type "${String(b.type)}".`);
        if (!FIELD_TYPES.has(b.fieldType as string)) return hsError(400, 'VALIDATION_ERROR', `Unknown fieldType "${String(b.fieldType)}".`);
        if (!GROUPS.has(b.groupName as string)) return hsError(400, 'VALIDATION_ERROR', `Property group "${String(b.groupName)}" does not exist.`);
        if (definitions.has(name)) return hsError(409, 'OBJECT_ALREADY_EXISTS', `Property named '${name}' already exists.`);
        const def = defineProperty(name, { label: b.label as string, type: b.type as string, fieldType: b.fieldType as string, groupName: b.groupName as string, ...(typeof b.description === 'string' ? { description: b.description } : {}) });
        const at = iso();
        return { status: 201, body: { name: def.name, label: def.label, type: def.type, fieldType: def.fieldType, groupName: def.groupName, description: def.description ?? '', createdAt: at, updatedAt: at, hidden: false, formField: false, calculated: false, externalOptions: false, hasUniqueValue: false, options: [] } };
      },
    },
    {
      // The portal's Company properties, HubSpot's and custom ones alike (one page: HubSpot does not page this list).
      method: 'GET',
      pattern: /^\/crm\/v3\/properties\/companies$/,
      handler: () => ({ status: 200, body: { results: [...definitions.values()].map((def) => ({ name: def.name, label: def.label, type: def.type, fieldType: def.fieldType, groupName: def.groupName, description: def.description ?? '', hidden: false, hubspotDefined: def.hubspotDefined, modificationMetadata: { readOnlyValue: def.readOnly } })) } }),
    },
    {
      method: 'GET',
      pattern: /^\/crm\/v3\/properties\/companies\/([^/]+)$/,
      handler: (req) => {
        const def = definitions.get(req.params[0]!);
        if (!def) return hsError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${req.params[0]}`);
        return { status: 200, body: { name: def.name, label: def.label, type: def.type, fieldType: def.fieldType, groupName: def.groupName, description: def.description ?? '', hubspotDefined: def.hubspotDefined, modificationMetadata: { readOnlyValue: def.readOnly } } };
      },
    },
  ];

  function search(body: unknown): FakeRouteResponse {
    if (!isRecord(body)) return hsError(400, 'VALIDATION_ERROR', 'Invalid input JSON: expected a search request.');
    const groups = body.filterGroups ?? [];
    if (!Array.isArray(groups) || groups.length > 5) return hsError(400, 'VALIDATION_ERROR', 'filterGroups must be a list of at most 5 groups.');
    const limit = body.limit ?? 10;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 200) return hsError(400, 'VALIDATION_ERROR', 'limit must be a whole number from 1 to 200.');
    const after = body.after === undefined ? 0 : Number(body.after);
    if (!Number.isInteger(after) || after < 0) return hsError(400, 'VALIDATION_ERROR', 'after must be a paging cursor from an earlier page.');
    const wanted = body.properties === undefined ? undefined : Array.isArray(body.properties) && body.properties.every((p) => typeof p === 'string') ? (body.properties as string[]) : null;
    if (wanted === null) return hsError(400, 'VALIDATION_ERROR', 'properties must be a list of property names.');
    const filters: { propertyName: string; operator: string; value?: string }[][] = [];
    for (const g of groups) {
      if (!isRecord(g) || !Array.isArray(g.filters) || g.filters.length > 6) return hsError(400, 'VALIDATION_ERROR', 'Each filter group needs a list of at most 6 filters.');
      const list = [];
      for (const f of g.filters) {
        if (!isRecord(f) || typeof f.propertyName !== 'string' || typeof f.operator !== 'string') return hsError(400, 'VALIDATION_ERROR', 'Each filter needs propertyName and operator.');
        if (!SEARCH_OPERATORS.has(f.operator)) return hsError(400, 'VALIDATION_ERROR', `Operator ${f.operator} is not supported by this fake (supported: ${[...SEARCH_OPERATORS].join(', ')}).`);
        if (!definitions.has(f.propertyName)) return hsError(400, 'VALIDATION_ERROR', `There was a problem with the request: property ${f.propertyName} does not exist.`);
        if ((f.operator === 'EQ' || f.operator === 'NEQ') && f.value === undefined) return hsError(400, 'VALIDATION_ERROR', `Operator ${f.operator} needs a value.`);
        list.push({ propertyName: f.propertyName, operator: f.operator, ...(f.value === undefined ? {} : { value: String(f.value) }) });
      }
      filters.push(list);
    }
    const matches = (c: FakeCompany, f: { propertyName: string; operator: string; value?: string }) => {
      const v = indexed(c, f.propertyName);
      if (f.operator === 'HAS_PROPERTY') return v !== null;
      if (f.operator === 'NOT_HAS_PROPERTY') return v === null;
      return f.operator === 'EQ' ? v === f.value : v !== f.value;
    };
    const all = [...companies.values()].filter((c) => filters.length === 0 || filters.some((g) => g.every((f) => matches(c, f))));
    const page = all.slice(after, after + limit);
    const next = after + limit < all.length ? { paging: { next: { after: String(after + limit) } } } : {};
    return { status: 200, body: { total: all.length, results: page.map((c) => view(c, wanted)), ...next } };
  }

  const takeFault = (method: string, path: string): Fault | undefined => {
    const found = faults.find((f) => (f.method === null || f.method === method) && (f.path === null || (typeof f.path === 'string' ? path.startsWith(f.path) : f.path.test(path))));
    if (found && --found.remaining <= 0) faults = faults.filter((f) => f !== found);
    return found;
  };
  const addFault = (fault: Omit<Fault, 'method' | 'path' | 'remaining'>, match: FakeFaultMatch = {}) => {
    const times = match.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new TypeError('fake HubSpot fault: times must be a whole number ≥ 1.');
    faults.push({ ...fault, method: match.method?.toUpperCase() ?? null, path: match.path ?? null, remaining: times });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  /** Pending delay faults, each with the function that ends it early (answering false). */
  const delays = new Map<NodeJS.Timeout, (completed: boolean) => void>();
  let closing: Promise<void> | undefined;
  /** Resolves true after `ms`, or false as soon as the fake closes (close() settles it). */
  const sleep = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (closing) return resolve(false);
      const timer = setTimeout(() => {
        delays.delete(timer);
        resolve(!closing);
      }, ms);
      delays.set(timer, resolve);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://fake-hubspot.invalid');
    let raw: Buffer;
    try {
      raw = await readBody(req, maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return send(res, { method, path: url.pathname, query: url.search.slice(1), body: undefined }, hsError(413, 'VALIDATION_ERROR', 'Request body too large.'));
    }
    const text = raw.toString('utf8');
    let body: unknown;
    const entry = { method, path: url.pathname, query: url.search.slice(1), body: undefined as unknown };
    if (text !== '') {
      try {
        body = JSON.parse(text);
        entry.body = body;
      } catch (error) {
        return send(res, entry, hsError(400, 'VALIDATION_ERROR', `Invalid input JSON: ${(error as Error).message}`));
      }
    }

    const auth = req.headers.authorization;
    if (typeof auth !== 'string' || !/^Bearer\s+\S+$/i.test(auth)) {
      return send(res, entry, hsError(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview'));
    }
    if (auth.replace(/^Bearer\s+/i, '') !== token) {
      return send(res, entry, hsError(401, 'INVALID_AUTHENTICATION', 'The OAuth token used to make this call expired or is not valid for this portal.'));
    }

    const fault = takeFault(method, url.pathname);
    if (fault?.kind === 'rate-limit') {
      const policyName = fault.policyName ?? 'TEN_SECONDLY_ROLLING';
      const response: FakeRouteResponse = {
        status: 429,
        body: { status: 'error', message: `You have reached your ${policyName.toLowerCase()} limit.`, errorType: 'RATE_LIMIT', correlationId: correlationId(), policyName },
        headers: fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) },
      };
      return send(res, { ...entry, fault: 'rate-limit' }, response);
    }
    if (fault?.kind === 'server-error') return send(res, { ...entry, fault: 'server-error' }, hsError(fault.status ?? 502, 'INTERNAL_ERROR', 'internal error'));
    if (fault?.kind === 'delay' && (!(await sleep(fault.ms ?? 0)) || res.destroyed)) {
      requests.push({ ...entry, fault: 'delay', status: 0 });
      return void res.destroy();
    }

    for (const route of [...routes, ...builtIn]) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      const params = m.slice(1).map((p) => decodeURIComponent(p ?? ''));
      let response: FakeRouteResponse;
      try {
        response = route.handler({ method, path: url.pathname, query: url.searchParams, params, body, headers: req.headers }, fake);
      } catch {
        response = hsError(500, 'INTERNAL_ERROR', 'The fake HubSpot failed on this request (a bug).');
      }
      return send(res, { ...entry, ...(fault ? { fault: fault.kind } : {}) }, response);
    }
    return send(res, entry, hsError(404, 'OBJECT_NOT_FOUND', `No route for ${method} ${url.pathname} in the fake HubSpot.`));
  }

  function send(res: ServerResponse, entry: Omit<FakeHubSpotRequest, 'status'>, response: FakeRouteResponse): void {
    requests.push({ ...entry, status: response.status });
    const payload = response.body === undefined ? '' : JSON.stringify(response.body);
    res.writeHead(response.status, { ...(payload ? { 'content-type': 'application/json;charset=utf-8' } : {}), 'content-length': String(Buffer.byteLength(payload)), ...(response.headers ?? {}) });
    res.end(payload);
  }

  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

  const fake: FakeHubSpot = {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    accessToken: token,
    companies,
    propertyDefinitions: definitions,
    requests,
    createCompany,
    defineProperty,
    faults: {
      rateLimit: (o = {}) => addFault({ kind: 'rate-limit', ...(o.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: o.retryAfterSeconds }), ...(o.policyName ? { policyName: o.policyName } : {}) }, o),
      serverError: (o = {}) => addFault({ kind: 'server-error', status: o.status ?? 502 }, o),
      delay: (ms, o = {}) => addFault({ kind: 'delay', ms }, o),
      clear: () => {
        faults = [];
      },
    },
    route: (method, pattern, handler) => {
      routes.push({ method: method.toUpperCase(), pattern, handler });
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        const stalled = [...delays];
        delays.clear();
        for (const [timer, end] of stalled) {
          clearTimeout(timer);
          end(false);
        }
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
  // Kept off the enumerable surface so `console.log(fake)` or a snapshot never prints the token.
  Object.defineProperty(fake, 'accessToken', { value: token, enumerable: false });
  return fake;
}
