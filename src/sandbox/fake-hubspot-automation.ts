import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isoDurationMs } from '../hubspot/workflow-action/duration';
import { BodyTooLargeError, readBody } from './http-io';

/**
 * A local stand-in for HubSpot's workflow engine, as an app-defined workflow action meets it:
 * - it **executes** the action — POSTs a signed execution request (v3 and/or v2, or v1) to the action
 *   URL, the way a running workflow does — and remembers which executions answered BLOCK;
 * - it serves the **callbacks API** on HubSpot's current paths
 *   (`POST /automation/actions/callbacks/2026-03/{callbackId}/complete` and the batch
 *   `POST /automation/actions/callbacks/2026-03/complete`, which require `typedOutputs`) and on the
 *   legacy `/automation/v4/actions/callbacks/…` ones, checking the bearer token and the body, recording
 *   completions, and refusing completions of executions that are not blocked;
 * - it serves the **definitions API** (`POST`/`GET /automation/actions/2026-03/{appId}`,
 *   `GET`/`PATCH …/{definitionId}`, and the same under `/automation/v4/actions/`) with developer-key
 *   (`hapikey`) or bearer auth, for publish scripts;
 * - it sends signed **field option fetches** (`fetchOptions`), as the workflow editor does;
 * - with `crm`, it passes `/crm/…` requests on to a fake CRM (`startFakeHubSpot()`), so one base URL
 *   serves both, as `api.hubapi.com` does.
 *
 * Every API request is recorded with its path and the API version it used (`requests`).
 *
 * Signatures are computed here with `node:crypto`, independently of the SDK's verifier, so a test that
 * passes against this stand-in checks the verifier against a second implementation.
 */

/** Options of {@link startFakeHubSpotAutomation}. */
export interface FakeHubSpotAutomationOptions {
  /** The app's client secret: signs every execution request. Required. */
  appSecret: string;
  /**
   * The bearer token the callbacks API accepts, for every portal; or one per portal id.
   * @default a random `pat-na1-…` (read `accessToken`)
   */
  accessToken?: string | Record<string, string>;
  /**
   * The developer API key the definitions API accepts as `hapikey`.
   * @default a random key (read `developerApiKey`)
   */
  developerApiKey?: string;
  /**
   * The app id the definitions API serves.
   * @default "424242"
   */
  appId?: string;
  /**
   * The port to listen on.
   * @default 0 (an ephemeral port)
   */
  port?: number;
  /**
   * The address to listen on.
   * @default "127.0.0.1"
   */
  host?: string;
  /**
   * Clock for request timestamps and block expiry, in epoch ms.
   * @default Date.now
   */
  now?: () => number;
  /**
   * The largest API request body accepted, in bytes (413 past it).
   * @default 1048576
   */
  maxBodyBytes?: number;
  /**
   * A fake CRM to pass `/crm/…` requests on to (e.g. `startFakeHubSpot()`; give both the same token).
   * @default undefined (`/crm/…` answers 404)
   */
  crm?: { url: string };
}

/** How to send one field option fetch. */
export interface FetchOptionsOptions {
  /** The field's `optionsUrl` as this machine reaches it. */
  optionsUrl: string;
  /** The URL to sign, when it differs (the public URL in front of a proxy). @default optionsUrl */
  signedUrl?: string;
  /** @default 7654321 */
  portalId?: number;
  /** Values of the fields already filled in, as HubSpot sends them. @default {} */
  inputFields?: Record<string, { type: 'STATIC_VALUE'; value: unknown } | { type: 'OBJECT_PROPERTY'; propertyName: string }>;
  /** The user's search text and paging cursor. @default undefined (none sent) */
  fetchOptions?: { q?: string; after?: string };
  /** @default "v3" (v3 and v2 headers, as HubSpot sends) */
  signature?: ExecuteActionOptions['signature'];
  /** Sign with this secret instead of the app's (a forged request). @default the app secret */
  signWith?: string;
  /** HubSpot's docs name the origin both ways. @default "origin" */
  originField?: 'origin' | 'requestOrigin';
}

