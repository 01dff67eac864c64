import { randomBytes } from 'node:crypto';
import type {
  AutomationApiRequest,
  ExecuteActionOptions,
  ExecutionResult,
  FakeActionDefinition,
  FakeHubSpotAutomationOptions,
  FetchOptionsOptions,
  RecordedCompletion,
} from './fake-hubspot-automation-types';
import { definitionsAnswer } from './fake-hubspot-definitions';
import { Executions } from './fake-hubspot-executions';
import { postSigned } from './hubspot-signing';
import { FaultEngine, wholeIn } from './shell/fault-engine';
import { dropConnection, HttpShell, send, type ShellAnswer, type ShellExchange } from './shell/http-shell';
import { decodeParam, RouteTable } from './shell/route-table';

export type * from './fake-hubspot-automation-types';

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

/** A `failCompletions` fault: an error status to answer with, or `drop`: complete the callbacks, then cut the connection unanswered. */
interface CompletionFault {
  status: number | 'drop';
  retryAfterSeconds: number | undefined;
}

interface Waiter {
  check(): void;
  fail(error: Error): void;
}

/** One API request as a route sees it: the parsed body, who is calling, and how to answer. */
interface Call {
  exchange: ShellExchange;
  params: string[];
  apiVersion: AutomationApiRequest['apiVersion'];
  body: unknown;
  bearer: string | undefined;
  hapikey: string | undefined;
  answer(status: number, payload?: unknown, headers?: Record<string, string>): void;
  error(status: number, category: string, message: string, headers?: Record<string, string>): void;
}

type CallHandler = (fake: FakeHubSpotAutomation, call: Call) => void;

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const DEFAULT_MAX_BODY_BYTES = 1_048_576;
/** The callback-completion paths, single and batch, current and legacy (what `failCompletions` hits). */
const COMPLETE = /^\/automation\/(?:v4\/actions\/callbacks|actions\/callbacks\/2026-03)\/(?:([^/]+)\/)?complete$/;
// `callbacks` is never an app id: those paths belong to the callbacks API (405 when the method is wrong).
const DEFINITIONS = /^\/automation\/(?:v4\/actions|actions\/2026-03)\/(?!callbacks$)([^/]+)$/;
const DEFINITION = /^\/automation\/(?:v4\/actions|actions\/2026-03)\/(?!callbacks\/)([^/]+)\/([^/]+)$/;

const ROUTES = new RouteTable<CallHandler>([
  ['POST', COMPLETE, (fake, call) => fake.complete(call)],
  ['POST', DEFINITIONS, (fake, call) => fake.definitionsApi(call)],
  ['GET', DEFINITIONS, (fake, call) => fake.definitionsApi(call)],
  ['GET', DEFINITION, (fake, call) => fake.definitionsApi(call)],
  ['PATCH', DEFINITION, (fake, call) => fake.definitionsApi(call)],
]);

