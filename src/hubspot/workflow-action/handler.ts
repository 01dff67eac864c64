import { FmlApiError, FmlConfigError, FmlError, RateLimitError, ValidationError, WebhookVerificationError } from '../../errors';
import type { Cases } from '../../resources/cases';
import type { Case } from '../../types';
import { isRawBody, type RawBody } from '../../webhooks/bytes';
import { bodyTooLarge, DEFAULT_MAX_BODY_BYTES, readRawBody, readRequestBody } from '../../webhooks/raw-body';
import type { WebhookEvent } from '../../webhooks/schemas';
import { HubSpotApiError } from '../crm/errors';
import { completeCallbacks, type CallbackCompletion } from './callbacks';
import { isoDurationMs } from './duration';
import { parseExecutionRequest, type ParsedExecution } from './execution-request';
import { automationSender, type HubSpotAutomationHttpOptions } from './hubspot-api';
import { DEFAULT_TERMINAL_STATUSES, outcomeOfCase, outcomeOfEvent, type CaseOutcome } from './outcome';
import { verifyHubSpotSignature, type HubSpotHeaders, type HubSpotSignatureVersion } from './signature';
import { createMemoryCallbackStore, type CallbackRecord, type CallbackStore, type OutputFields } from './store';
import { executionToCreateCase, relabelField, type ActionInputDefaults, type ExecutionCase } from './to-case';

/** The part of `FmlClient` the handler uses (an `FmlClient` fits). */
export interface FmlCasesApi {
  cases: Pick<Cases, 'create' | 'get'>;
}

/** How the handler reaches HubSpot to complete blocked executions. */
export interface WorkflowActionHubSpotOptions extends HubSpotAutomationHttpOptions {
  /**
   * One access token for every portal: a private app token (single-portal apps, tests). Needs the
   * `automation` scope. Give this or `getAccessToken`.
   */
  accessToken?: string;
  /**
   * The portal's current OAuth access token (your app stores one per installing portal and refreshes
   * it). Called for each completion, so return a fresh one.
   */
  getAccessToken?: (portalId: string) => string | Promise<string>;
}

/** What `onError` is told about. Ids only: never a secret, never a request body (they hold PII). */
export interface WorkflowActionErrorContext {
  /** A stable code: `fml_unavailable`, `store_failed`, `completion_failed`, `configuration_error`, ... */
  reason: string;
  /** The HTTP status answered to HubSpot, for execution requests. */
  status?: number;
  callbackId?: string;
  portalId?: string;
  caseId?: string;
  eventId?: string;
}

/** Options of {@link createWorkflowActionHandler}. */
export interface WorkflowActionHandlerOptions {
  /**
   * The FML client to create cases with — or, when portals map to different FML tenants, a function
   * returning the portal's client.
   */
  fml: FmlCasesApi | ((portalId: string) => FmlCasesApi | Promise<FmlCasesApi>);
  /** The HubSpot app's client secret: it signs every execution request. Never logged or echoed. */
  appSecret: string;
  /**
   * The public base URL HubSpot calls (scheme, host, and any path prefix a proxy strips), e.g.
   * `https://kyb.example.com`. The signed URL is this base plus the request's own path and query —
   * the local request's host is never trusted. A function gets the local path and query and returns
   * the full public URL.
   */
  publicUrl: string | ((pathAndQuery: string) => string);
  /** Completing blocked executions: a token (or a token per portal) and HTTP settings. */
  hubspot: WorkflowActionHubSpotOptions;
  /**
   * Remembers executions (for repeats) and blocked callbacks (for completion). Use a durable store in
   * production, or a restart forgets every blocked execution.
   * @default an in-memory store (`createMemoryCallbackStore()`)
   */
  store?: CallbackStore;
  /**
   * How long HubSpot waits for FML's decision before the workflow moves on without it (ISO 8601).
   * @default "P1W" (one week, HubSpot's own default)
   */
  expirationDuration?: string;
  /** Values for option inputs the workflow leaves empty. @default { sendInvite: true, waitForDecision: false } */
  defaults?: ActionInputDefaults;
  /**
   * Signature versions accepted. Workflow actions are signed v2 (older) or v3; v1 signs only the body,
   * so it could be replayed against another URL, and no workflow action sends it.
   * @default ["v3", "v2"]
   */
  signatureVersions?: readonly HubSpotSignatureVersion[];
  /**
   * How far a v3 timestamp may be from now, either way, in ms.
   * @default 300000
   */
  maxSignatureAgeMs?: number;
  /**
   * The largest execution request accepted, in bytes (413 past it).
   * @default 1_048_576
   */
  maxBodyBytes?: number;
  /**
   * Time FML may take to create a case — every attempt and wait — before HubSpot is told to retry
   * (503), in ms. Keep it under HubSpot's own request timeout.
   * @default 10000
   */
  fmlDeadlineMs?: number;
  /**
   * `Retry-After` sent with a 503 when FML is unreachable, in seconds (a 429 passes on FML's own).
   * @default 60
   */
  retryAfterSeconds?: number;
  /**
   * How long finished executions are remembered to answer HubSpot's repeats, in ms.
   * @default 604800000 (7 days)
   */
  retentionMs?: number;
  /**
   * The Idempotency-Key for a portal's Company.
   * @default (portalId, objectId) => `hubspot-${portalId}-${objectId}`
   */
  idempotencyKey?: (portalId: string, objectId: string) => string;
  /**
   * Case statuses that end the wait (besides any `case.decision.made`).
   * @default ["approved", "declined"]
   */
  terminalStatuses?: readonly string[];
  /**
   * Told about every failure worth a look: FML unavailable, a store or completion failure, a
   * misconfiguration. Never receives a secret or a request body.
   * @default console.error for server-side problems (5xx answers, failed completions)
   */
  onError?: (error: unknown, context: WorkflowActionErrorContext) => void;
  /**
   * The clock, in epoch ms (for tests).
   * @default Date.now
   */
  now?: () => number;
}

