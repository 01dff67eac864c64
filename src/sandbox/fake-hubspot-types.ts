import type { IncomingMessage } from 'node:http';
import type { FaultCount } from './shell/fault-engine';

/** Options of `startFakeHubSpot`. */
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
  fault?: FakeFaultKind;
}

/**
 * What a fake HubSpot fault does: `rate-limit` (HubSpot's 429 body), `server-error` (a 5xx), `delay`
 * (answers late), `reset` (the connection drops before the request is handled) or `lose-response` (the
 * request is handled, a write is made, then the connection drops before any byte of the answer).
 */
export type FakeFaultKind = 'rate-limit' | 'server-error' | 'delay' | 'reset' | 'lose-response';

/** Which requests a fault hits. */
export interface FakeFaultMatch {
  /** HTTP method, any case. @default any */
  method?: string;
  /** A path prefix, or a RegExp tested against the path. @default any */
  path?: string | RegExp;
  /** How many matching requests it hits; `'always'` keeps it until removed. @default 1 */
  times?: number | 'always';
}

/** A switched-on fault, as `faults.list()` shows it (its `id` switches it off early). */
export interface FakeFaultRule extends FaultCount {
  kind: FakeFaultKind;
  status?: number;
  retryAfterSeconds?: number;
  policyName?: string;
  delayMs?: number;
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
  /** The 5xx status to answer, 500–599. @default 502 */
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
  defineProperty(
    name: string,
    init?: Partial<Omit<FakePropertyDefinition, 'name' | 'readOnly' | 'hubspotDefined'>>,
  ): FakePropertyDefinition;
  /**
   * Fault switches, checked after the bearer token (a request without it is refused first) and oldest
   * first. Each returns the switched-on fault; a bad knob throws `FmlConfigError`.
   */
  readonly faults: {
    /** The next matching request(s) get HubSpot's 429 body; `Retry-After` only when `retryAfterSeconds` (0–86400) is given (HubSpot rarely sends one). */
    rateLimit(options?: FakeRateLimitFault): FakeFaultRule;
    /** The next matching request(s) get a 5xx. */
    serverError(options?: FakeServerErrorFault): FakeFaultRule;
    /** The next matching request(s) are answered after `ms` (0–600000); cut, with status 0 and unhandled, when the client gives up or the fake closes first. */
    delay(ms: number, options?: FakeFaultMatch): FakeFaultRule;
    /** The next matching request(s) lose their connection before being handled (the client sees ECONNRESET; recorded with status 0). */
    resetConnection(options?: FakeFaultMatch): FakeFaultRule;
    /** The next matching request(s) are handled (a PATCH is written), then the connection drops before the answer (recorded with status 0). */
    loseResponse(options?: FakeFaultMatch): FakeFaultRule;
    /** The switched-on faults, oldest first. */
    list(): FakeFaultRule[];
    /** Switches one fault off; false when no such fault is on. */
    remove(id: string): boolean;
    /** Switches every fault off. */
    clear(): void;
  };
  /**
   * Serves another endpoint (checked before the built-in ones; every route requires the bearer token).
   * A path some route serves, asked with a method none serves, gets 405 with `Allow`.
   */
  route(method: string, pattern: RegExp, handler: FakeRouteHandler): void;
  /**
   * Stops the server and cuts open connections. Requests held by a delay fault end at once (recorded
   * with status 0), so no timer and no handler is left pending. Safe to call twice.
   */
  close(): Promise<void>;
}