/** How to execute the action once. */
export interface ExecuteActionOptions {
  /** Where to POST (the action URL as this machine reaches it). */
  actionUrl: string;
  /** The URL to sign, when it differs — the public URL in front of a proxy. @default actionUrl */
  signedUrl?: string;
  /** @default 7654321 */
  portalId?: number;
  /** The enrolled Company's id. @default a new id per call */
  objectId?: number | string;
  /** @default "COMPANY" */
  objectType?: string;
  /** The Company's properties (`objectRequestOptions`). @default {} */
  properties?: Record<string, string>;
  /** The inputs, as resolved for this Company. @default {} */
  inputFields?: Record<string, unknown>;
  /** Reuse a callbackId to redeliver an execution. @default a new one */
  callbackId?: string;
  /**
   * How to sign: `v3` sends the v3 headers and, as HubSpot does, the v2 ones too; `v3-only` only v3;
   * `v2`, `v1`, or `none`.
   * @default "v3"
   */
  signature?: 'v3' | 'v3-only' | 'v2' | 'v1' | 'none';
  /** The `X-HubSpot-Request-Timestamp` (epoch ms). @default the stand-in's clock (`now`) */
  timestamp?: number;
  /**
   * Sign with this secret instead of the app's (a forged request).
   * @default the app secret
   */
  signWith?: string;
  /**
   * The body to send instead of the execution JSON (signed as given).
   * @default the execution request built from the other options
   */
  rawBody?: string;
  /**
   * Changes the body after signing (a tampered request).
   * @default undefined (the body is sent as signed)
   */
  tamper?: (body: string) => string;
  /** HubSpot's docs use both names for the origin. @default "origin" */
  originField?: 'origin' | 'requestOrigin';
}

/** The action's answer to one execution. */
export interface ExecutionResult {
  callbackId: string;
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or the text. */
  body: unknown;
  /** The execution request that was sent (parsed), for assertions. */
  request: Record<string, unknown> | undefined;
}

/** One accepted completion of a blocked execution. */
export interface RecordedCompletion {
  callbackId: string;
  portalId: string;
  outputFields: Record<string, string>;
  /** Which endpoint completed it. */
  via: 'single' | 'batch';
  at: number;
}

/** One callbacks- or definitions-API request, as answered. Holds no token. */
export interface AutomationApiRequest {
  method: string;
  path: string;
  /** The automation API version the path belongs to; undefined for other paths (e.g. `/crm/…`). */
  apiVersion: '2026-03' | 'v4' | undefined;
  status: number;
  auth: 'bearer' | 'hapikey' | 'none';
  body: unknown;
}

/** A stored action definition. */
export interface FakeActionDefinition extends Record<string, unknown> {
  id: string;
  revisionId: string;
  actionUrl: string;
  published: boolean;
}

interface Execution {
  portalId: string;
  state: 'blocked' | 'answered' | 'completed';
  blockExpiresAt?: number;
}

interface Fault {
  /** An error status to answer with, or `drop`: complete the callbacks, then cut the connection unanswered. */
  status: number | 'drop';
  retryAfterSeconds: number | undefined;
  remaining: number;
}

interface Waiter {
  check(): void;
  fail(error: Error): void;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const DAY_MS = 86_400_000;
const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** A running automation stand-in. Close it when done. */
export class FakeHubSpotAutomation {
  /** Base URL, e.g. `http://127.0.0.1:54321`: pass it as the handler's `hubspot.baseUrl`. */
  readonly url: string;
  readonly appId: string;
  /** Accepted completions, oldest first. */
  readonly completions: RecordedCompletion[] = [];
  /** Every callbacks/definitions API request, oldest first. */
  readonly requests: AutomationApiRequest[] = [];
  readonly #secret: string;
  readonly #tokens: string | Record<string, string>;
  readonly #devKey: string;
  readonly #now: () => number;
  readonly #server: ReturnType<typeof createServer>;
  readonly #executions = new Map<string, Execution>();
  readonly #definitions = new Map<string, FakeActionDefinition>();
  readonly #faults: Fault[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #maxBodyBytes: number;
  readonly #crm: string | undefined;
  #closed = false;
  #seq = 0;