/** What {@link WorkflowActionHandler.onFmlEvent} did. */
export interface FmlEventResult {
  /** The outcome the event announced; undefined when it did not end the case. */
  outcome?: CaseOutcome;
  /** Callbacks completed now. */
  completed: string[];
  /** Blocked callbacks whose wait had already expired: dropped, not completed. */
  expired: string[];
  /** Callbacks HubSpot refused for good (e.g. already expired on its side). */
  failed: string[];
}

/** The parts of node's `IncomingMessage` the Node adapter uses (Express's `req` has them too). */
export interface NodeActionRequest {
  method?: string | undefined;
  url?: string | undefined;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** A raw body parser's result (`express.raw()`), if one ran. */
  body?: unknown;
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  pause(): unknown;
}

/** The parts of node's `ServerResponse` the Node adapter uses. */
export interface NodeActionResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(chunk: string, callback?: () => void): unknown;
}

/**
 * The action's request handler: a Fetch-API handler `(request) => Promise<Response>`, with a Node
 * adapter and the hook that completes blocked executions when FML decides.
 */
export interface WorkflowActionHandler {
  (request: Request): Promise<Response>;
  /** The same handler for `node:http` / Express (`app.post('/hubspot/action', handler.node)`). */
  node(req: NodeActionRequest, res: NodeActionResponse): Promise<void>;
  /**
   * Completes the blocked executions of the event's case when the event decides it (approved,
   * declined, or any `case.decision.made`). Rejects when HubSpot could not be reached, so an FML
   * webhook receiver answers 5xx and FML redelivers the event later.
   */
  onFmlEvent(event: WebhookEvent): Promise<FmlEventResult>;
  /** `onFmlEvent` shaped for `createWebhookHandler({ secret, onEvent: handler.onEvent })`. */
  onEvent(event: WebhookEvent): Promise<void>;
  /** Deletes remembered executions past their retention and blocks past their expiry; returns how many. */
  prune(): Promise<number>;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

interface Incoming {
  method: string | undefined;
  pathAndQuery: string;
  headers: HubSpotHeaders;
  readBody(limit: number): Promise<RawBody>;
}

const WEEK_MS = 7 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * The request handler for the "Start FML KYB case" workflow action (see `workflowActionDefinition`).
 *
 * For each execution HubSpot sends it verifies the signature (401), validates the request (400),
 * answers a repeated `callbackId` with its first answer, creates the Company's case with a stable
 * Idempotency-Key, and answers:
 * - `SUCCESS` with `caseId`, `customerPortalUrl`, `status` — or, when the workflow waits for FML's
 *   decision, `BLOCK` (remembering callbackId → case) until `onFmlEvent` sees the decision;
 * - `FAIL_CONTINUE` with `errorCode` / `errorMessage` when the input or FML's answer rules the case out;
 * - 429 / 503 with `Retry-After` when FML is throttling or unavailable, so HubSpot retries later.
 *
 * @example
 * const action = createWorkflowActionHandler({ fml, appSecret, publicUrl: 'https://kyb.example.com', hubspot: { getAccessToken }, store });
 * http.createServer((req, res) => req.url?.startsWith('/hubspot/action') ? action.node(req, res) : fmlWebhooks(req, res));
 * const fmlWebhooks = createNodeWebhookHandler({ secret: process.env.FML_WEBHOOK_SECRET, onEvent: action.onEvent });
 */
export function createWorkflowActionHandler(options: WorkflowActionHandlerOptions): WorkflowActionHandler {
  const config = resolveOptions(options);
  const { store, now } = config;
  const inflight = new Map<string, Promise<Answer>>();
  // One completion pass per case at a time: FML sends status.changed and decision.made for one decision
  // together, and two passes racing would complete the same callback twice.
  const caseQueues = new Map<string, Promise<unknown>>();
  let lastPrune = now();

  const report = (error: unknown, context: WorkflowActionErrorContext): void => {
    try {
      config.onError(error, context);
    } catch {
      // A throwing logger must not change what HubSpot or FML is answered.
    }
  };
  const prune = async (): Promise<number> => {
    lastPrune = now();
    return store.prune(lastPrune);
  };
  const maybePrune = (): void => {
    if (now() - lastPrune < PRUNE_EVERY_MS) return;
    prune().catch((error: unknown) => report(error, { reason: 'store_failed' }));
  };

  async function processExecution(incoming: Incoming): Promise<Answer> {
    if (incoming.method?.toUpperCase() !== 'POST') return json(405, { error: 'method_not_allowed', message: 'HubSpot executes workflow actions with POST.' }, { allow: 'POST' });
    let body: RawBody;
    try {
      body = await incoming.readBody(config.maxBodyBytes);
    } catch (error) {
      if (error instanceof WebhookVerificationError && error.reason === 'body_too_large') return json(413, { error: 'body_too_large', message: error.message }, { connection: 'close' });
      return json(400, { error: 'incomplete_body', message: 'The request body could not be read in full.' });
    }
    let url: string;
    try {
      url = config.publicUrl(incoming.pathAndQuery);
    } catch (error) {
      report(error, { reason: 'configuration_error', status: 500 });
      return json(500, { error: 'configuration_error', message: 'publicUrl failed to build the public URL.' });
    }
    const check = await verifyHubSpotSignature({ method: 'POST', url, body, headers: incoming.headers, secret: config.appSecret, maxAgeMs: config.maxSignatureAgeMs, now: now(), versions: config.signatureVersions });
    if (!check.valid) return json(401, { error: 'invalid_signature', reason: check.reason, message: check.message });

    let parsed: unknown;
    try {
      parsed = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body as Uint8Array));
    } catch {
      return json(400, { error: 'invalid_json', message: 'The execution request is not JSON.' });
    }
    const execution = parseExecutionRequest(parsed);
    if (!execution.ok) return json(400, { error: 'invalid_request', message: 'The execution request is malformed.', issues: execution.issues });