/** A running automation stand-in (see {@link startFakeHubSpotAutomation}). Close it when done. */
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
  readonly #shell: HttpShell;
  readonly #executions: Executions;
  readonly #definitions = new Map<string, FakeActionDefinition>();
  readonly #faults = new FaultEngine<CompletionFault>('Invalid fake HubSpot automation fault', 'exact');
  readonly #waiters = new Set<Waiter>();
  readonly #crm: string | undefined;
  #closed = false;
  #seq = 0;

  /** @internal Use {@link startFakeHubSpotAutomation}. */
  constructor(
    shell: HttpShell,
    url: string,
    options: Required<
      Pick<FakeHubSpotAutomationOptions, 'appSecret' | 'accessToken' | 'developerApiKey' | 'appId' | 'now'>
    > & { crm?: string },
  ) {
    this.#shell = shell;
    this.url = url;
    this.appId = options.appId;
    this.#secret = options.appSecret;
    this.#tokens = options.accessToken;
    this.#devKey = options.developerApiKey;
    this.#now = options.now;
    this.#executions = new Executions(options.now);
    this.#crm = options.crm?.replace(/\/+$/, '');
  }

  /** The bearer token for a portal (the single token when one was configured). */
  accessTokenFor(portalId: string | number): string {
    return typeof this.#tokens === 'string' ? this.#tokens : (this.#tokens[String(portalId)] ?? '');
  }

  /** The single bearer token (or the first portal's). */
  get accessToken(): string {
    return typeof this.#tokens === 'string' ? this.#tokens : (Object.values(this.#tokens)[0] ?? '');
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
    return this.#executions.blocked();
  }

  /**
   * Runs the action once for a Company, as a workflow would: builds the execution request, signs it,
   * POSTs it to `actionUrl` and returns the answer. A BLOCK answer makes the callback completable.
   */
  async execute(options: ExecuteActionOptions): Promise<ExecutionResult> {
    const portalId = options.portalId ?? 7654321;
    const callbackId =
      options.callbackId ??
      `ap-${portalId}-${Date.now().toString(36)}-${++this.#seq}-${randomBytes(3).toString('hex')}`;
    const request: Record<string, unknown> = {
      callbackId,
      [options.originField ?? 'origin']: { portalId, actionDefinitionId: 101, actionDefinitionVersion: 1 },
      context: { source: 'WORKFLOWS', workflowId: 555 },
      object: {
        objectId: options.objectId ?? 9000 + this.#seq,
        objectType: options.objectType ?? 'COMPANY',
        properties: options.properties ?? {},
      },
      inputFields: options.inputFields ?? {},
    };
    const body = options.rawBody ?? JSON.stringify(request);
    const timestamp = options.timestamp ?? this.#now();
    const res = await postSigned(options, options.actionUrl, options.signWith ?? this.#secret, body, timestamp);
    if (res.status >= 200 && res.status < 300) this.#executions.recordAnswer(callbackId, String(portalId), res.body);
    return { callbackId, ...res, request: options.rawBody === undefined ? request : undefined };
  }

  /**
   * Fetches a field's options as the workflow editor does while a user edits the action: POSTs the
   * signed `{ origin, inputFields, fetchOptions }` to the field's `optionsUrl` and returns the answer.
   */
  async fetchOptions(
    options: FetchOptionsOptions,
  ): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
    const portalId = options.portalId ?? 7654321;
    const request: Record<string, unknown> = {
      [options.originField ?? 'origin']: { portalId, actionDefinitionId: 101, actionDefinitionVersion: 1 },
      inputFields: options.inputFields ?? {},
      ...(options.fetchOptions ? { fetchOptions: options.fetchOptions } : {}),
    };
    const body = JSON.stringify(request);
    return postSigned(options, options.optionsUrl, options.signWith ?? this.#secret, body, this.#now());
  }

  /**
   * Resolves with the completion of `callbackId` once it arrives; rejects after `timeoutMs`, or at once
   * when the stand-in is closed.
   */
  waitForCompletion(callbackId: string, timeoutMs = 10_000): Promise<RecordedCompletion> {
    return new Promise((resolve, reject) => {
      if (this.#closed)
        return reject(
          new Error(`The HubSpot automation stand-in is closed; no completion of ${callbackId} can arrive.`),
        );
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
      const timer = setTimeout(
        () => waiter.fail(new Error(`No completion of ${callbackId} within ${timeoutMs} ms.`)),
        timeoutMs,
      );
      this.#waiters.add(waiter);
      waiter.check();
    });
  }

  /**
   * The next `times` callback-completion requests fail: with `status` (429 or 5xx, with `Retry-After`
   * when given), or with `status: 'drop'` the callbacks ARE completed and the connection is then cut
   * without an answer — a response lost on the way back, so the caller cannot tell it went through.
   */
  failCompletions(
    options: { status?: number | 'drop'; times?: number | 'always'; retryAfterSeconds?: number } = {},
  ): void {
    const status = options.status ?? 429;
    if (status !== 'drop' && !wholeIn(status, 400, 599)) this.#faults.fail("status must be 400–599 or 'drop'.");
    if (options.retryAfterSeconds !== undefined && !wholeIn(options.retryAfterSeconds, 0, 86_400))
      this.#faults.fail('retryAfterSeconds must be a whole number from 0 to 86400.');
    this.#faults.add(
      { method: 'POST', path: COMPLETE, times: options.times ?? 1 },
      { status, retryAfterSeconds: options.retryAfterSeconds },
    );
  }

  /** Lets blocked executions lapse as HubSpot would after `hs_expiration_duration`: completing them is then refused. */
  expireBlocked(callbackId?: string): void {
    this.#executions.expire(callbackId);
  }

  /**
   * Stops the server and cuts open connections; pending `waitForCompletion` calls reject (their timers
   * are cleared) and a `/crm/…` request being passed on is aborted. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closed = true;
    for (const waiter of [...this.#waiters])
      waiter.fail(new Error('The HubSpot automation stand-in was closed before the completion arrived.'));
    return this.#shell.close();
  }

  /** What `JSON.stringify` shows: the settings, never a secret. */
  toJSON(): Record<string, unknown> {
    return { url: this.url, appId: this.appId, accessToken: '***', developerApiKey: '***', appSecret: '***' };
  }

  /** What `util.inspect` and `console.log` show: the same, without secrets. */
  [INSPECT](): string {
    return `FakeHubSpotAutomation ${JSON.stringify(this.toJSON())}`;
  }

  /** @internal The shell hands every request here. */
  async handle(exchange: ShellExchange): Promise<void> {
    const { method, url, req, res } = exchange;
    const apiVersion = apiVersionOf(url.pathname);
    const text = exchange.body.toString('utf8');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    const hapikey = url.searchParams.get('hapikey') ?? undefined;
    const auth: AutomationApiRequest['auth'] = bearer ? 'bearer' : hapikey ? 'hapikey' : 'none';
    const answer: Call['answer'] = (status, payload, headers = {}) => {
      this.requests.push({ method, path: url.pathname, apiVersion, status, auth, body });
      send(res, {
        status,
        headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
        body: payload === undefined ? '' : JSON.stringify(payload),
      });
    };
    const error: Call['error'] = (status, category, message, headers = {}) =>
      answer(status, hsError(category, message), headers);

    if (url.pathname.startsWith('/crm/') && this.#crm) return this.#toCrm(exchange, auth, body);
    const found = ROUTES.find(method, url.pathname);
    if (found.kind === 'wrong-method')
      return error(
        405,
        'METHOD_NOT_ALLOWED',
        `${method} is not allowed on ${url.pathname}; use ${found.allow.join(', ')}.`,
        { allow: found.allow.join(', ') },
      );
    if (found.kind === 'not-found') return error(404, 'NOT_FOUND', `No route ${method} ${url.pathname}.`);
    found.handler(this, {
      exchange,
      params: found.params.map(decodeParam),
      apiVersion,
      body,
      bearer,
      hapikey,
      answer,
      error,
    });
  }

  /** @internal `POST …/callbacks/…/complete` (one callback) and `POST …/callbacks/…/complete` (a batch). */
  complete({ exchange, params, apiVersion, body, bearer, answer, error }: Call): void {
    const tokens = typeof this.#tokens === 'string' ? [this.#tokens] : Object.values(this.#tokens);
    if (!bearer || !tokens.includes(bearer))
      return void error(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found or invalid.');
    const fault = this.#faults.match(exchange.method, exchange.url.pathname);
    if (fault && fault.status !== 'drop') {
      this.#faults.hit(fault);
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      if (fault.status === 429) {
        return void answer(
          429,
          {
            status: 'error',
            errorType: 'RATE_LIMIT',
            policyName: 'TEN_SECONDLY_ROLLING',
            message: 'You have reached your ten_secondly_rolling limit.',
          },
          headers,
        );
      }
      return void error(fault.status, 'INTERNAL_ERROR', 'Injected failure.', headers);
    }
    const one = params[0] !== undefined && params[0] !== '' ? params[0] : undefined;
    const single = body as { outputFields?: unknown; typedOutputs?: unknown } | undefined;
    const inputs =
      one !== undefined
        ? [{ callbackId: one, outputFields: single?.outputFields, typedOutputs: single?.typedOutputs }]
        : (body as { inputs?: unknown } | undefined)?.inputs;
    if (!Array.isArray(inputs) || inputs.length === 0)
      return void error(400, 'VALIDATION_ERROR', 'Expected { inputs: [{ callbackId, outputFields }] }.');
    const problems: string[] = [];
    for (const input of inputs as { callbackId?: unknown; outputFields?: unknown; typedOutputs?: unknown }[]) {
      const id = typeof input?.callbackId === 'string' ? input.callbackId : undefined;
      // The 2026-03 body requires typedOutputs next to outputFields.
      const typed =
        apiVersion === '2026-03' &&
        (typeof input?.typedOutputs !== 'object' || input.typedOutputs === null || Array.isArray(input.typedOutputs))
          ? 'typedOutputs is required (an object of output values)'
          : undefined;
      const problem =
        id === undefined
          ? 'callbackId is required'
          : (typed ?? this.#executions.problem(id, input.outputFields, this.#tokens, bearer));
      if (problem) problems.push(problem);
    }
    // All or nothing, so a test can see a refused batch left every callback blocked.
    if (problems.length)
      return void error(
        problems.some((p) => p.startsWith('unknown')) && inputs.length === 1 ? 404 : 400,
        'VALIDATION_ERROR',
        problems.join('; '),
      );
    for (const input of inputs as { callbackId: string; outputFields: Record<string, string> }[]) {
      const execution = this.#executions.get(input.callbackId);
      if (!execution) continue; // not reached: problem() above refused every unknown callbackId
      execution.state = 'completed';
      this.completions.push({
        callbackId: input.callbackId,
        portalId: execution.portalId,
        outputFields: { ...input.outputFields },
        via: one !== undefined ? 'single' : 'batch',
        at: this.#now(),
      });
    }
    for (const waiter of [...this.#waiters]) waiter.check();
    if (fault?.status === 'drop') {
      // Counted only now: a drop fault hits a completion that went through, never a refused one.
      this.#faults.hit(fault);
      this.requests.push({
        method: exchange.method,
        path: exchange.url.pathname,
        apiVersion,
        status: 0,
        auth: 'bearer',
        body,
      });
      return void dropConnection(exchange.req.socket); // completed, but the answer never reaches the caller
    }
    return void answer(204);
  }

  /** @internal The definitions API: `POST`/`GET /{appId}`, `GET`/`PATCH /{appId}/{definitionId}`. */
  definitionsApi({ exchange, params, body, bearer, hapikey, answer, error }: Call): void {
    if (!(hapikey === this.#devKey || (bearer !== undefined && bearer === this.accessToken)))
      return void error(401, 'INVALID_AUTHENTICATION', 'The developer API key or token is missing or invalid.');
    const [appId, id] = params;
    if (appId !== this.appId) return void error(404, 'OBJECT_NOT_FOUND', `No app ${appId}.`);
    const reply = definitionsAnswer(this.#definitions, exchange.method, id, body, exchange.url.searchParams);
    if ('payload' in reply) return void answer(reply.status, reply.payload);
    return void error(reply.status, reply.category, reply.message);
  }

  /**
   * Passes a `/crm/…` request on to the fake CRM, as `api.hubapi.com` serves both APIs. Aborted when
   * this stand-in closes; a CRM that cannot be reached is HubSpot's 502.
   */
  async #toCrm(
    { method, url, req, res, body: raw }: ShellExchange,
    auth: AutomationApiRequest['auth'],
    body: unknown,
  ): Promise<void> {
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'accept']) {
      const v = req.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    let reply: ShellAnswer;
    try {
      const answer = await fetch(`${this.#crm}${url.pathname}${url.search}`, {
        method,
        headers,
        signal: this.#shell.closing,
        ...(raw.length === 0 ? {} : { body: raw.toString('utf8') }),
      });
      const type = answer.headers.get('content-type');
      reply = { status: answer.status, headers: type ? { 'content-type': type } : {}, body: await answer.text() };
    } catch {
      if (this.#shell.closing.aborted) return dropConnection(req.socket);
      reply = {
        status: 502,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(hsError('INTERNAL_ERROR', `The fake CRM at ${this.#crm} could not be reached.`)),
      };
    }
    this.requests.push({ method, path: url.pathname, apiVersion: undefined, status: reply.status, auth, body });
    send(res, reply);
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
export async function startFakeHubSpotAutomation(
  options: FakeHubSpotAutomationOptions,
): Promise<FakeHubSpotAutomation> {
  if (typeof options?.appSecret !== 'string' || options.appSecret === '')
    throw new TypeError('startFakeHubSpotAutomation needs { appSecret }.');
  let fake: FakeHubSpotAutomation | undefined;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const shell = new HttpShell({
    maxBodyBytes,
    tooLarge: (method, url, limit) => {
      fake?.requests.push({
        method,
        path: url.pathname,
        apiVersion: apiVersionOf(url.pathname),
        status: 413,
        auth: 'none',
        body: undefined,
      });
      return {
        status: 413,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(hsError('VALIDATION_ERROR', `The request body is larger than ${limit} bytes.`)),
      };
    },
    handle: (exchange) => fake?.handle(exchange),
  });
  const url = await shell.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  fake = new FakeHubSpotAutomation(shell, url, {
    appSecret: options.appSecret,
    accessToken: options.accessToken ?? `pat-na1-${randomBytes(12).toString('hex')}`,
    developerApiKey: options.developerApiKey ?? randomBytes(16).toString('hex'),
    appId: options.appId ?? '424242',
    now: options.now ?? Date.now,
    ...(options.crm ? { crm: options.crm.url } : {}),
  });
  return fake;
}

/** The automation API version a path belongs to; undefined for other paths (e.g. `/crm/…`). */
function apiVersionOf(path: string): AutomationApiRequest['apiVersion'] {
  return path.startsWith('/automation/v4/')
    ? 'v4'
    : /^\/automation\/actions\/(callbacks\/)?2026-03\//.test(path)
      ? '2026-03'
      : undefined;
}

/** HubSpot's error body. */
const hsError = (category: string, message: string) => ({
  status: 'error',
  category,
  message,
  correlationId: randomBytes(8).toString('hex'),
});
