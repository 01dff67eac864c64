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
import { apiVersionOf, type Call, hsError, openCall } from './fake-hubspot-automation-call';
import {
  COMPLETE,
  type CallbackState,
  type CompletionFault,
  completeCallbacks,
} from './fake-hubspot-automation-callbacks';
import { forwardToCrm } from './fake-hubspot-automation-crm';
import { definitionsAnswer } from './fake-hubspot-definitions';
import { Executions } from './fake-hubspot-executions';
import { postSigned } from './hubspot-signing';
import { FaultEngine, wholeIn } from './shell/fault-engine';
import { HttpShell, type ShellExchange } from './shell/http-shell';
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

interface Waiter {
  check(): void;
  fail(error: Error): void;
}

type CallHandler = (fake: FakeHubSpotAutomation, call: Call) => void;

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const DEFAULT_MAX_BODY_BYTES = 1_048_576;
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
  readonly #callbacks: CallbackState;
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
    this.#callbacks = {
      tokens: this.#tokens,
      faults: this.#faults,
      executions: this.#executions,
      completions: this.completions,
      requests: this.requests,
      now: this.#now,
      completed: () => {
        for (const waiter of [...this.#waiters]) waiter.check();
      },
    };
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
    const { method, url } = exchange;
    const call = openCall(exchange, this.requests);
    if (url.pathname.startsWith('/crm/') && this.#crm)
      return forwardToCrm(this.#crm, this.#shell.closing, exchange, call.auth, call.body, this.requests);
    const found = ROUTES.find(method, url.pathname);
    if (found.kind === 'wrong-method')
      return call.error(
        405,
        'METHOD_NOT_ALLOWED',
        `${method} is not allowed on ${url.pathname}; use ${found.allow.join(', ')}.`,
        { allow: found.allow.join(', ') },
      );
    if (found.kind === 'not-found') return call.error(404, 'NOT_FOUND', `No route ${method} ${url.pathname}.`);
    found.handler(this, { ...call, params: found.params.map(decodeParam) });
  }

  /** @internal `POST …/callbacks/…/complete` (one callback) and `POST …/callbacks/…/complete` (a batch). */
  complete(call: Call): void {
    completeCallbacks(this.#callbacks, call);
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