    maybePrune();
    const { callbackId } = execution.value.request;
    const running = inflight.get(callbackId);
    if (running) return running;
    const work = answerOnce(execution.value)
      .catch((error: unknown) => {
        // A bug or a throwing hook (fml, idempotencyKey): 500 makes HubSpot retry, and the retry is safe.
        report(error, { callbackId, portalId: execution.value.portalId, reason: 'internal_error', status: 500 });
        return json(500, { error: 'internal_error', message: 'The action handler failed; HubSpot will retry.' });
      })
      .finally(() => inflight.delete(callbackId));
    inflight.set(callbackId, work);
    return work;
  }

  /** The first answer for a callbackId, or the remembered one for a repeat. */
  async function answerOnce(execution: ParsedExecution): Promise<Answer> {
    const { callbackId } = execution.request;
    const about = { callbackId, portalId: execution.portalId };
    let prior: CallbackRecord | undefined;
    try {
      prior = await store.get(callbackId);
    } catch (error) {
      report(error, { ...about, reason: 'store_failed', status: 503 });
      return retryLater(503, 'store_unavailable', 'The execution store is unavailable; retry later.', config.retryAfterSeconds);
    }
    if (prior) return json(200, { outputFields: prior.answer });
    return execute(execution);
  }

  async function execute(execution: ParsedExecution): Promise<Answer> {
    const { callbackId } = execution.request;
    const about = { callbackId, portalId: execution.portalId };
    const base = { callbackId, portalId: execution.portalId, objectId: execution.objectId, createdAt: now() };
    const finish = async (fields: OutputFields, extra: Partial<CallbackRecord> = {}): Promise<Answer> => {
      const record: CallbackRecord = { ...base, state: 'answered', answer: fields, forgetAt: base.createdAt + config.retentionMs, ...extra };
      try {
        await store.set(record);
      } catch (error) {
        // Without the record a BLOCK could never be completed: make HubSpot retry (the create replays).
        if (record.state === 'blocked') {
          report(error, { ...about, caseId: record.caseId, reason: 'store_failed', status: 503 });
          return retryLater(503, 'store_unavailable', 'The execution store is unavailable; retry later.', config.retryAfterSeconds);
        }
        report(error, { ...about, caseId: record.caseId, reason: 'store_failed', status: 200 });
      }
      return json(200, { outputFields: fields });
    };

    if (execution.objectType.toUpperCase() !== 'COMPANY') {
      return finish(failure('unsupported_object_type', `This action works on Companies; it was run on a ${execution.objectType}. Use it in Company-based workflows.`));
    }
    let mapped: ExecutionCase;
    try {
      mapped = executionToCreateCase(execution, { defaults: config.defaults, idempotencyKey: config.idempotencyKey });
    } catch (error) {
      if (error instanceof ValidationError) return finish(failure(error.code, error.message));
      throw error;
    }

    let fml: FmlCasesApi;
    try {
      fml = await config.fml(execution.portalId);
    } catch (error) {
      report(error, { ...about, reason: 'configuration_error', status: 500 });
      return json(500, { error: 'configuration_error', message: 'No FML client for this portal.' });
    }
    let kase: Case;
    let replayed: unknown;
    try {
      const result = await fml.cases.create(mapped.request, { idempotencyKey: mapped.idempotencyKey, deadlineMs: config.fmlDeadlineMs });
      kase = result.case;
      replayed = result.replayed;
    } catch (error) {
      return fmlFailure(error, about, finish, mapped);
    }
    const created = { caseId: kase.caseId, ...(typeof kase.customerPortalUrl === 'string' ? { customerPortalUrl: kase.customerPortalUrl } : {}) };

    if (!mapped.waitForDecision) {
      const decided = outcomeOfCase(kase, config.terminalStatuses);
      return finish(success(kase, decided), created);
    }
    // An existing case may be decided already, and FML will not announce that decision again.
    if (replayed) {
      try {
        kase = await fml.cases.get(kase.caseId, { deadlineMs: config.fmlDeadlineMs });
      } catch (error) {
        report(error, { ...about, caseId: kase.caseId, reason: 'fml_refresh_failed' });
      }
    }
    const decided = outcomeOfCase(kase, config.terminalStatuses);
    if (decided) return finish(success(kase, decided), created);
    const blockExpiresAt = now() + config.expirationMs;
    return finish({ hs_execution_state: 'BLOCK', hs_expiration_duration: config.expirationDuration }, { ...created, state: 'blocked', blockExpiresAt, forgetAt: blockExpiresAt });
  }

  async function fmlFailure(error: unknown, about: { callbackId: string; portalId: string }, finish: (fields: OutputFields) => Promise<Answer>, mapped: ExecutionCase): Promise<Answer> {
    if (error instanceof RateLimitError) {
      report(error, { ...about, reason: 'fml_rate_limited', status: 429 });
      const seconds = error.retryAfterMs === undefined ? config.retryAfterSeconds : Math.max(1, Math.ceil(error.retryAfterMs / 1000));
      return retryLater(429, 'fml_rate_limited', 'FML is throttling requests; retry later.', seconds);
    }
    const code = error instanceof FmlError ? error.code : undefined;
    if (code === 'server_error' || code === 'connection_error' || code === 'timeout' || code === 'aborted') {
      report(error, { ...about, reason: 'fml_unavailable', status: 503 });
      return retryLater(503, 'fml_unavailable', 'FML is unavailable; retry later (the retry cannot create a second case).', config.retryAfterSeconds);
    }
    if (error instanceof ValidationError) {
      const fields = error.fields.map((f) => relabelField(f, mapped.request));
      const list = fields.length ? fields.map((f) => f.message).join('; ') : error.message;
      return finish(failure('validation_error', `FML rejected the case: ${list}`));
    }
    if (error instanceof FmlApiError) {
      // FML said no for a reason retrying will not fix (wrong credentials, a missing scope, …).
      report(error, { ...about, reason: error.code });
      return finish(failure(error.code, error.message));
    }
    report(error, { ...about, reason: code ?? 'internal_error', status: 500 });
    return json(500, { error: 'internal_error', message: 'The action handler failed; HubSpot will retry.' });
  }

  async function onFmlEvent(event: WebhookEvent): Promise<FmlEventResult> {
    maybePrune();
    const outcome = outcomeOfEvent(event, config.terminalStatuses);
    if (!outcome) return { completed: [], expired: [], failed: [] };
    const previous = caseQueues.get(event.caseId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => completeCase(event, outcome));
    caseQueues.set(event.caseId, run);
    try {
      return await run;
    } finally {
      if (caseQueues.get(event.caseId) === run) caseQueues.delete(event.caseId);
    }
  }

  async function completeCase(event: WebhookEvent, outcome: CaseOutcome): Promise<FmlEventResult> {
    const result: FmlEventResult = { outcome, completed: [], expired: [], failed: [] };
    const at = now();
    const blocked = (await store.findByCase(event.caseId)).filter((r) => r.state === 'blocked');
    const due: CallbackRecord[] = [];
    for (const record of blocked) {
      if (record.blockExpiresAt !== undefined && record.blockExpiresAt <= at) {
        // HubSpot has already moved the workflow on; completing now would be refused.
        await store.delete(record.callbackId);
        result.expired.push(record.callbackId);
      } else due.push(record);
    }
    const errors: unknown[] = [];
    for (const [portalId, records] of groupBy(due, (r) => r.portalId)) {
      const completions = records.map((r) => ({ callbackId: r.callbackId, outputFields: completionOutputs(r, outcome) }));
      let refusals: Map<string, HubSpotApiError>;
      try {
        const send = automationSender({ accessToken: await config.accessToken(portalId) }, config.hubspotHttp);
        refusals = await completeWithFallback(send, completions);
      } catch (error) {
        report(error, { reason: 'completion_failed', portalId, caseId: event.caseId, eventId: event.eventId });
        errors.push(error);
        continue;
      }
      for (const [i, r] of records.entries()) {
        const refused = refusals.get(r.callbackId);
        const about = { callbackId: r.callbackId, portalId, caseId: event.caseId, eventId: event.eventId };
        // HubSpot already has the answer: a store failure now is reported, but must not make FML redeliver
        // the event for a completion that went through.
        const remember = (record: CallbackRecord) => store.set(record).catch((error: unknown) => report(error, { ...about, reason: 'store_failed' }));
        if (refused) {
          // Another server may have completed it first (HubSpot then refuses ours): that is not a failure.
          const latest = await store.get(r.callbackId).catch(() => undefined);
          if (latest?.state === 'completed') continue;
          report(refused, { ...about, reason: 'completion_refused' });
          await remember({ ...r, state: 'failed', completedAt: now(), completion: completions[i]!.outputFields, error: { code: refused.code, message: refused.message }, forgetAt: now() + config.retentionMs });
          result.failed.push(r.callbackId);
        } else {
          await remember({ ...r, state: 'completed', completedAt: now(), completion: completions[i]!.outputFields, forgetAt: now() + config.retentionMs });
          result.completed.push(r.callbackId);
        }
      }
    }
    if (errors.length) {
      throw new FmlError('callback_completion_failed', `Could not complete ${due.length - result.completed.length - result.failed.length} HubSpot workflow callback(s) for case ${event.caseId}; they stay blocked and are completed when this event is delivered again.`, { cause: errors[0] });
    }
    return result;
  }

  const handler = async (request: Request): Promise<Response> => {
    const local = new URL(request.url);
    const answer = await processExecution({ method: request.method, pathAndQuery: `${local.pathname}${local.search}`, headers: request.headers, readBody: (limit) => readRequestBody(request, limit) });
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json', ...answer.headers } });
  };
  const node = async (req: NodeActionRequest, res: NodeActionResponse): Promise<void> => {
    const answer = await processExecution({ method: req.method, pathAndQuery: req.url ?? '/', headers: req.headers, readBody: (limit) => nodeBody(req, limit) });
    res.statusCode = answer.status;
    res.setHeader('content-type', 'application/json');
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    await new Promise<void>((resolve) => res.end(JSON.stringify(answer.body), resolve));
  };
  return Object.assign(handler, {
    node,
    onFmlEvent,
    onEvent: async (event: WebhookEvent) => {
      await onFmlEvent(event);
    },
    prune,
  });
}