  /** @internal Use {@link startFakeHubSpotAutomation}. */
  constructor(server: ReturnType<typeof createServer>, url: string, options: Required<Pick<FakeHubSpotAutomationOptions, 'appSecret' | 'accessToken' | 'developerApiKey' | 'appId' | 'now' | 'maxBodyBytes'>> & { crm?: string }) {
    this.#server = server;
    this.url = url;
    this.appId = options.appId;
    this.#secret = options.appSecret;
    this.#tokens = options.accessToken;
    this.#devKey = options.developerApiKey;
    this.#now = options.now;
    this.#maxBodyBytes = options.maxBodyBytes;
    this.#crm = options.crm?.replace(/\/+$/, '');
  }

  /** The bearer token for a portal (the single token when one was configured). */
  accessTokenFor(portalId: string | number): string {
    return typeof this.#tokens === 'string' ? this.#tokens : this.#tokens[String(portalId)] ?? '';
  }

  /** The single bearer token (or the first portal's). */
  get accessToken(): string {
    return typeof this.#tokens === 'string' ? this.#tokens : Object.values(this.#tokens)[0] ?? '';
  }

  /** The developer API key the definitions API accepts. */
  get developerApiKey(): string {
    return this.#devKey;
  }

  /** The definitions created so far, by id. */
  get definitions(): FakeActionDefinition[] {
    return [...this.#definitions.values()].map((d) => structuredClone(d));
  }

  /** The executions that answered BLOCK and are not completed yet. */
  get blockedCallbacks(): string[] {
    return [...this.#executions].filter(([, e]) => e.state === 'blocked').map(([id]) => id);
  }

  /**
   * Runs the action once for a Company, as a workflow would: builds the execution request, signs it,
   * POSTs it to `actionUrl` and returns the answer. A BLOCK answer makes the callback completable.
   */
  async execute(options: ExecuteActionOptions): Promise<ExecutionResult> {
    const portalId = options.portalId ?? 7654321;
    const callbackId = options.callbackId ?? `ap-${portalId}-${Date.now().toString(36)}-${++this.#seq}-${randomBytes(3).toString('hex')}`;
    const request: Record<string, unknown> = {
      callbackId,
      [options.originField ?? 'origin']: { portalId, actionDefinitionId: 101, actionDefinitionVersion: 1 },
      context: { source: 'WORKFLOWS', workflowId: 555 },
      object: { objectId: options.objectId ?? 9000 + this.#seq, objectType: options.objectType ?? 'COMPANY', properties: options.properties ?? {} },
      inputFields: options.inputFields ?? {},
    };
    const body = options.rawBody ?? JSON.stringify(request);
    const timestamp = options.timestamp ?? this.#now();
    const headers = signHeaders(options.signature ?? 'v3', options.signWith ?? this.#secret, options.signedUrl ?? options.actionUrl, body, timestamp);
    const sent = options.tamper ? options.tamper(body) : body;
    const res = await fetch(options.actionUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: sent });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    if (res.ok) this.#recordAnswer(callbackId, String(portalId), parsed);
    const resHeaders: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      resHeaders[k] = v;
    });
    return { callbackId, status: res.status, headers: resHeaders, body: parsed, request: options.rawBody === undefined ? request : undefined };
  }

  /**
   * Fetches a field's options as the workflow editor does while a user edits the action: POSTs the
   * signed `{ origin, inputFields, fetchOptions }` to the field's `optionsUrl` and returns the answer.
   */
  async fetchOptions(options: FetchOptionsOptions): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
    const portalId = options.portalId ?? 7654321;
    const request: Record<string, unknown> = {
      [options.originField ?? 'origin']: { portalId, actionDefinitionId: 101, actionDefinitionVersion: 1 },
      inputFields: options.inputFields ?? {},
      ...(options.fetchOptions ? { fetchOptions: options.fetchOptions } : {}),
    };
    const body = JSON.stringify(request);
    const headers = signHeaders(options.signature ?? 'v3', options.signWith ?? this.#secret, options.signedUrl ?? options.optionsUrl, body, this.#now());
    const res = await fetch(options.optionsUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    const resHeaders: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      resHeaders[k] = v;
    });
    return { status: res.status, headers: resHeaders, body: parsed };
  }