/**
 * Completes a portal's callbacks; when a batch is refused for good (one stale callback spoils the
 * lot), completes them one by one so the others still go through. Returns the refusals by callbackId.
 */
async function completeWithFallback(send: ReturnType<typeof automationSender>, completions: CallbackCompletion[]): Promise<Map<string, HubSpotApiError>> {
  const refused = new Map<string, HubSpotApiError>();
  try {
    await completeCallbacks(send, completions);
    return refused;
  } catch (error) {
    if (!isRefusal(error)) throw error;
    if (completions.length === 1) {
      refused.set(completions[0]!.callbackId, error);
      return refused;
    }
  }
  for (const c of completions) {
    try {
      await completeCallbacks(send, [c]);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      refused.set(c.callbackId, error);
    }
  }
  return refused;
}

/** HubSpot said no for good: not throttling or failing, and not a token problem that a fix or refresh cures. */
function isRefusal(error: unknown): error is HubSpotApiError {
  return error instanceof HubSpotApiError && !error.retryable && error.status !== 401 && error.status !== 403;
}

function completionOutputs(record: CallbackRecord, outcome: CaseOutcome): OutputFields {
  return { hs_execution_state: 'SUCCESS', caseId: outcome.caseId, customerPortalUrl: record.customerPortalUrl ?? '', status: outcome.status, decision: outcome.decision };
}

function success(kase: Case, decided: CaseOutcome | undefined): OutputFields {
  return {
    hs_execution_state: 'SUCCESS',
    caseId: kase.caseId,
    customerPortalUrl: typeof kase.customerPortalUrl === 'string' ? kase.customerPortalUrl : '',
    status: typeof kase.status === 'string' ? kase.status : '',
    ...(decided ? { decision: decided.decision } : {}),
  };
}

function failure(code: string, message: string): OutputFields {
  return { hs_execution_state: 'FAIL_CONTINUE', errorCode: code, errorMessage: message.length > 65_000 ? `${message.slice(0, 64_999)}…` : message };
}

function json(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Answer {
  return { status, body, headers };
}

function retryLater(status: 429 | 503, error: string, message: string, seconds: number): Answer {
  return json(status, { error, message }, { 'retry-after': String(seconds) });
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    out.set(k, [...(out.get(k) ?? []), item]);
  }
  return out;
}

async function nodeBody(req: NodeActionRequest, limit: number): Promise<RawBody> {
  if (isRawBody(req.body)) {
    const size = typeof req.body === 'string' ? new TextEncoder().encode(req.body).byteLength : req.body.byteLength;
    if (size > limit) throw bodyTooLarge(limit);
    return req.body;
  }
  return readRawBody(req, { limit });
}