  /**
   * Resolves with the completion of `callbackId` once it arrives; rejects after `timeoutMs`, or at once
   * when the stand-in is closed.
   */
  waitForCompletion(callbackId: string, timeoutMs = 10_000): Promise<RecordedCompletion> {
    return new Promise((resolve, reject) => {
      if (this.#closed) return reject(new Error(`The HubSpot automation stand-in is closed; no completion of ${callbackId} can arrive.`));
      const settle = (): void => {
        this.#waiters.delete(waiter);
        clearTimeout(timer);
      };
      const waiter: Waiter = {
        check: () => {
          const found = this.completions.find((c) => c.callbackId === callbackId);
          if (!found) return;
          settle();
          resolve(found);
        },
        fail: (error) => {
          settle();
          reject(error);
        },
      };
      const timer = setTimeout(() => waiter.fail(new Error(`No completion of ${callbackId} within ${timeoutMs} ms.`)), timeoutMs);
      this.#waiters.add(waiter);
      waiter.check();
    });
  }

  /**
   * The next `times` callback-completion requests fail: with `status` (429 or 5xx, with `Retry-After`
   * when given), or with `status: 'drop'` the callbacks ARE completed and the connection is then cut
   * without an answer — a response lost on the way back, so the caller cannot tell it went through.
   */
  failCompletions(options: { status?: number | 'drop'; times?: number; retryAfterSeconds?: number } = {}): void {
    this.#faults.push({ status: options.status ?? 429, retryAfterSeconds: options.retryAfterSeconds, remaining: options.times ?? 1 });
  }

  /** Lets blocked executions lapse as HubSpot would after `hs_expiration_duration`: completing them is then refused. */
  expireBlocked(callbackId?: string): void {
    for (const [id, e] of this.#executions) if (e.state === 'blocked' && (callbackId === undefined || id === callbackId)) e.blockExpiresAt = this.#now() - 1;
  }

  /** Stops the server; pending `waitForCompletion` calls reject (their timers are cleared). */
  close(): Promise<void> {
    this.#closed = true;
    for (const waiter of [...this.#waiters]) waiter.fail(new Error('The HubSpot automation stand-in was closed before the completion arrived.'));
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /** What `JSON.stringify` shows: the settings, never a secret. */
  toJSON(): Record<string, unknown> {
    return { url: this.url, appId: this.appId, accessToken: '***', developerApiKey: '***', appSecret: '***' };
  }

  /** What `util.inspect` and `console.log` show: the same, without secrets. */
  [INSPECT](): string {
    return `FakeHubSpotAutomation ${JSON.stringify(this.toJSON())}`;
  }

  #recordAnswer(callbackId: string, portalId: string, body: unknown): void {
    const outputs = (body as { outputFields?: Record<string, unknown> } | undefined)?.outputFields;
    const state = outputs?.hs_execution_state;
    if (this.#executions.get(callbackId)?.state === 'completed') return;
    if (state === 'BLOCK') {
      const duration = typeof outputs?.hs_expiration_duration === 'string' ? isoDurationMs(outputs.hs_expiration_duration) : undefined;
      this.#executions.set(callbackId, { portalId, state: 'blocked', blockExpiresAt: this.#now() + (duration ?? 7 * DAY_MS) });
    } else this.#executions.set(callbackId, { portalId, state: 'answered' });
  }

  /** @internal */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const apiVersion = url.pathname.startsWith('/automation/v4/') ? 'v4' : /^\/automation\/actions\/(callbacks\/)?2026-03\//.test(url.pathname) ? '2026-03' : undefined;
    let text: string;
    try {
      text = (await readBody(req, this.#maxBodyBytes)).toString('utf8');
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      this.requests.push({ method, path: url.pathname, apiVersion, status: 413, auth: 'none', body: undefined });
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ status: 'error', category: 'VALIDATION_ERROR', message: `The request body is larger than ${this.#maxBodyBytes} bytes.` }));
      return;
    }
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    const hapikey = url.searchParams.get('hapikey') ?? undefined;
    const auth: AutomationApiRequest['auth'] = bearer ? 'bearer' : hapikey ? 'hapikey' : 'none';
    const answer = (status: number, payload?: unknown, headers: Record<string, string> = {}): void => {
      this.requests.push({ method, path: url.pathname, apiVersion, status, auth, body });
      res.statusCode = status;
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      if (payload === undefined) res.end();
      else {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(payload));
      }
    };
    const error = (status: number, category: string, message: string, headers: Record<string, string> = {}) =>
      answer(status, { status: 'error', category, message, correlationId: randomBytes(8).toString('hex') }, headers);

    if (url.pathname.startsWith('/crm/') && this.#crm) return this.#toCrm(req, res, method, url, text, auth, body);

    const callbacks = /^\/automation\/(?:v4\/actions\/callbacks|actions\/callbacks\/2026-03)\/(?:([^/]+)\/)?complete$/.exec(url.pathname);
    if (callbacks && method === 'POST') {
      const tokens = typeof this.#tokens === 'string' ? [this.#tokens] : Object.values(this.#tokens);
      if (!bearer || !tokens.includes(bearer)) return error(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found or invalid.');
      const fault = this.#faults.find((f) => f.remaining > 0);
      if (fault && fault.status !== 'drop') {
        fault.remaining -= 1;
        return fault.status === 429
          ? answer(429, { status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING', message: 'You have reached your ten_secondly_rolling limit.' }, fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) })
          : error(fault.status, 'INTERNAL_ERROR', 'Injected failure.', fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) });
      }
      const single = body as { outputFields?: unknown; typedOutputs?: unknown } | undefined;
      const inputs = callbacks[1] !== undefined ? [{ callbackId: decodeURIComponent(callbacks[1]), outputFields: single?.outputFields, typedOutputs: single?.typedOutputs }] : (body as { inputs?: unknown } | undefined)?.inputs;
      if (!Array.isArray(inputs) || inputs.length === 0) return error(400, 'VALIDATION_ERROR', 'Expected { inputs: [{ callbackId, outputFields }] }.');
      const problems: string[] = [];
      for (const input of inputs as { callbackId?: unknown; outputFields?: unknown; typedOutputs?: unknown }[]) {
        const id = typeof input?.callbackId === 'string' ? input.callbackId : undefined;
        // The 2026-03 body requires typedOutputs next to outputFields.
        const typed = apiVersion === '2026-03' && (typeof input?.typedOutputs !== 'object' || input.typedOutputs === null || Array.isArray(input.typedOutputs)) ? 'typedOutputs is required (an object of output values)' : undefined;
        const problem = id === undefined ? 'callbackId is required' : (typed ?? this.#completionProblem(id, input.outputFields, bearer));
        if (problem) problems.push(problem);
      }
      // All or nothing, so a test can see a refused batch left every callback blocked.
      if (problems.length) return error(problems.some((p) => p.startsWith('unknown')) && inputs.length === 1 ? 404 : 400, 'VALIDATION_ERROR', problems.join('; '));
      for (const input of inputs as { callbackId: string; outputFields: Record<string, string> }[]) {
        const execution = this.#executions.get(input.callbackId)!;
        execution.state = 'completed';
        this.completions.push({ callbackId: input.callbackId, portalId: execution.portalId, outputFields: { ...input.outputFields }, via: callbacks[1] !== undefined ? 'single' : 'batch', at: this.#now() });
      }
      for (const waiter of [...this.#waiters]) waiter.check();
      if (fault?.status === 'drop') {
        fault.remaining -= 1;
        this.requests.push({ method, path: url.pathname, apiVersion, status: 0, auth, body });
        res.destroy(); // completed, but the answer never reaches the caller
        return;
      }
      return answer(204);
    }

    const definitions = /^\/automation\/(?:v4\/actions|actions\/2026-03)\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (definitions) {
      if (!(hapikey === this.#devKey || (bearer !== undefined && bearer === this.accessToken))) return error(401, 'INVALID_AUTHENTICATION', 'The developer API key or token is missing or invalid.');
      if (decodeURIComponent(definitions[1]!) !== this.appId) return error(404, 'OBJECT_NOT_FOUND', `No app ${definitions[1]}.`);
      const id = definitions[2] === undefined ? undefined : decodeURIComponent(definitions[2]);
      if (id === undefined && method === 'POST') {
        const problem = definitionProblem(body, true);
        if (problem) return error(400, 'VALIDATION_ERROR', problem);
        const created = { ...(body as Record<string, unknown>), id: String(100_000 + this.#definitions.size + 1), revisionId: '1' } as FakeActionDefinition;
        this.#definitions.set(created.id, created);
        return answer(200, created);
      }
      if (id === undefined && method === 'GET') {
        const all = [...this.#definitions.values()];
        const limit = Math.max(1, Math.min(100, Number(url.searchParams.get('limit') ?? 100) || 100));
        const start = Number(url.searchParams.get('after') ?? 0) || 0;
        const page = all.slice(start, start + limit);
        return answer(200, { results: page, ...(start + limit < all.length ? { paging: { next: { after: String(start + limit) } } } : {}) });
      }
      const existing = id === undefined ? undefined : this.#definitions.get(id);
      if (!existing) return error(404, 'OBJECT_NOT_FOUND', `No action definition ${id ?? ''}.`);
      if (method === 'GET') return answer(200, existing);
      if (method === 'PATCH') {
        const problem = definitionProblem(body, false);
        if (problem) return error(400, 'VALIDATION_ERROR', problem);
        const updated = { ...existing, ...(body as Record<string, unknown>), id: existing.id, revisionId: String(Number(existing.revisionId) + 1) } as FakeActionDefinition;
        this.#definitions.set(existing.id, updated);
        return answer(200, updated);
      }
    }
    return error(404, 'NOT_FOUND', `No route ${method} ${url.pathname}.`);
  }

  /** Passes a `/crm/…` request on to the fake CRM, as `api.hubapi.com` serves both APIs. */
  async #toCrm(req: IncomingMessage, res: ServerResponse, method: string, url: URL, text: string, auth: AutomationApiRequest['auth'], body: unknown): Promise<void> {
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'accept']) {
      const v = req.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    const answer = await fetch(`${this.#crm}${url.pathname}${url.search}`, { method, headers, ...(text === '' ? {} : { body: text }) });
    this.requests.push({ method, path: url.pathname, apiVersion: undefined, status: answer.status, auth, body });
    res.statusCode = answer.status;
    const type = answer.headers.get('content-type');
    if (type) res.setHeader('content-type', type);
    res.end(Buffer.from(await answer.arrayBuffer()));
  }

  #completionProblem(callbackId: string, outputFields: unknown, bearer: string): string | undefined {
    const execution = this.#executions.get(callbackId);
    if (!execution) return `unknown callbackId ${callbackId}`;
    if (typeof this.#tokens !== 'string' && this.#tokens[execution.portalId] !== bearer) return `callback ${callbackId} belongs to another portal`;
    // HubSpot refuses a second completion of one callback with a 400 that says so.
    if (execution.state === 'completed') return `Callback ${callbackId} has already been completed.`;
    if (execution.state !== 'blocked') return `callback ${callbackId} is not blocked`;
    if (execution.blockExpiresAt !== undefined && execution.blockExpiresAt <= this.#now()) return `callback ${callbackId} has expired`;
    if (typeof outputFields !== 'object' || outputFields === null || Array.isArray(outputFields)) return 'outputFields must be an object';
    const state = (outputFields as Record<string, unknown>).hs_execution_state;
    if (state !== 'SUCCESS' && state !== 'FAIL_CONTINUE') return 'outputFields.hs_execution_state must be SUCCESS or FAIL_CONTINUE';
    for (const [k, v] of Object.entries(outputFields)) if (typeof v !== 'string') return `outputFields.${k} must be a string`;
    return undefined;
  }
}

/**
 * Starts the automation stand-in on 127.0.0.1.
 *
 * ```ts
 * const hubspot = await startFakeHubSpotAutomation({ appSecret });
 * const handler = createWorkflowActionHandler({ …, appSecret, hubspot: { accessToken: hubspot.accessToken, baseUrl: hubspot.url } });
 * const answer = await hubspot.execute({ actionUrl, inputFields: { contactEmail: 'jane@acme.example' } });
 * ```
 */
export async function startFakeHubSpotAutomation(options: FakeHubSpotAutomationOptions): Promise<FakeHubSpotAutomation> {
  if (typeof options?.appSecret !== 'string' || options.appSecret === '') throw new TypeError('startFakeHubSpotAutomation needs { appSecret }.');
  let fake: FakeHubSpotAutomation | undefined;
  const server = createServer((req, res) => {
    fake!.handle(req, res).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  fake = new FakeHubSpotAutomation(server, `http://${host}:${port}`, {
    appSecret: options.appSecret,
    accessToken: options.accessToken ?? `pat-na1-${randomBytes(12).toString('hex')}`,
    developerApiKey: options.developerApiKey ?? randomBytes(16).toString('hex'),
    appId: options.appId ?? '424242',
    now: options.now ?? Date.now,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    ...(options.crm ? { crm: options.crm.url } : {}),
  });
  return fake;
}

// ------------------------------------------------------------------------------------------------
// HubSpot's signing, written out again with node:crypto (deliberately not the SDK's code).

const V3_ESCAPES: [RegExp, string][] = [
  [/%3A/gi, ':'], [/%2F/gi, '/'], [/%3F/gi, '?'], [/%40/gi, '@'], [/%21/gi, '!'], [/%24/gi, '$'],
  [/%27/gi, "'"], [/%28/gi, '('], [/%29/gi, ')'], [/%2A/gi, '*'], [/%2C/gi, ','], [/%3B/gi, ';'],
];

function signHeaders(kind: NonNullable<ExecuteActionOptions['signature']>, secret: string, url: string, body: string, timestamp: number): Record<string, string> {
  const v2 = () => ({ 'X-HubSpot-Signature': createHash('sha256').update(`${secret}POST${url}${body}`).digest('hex'), 'X-HubSpot-Signature-Version': 'v2' });
  const v3 = () => {
    const decoded = V3_ESCAPES.reduce((u, [re, ch]) => u.replace(re, ch), url);
    return { 'X-HubSpot-Signature-v3': createHmac('sha256', secret).update(`POST${decoded}${body}${timestamp}`).digest('base64'), 'X-HubSpot-Request-Timestamp': String(timestamp) };
  };
  switch (kind) {
    case 'v3':
      return { ...v2(), ...v3() };
    case 'v3-only':
      return v3();
    case 'v2':
      return v2();
    case 'v1':
      return { 'X-HubSpot-Signature': createHash('sha256').update(`${secret}${body}`).digest('hex'), 'X-HubSpot-Signature-Version': 'v1' };
    default:
      return {};
  }
}

function definitionProblem(body: unknown, creating: boolean): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'The body must be an action definition object.';
  const d = body as Record<string, unknown>;
  if (creating || 'actionUrl' in d) if (typeof d.actionUrl !== 'string' || !/^https?:\/\//.test(d.actionUrl)) return 'actionUrl must be a URL.';
  if (creating && !Array.isArray(d.inputFields)) return 'inputFields is required.';
  if (creating && !Array.isArray(d.objectTypes)) return 'objectTypes is required.';
  if (creating && !Array.isArray(d.functions)) return 'functions is required.';
  if ((creating || 'published' in d) && typeof d.published !== 'boolean') return 'published must be a boolean.';
  if (creating || 'labels' in d) {
    const en = (d.labels as Record<string, { actionName?: unknown }> | undefined)?.en;
    if (typeof en?.actionName !== 'string') return 'labels.en.actionName is required.';
  }
  return undefined;
}