interface ResolvedOptions {
  fml: (portalId: string) => FmlCasesApi | Promise<FmlCasesApi>;
  appSecret: string;
  publicUrl: (pathAndQuery: string) => string;
  accessToken: (portalId: string) => Promise<string>;
  hubspotHttp: HubSpotAutomationHttpOptions;
  store: CallbackStore;
  expirationDuration: string;
  expirationMs: number;
  defaults: ActionInputDefaults;
  signatureVersions: readonly HubSpotSignatureVersion[];
  maxSignatureAgeMs: number;
  maxBodyBytes: number;
  fmlDeadlineMs: number;
  retryAfterSeconds: number;
  retentionMs: number;
  idempotencyKey: ((portalId: string, objectId: string) => string) | undefined;
  terminalStatuses: readonly string[];
  onError: (error: unknown, context: WorkflowActionErrorContext) => void;
  now: () => number;
}

function resolveOptions(options: WorkflowActionHandlerOptions): ResolvedOptions {
  const fail = (message: string): never => {
    throw new FmlConfigError(`createWorkflowActionHandler: ${message}`);
  };
  if (typeof options !== 'object' || options === null) fail('pass an options object.');
  const { fml, appSecret, publicUrl, hubspot } = options;
  if (typeof fml !== 'function' && (typeof fml !== 'object' || fml === null || typeof fml.cases?.create !== 'function')) fail('fml must be an FmlClient (or a function returning the portal\'s FmlClient).');
  if (typeof appSecret !== 'string' || appSecret.trim() === '') fail("appSecret is required: the HubSpot app's client secret, which signs every execution (is its environment variable unset?).");
  let buildUrl: (pathAndQuery: string) => string;
  if (typeof publicUrl === 'function') buildUrl = publicUrl;
  else {
    if (typeof publicUrl !== 'string' || !/^https?:\/\/[^/\s]+/.test(publicUrl)) fail('publicUrl must be the public base URL HubSpot calls, e.g. "https://kyb.example.com".');
    const base = publicUrl.replace(/\/+$/, '');
    buildUrl = (pathAndQuery) => `${base}${pathAndQuery.startsWith('/') ? '' : '/'}${pathAndQuery}`;
  }
  if (typeof hubspot !== 'object' || hubspot === null) fail('hubspot is required: { accessToken } or { getAccessToken(portalId) } to complete blocked executions.');
  const { accessToken, getAccessToken, ...hubspotHttp } = hubspot;
  if (getAccessToken !== undefined && typeof getAccessToken !== 'function') fail('hubspot.getAccessToken must be a function (portalId) => token.');
  if (getAccessToken === undefined && (typeof accessToken !== 'string' || accessToken.trim() === '')) fail('hubspot needs { accessToken } or { getAccessToken(portalId) } (is its environment variable unset?).');
  const staticToken = typeof accessToken === 'string' ? accessToken.trim() : '';
  const tokenFor = async (portalId: string): Promise<string> => {
    const token = getAccessToken ? await getAccessToken(portalId) : staticToken;
    if (typeof token !== 'string' || token.trim() === '') throw new FmlConfigError(`No HubSpot access token for portal ${portalId}.`);
    return token.trim();
  };
  const expirationDuration = options.expirationDuration ?? 'P1W';
  const expirationMs = isoDurationMs(expirationDuration) ?? fail(`expirationDuration must be an ISO 8601 duration such as "P1W" or "PT36H", got ${JSON.stringify(expirationDuration)}.`);
  const versions = options.signatureVersions ?? ['v3', 'v2'];
  if (!Array.isArray(versions) || versions.length === 0 || !versions.every((v) => v === 'v1' || v === 'v2' || v === 'v3')) fail('signatureVersions must list some of "v3", "v2", "v1".');
  const numbers = { maxSignatureAgeMs: options.maxSignatureAgeMs ?? 300_000, maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, fmlDeadlineMs: options.fmlDeadlineMs ?? 10_000, retryAfterSeconds: options.retryAfterSeconds ?? 60, retentionMs: options.retentionMs ?? WEEK_MS };
  for (const [name, v] of Object.entries(numbers)) if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(`${name} must be a number > 0, got ${String(v)}.`);
  if (options.store !== undefined && !['get', 'set', 'delete', 'findByCase', 'prune'].every((m) => typeof (options.store as unknown as Record<string, unknown>)[m] === 'function')) fail('store must implement get, set, delete, findByCase and prune (see CallbackStore).');
  return {
    fml: typeof fml === 'function' ? fml : () => fml,
    appSecret,
    publicUrl: buildUrl!,
    accessToken: tokenFor,
    hubspotHttp,
    store: options.store ?? createMemoryCallbackStore(),
    expirationDuration,
    expirationMs,
    defaults: options.defaults ?? {},
    signatureVersions: versions,
    ...numbers,
    idempotencyKey: options.idempotencyKey,
    terminalStatuses: options.terminalStatuses ?? DEFAULT_TERMINAL_STATUSES,
    onError: options.onError ?? logServerSide,
    now: options.now ?? Date.now,
  };
}

function logServerSide(error: unknown, context: WorkflowActionErrorContext): void {
  if (context.status !== undefined && context.status < 500 && context.reason !== 'fml_rate_limited') return;
  const ids = [context.callbackId && `callback ${context.callbackId}`, context.portalId && `portal ${context.portalId}`, context.caseId && `case ${context.caseId}`].filter(Boolean).join(', ');
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`[@firstmilelabs/cases/hubspot] workflow action ${context.reason}${ids ? ` (${ids})` : ''}: ${detail}`);
}
