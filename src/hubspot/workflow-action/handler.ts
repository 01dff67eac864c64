import { FmlAbortError, FmlApiError, FmlConfigError, FmlError, FmlTimeoutError, RateLimitError, ValidationError } from '../../errors';
import { linkSignals } from '../../engine/abort';
import type { Cases } from '../../resources/cases';
import type { Case } from '../../types';
import type { NodeRequest, NodeResponse } from '../../webhooks/node-io';
import type { WebhookEvent } from '../../webhooks/schemas';
import { HubSpotApiError } from '../crm/errors';
import { completeWithFallback, type CompleteCallbacksOptions } from './callbacks';
import { isoDurationMs } from './duration';
import { parseExecutionRequest, type ParsedExecution } from './execution-request';
import { automationSender, type HubSpotAutomationHttpOptions } from './hubspot-api';
import { automationPaths } from './paths';
import { resolveRetryAfter, retryLaterAnswer, type RetryAfterSetting, type RetryLaterReason } from './retry-later';
import { DEFAULT_TERMINAL_STATUSES, outcomeOfCase, outcomeOfEvent, RecentDecisions, type CaseOutcome } from './outcome';
import { readCompanyChoices } from './company-read';
import { FIELD_OPTIONS_PARAM } from './definition';
import { createFieldOptionsHandler, type FieldOptionsHandler } from './field-options';
import type { HubSpotSignatureVersion } from './signature';
import { fetchAdapter, json, nodeAdapter, readSignedJson, report as reportTo, resolveSignedEndpoint, type Answer, type Incoming, type SignatureVersionCounts, type SignedEndpoint, type SignedEndpointReport } from './signed-request';
import { createMemoryCallbackStore, type CallbackRecord, type CallbackStore, type OutputFields } from './store';
import { chosenProperties, executionToCreateCase, relabelField, type ActionInputDefaults, type ExecutionCase } from './to-case';

/** The part of `FmlClient` the handler uses (an `FmlClient` fits). */
export interface FmlCasesApi {
  cases: Pick<Cases, 'create' | 'get'>;
}

/** How the handler reaches HubSpot to complete blocked executions. */
export interface WorkflowActionHubSpotOptions extends HubSpotAutomationHttpOptions {
  /**
   * One access token for every portal: a private app token (single-portal apps, tests). Needs the
   * `automation` scope. Give this or `getAccessToken`.
   * @default undefined (then `getAccessToken` is required)
   */
  accessToken?: string;
  /**
   * The portal's current OAuth access token (your app stores one per installing portal and refreshes
   * it). Called for each completion, so return a fresh one. Takes precedence over `accessToken`.
   * @default undefined (then `accessToken` is used for every portal)
   */
  getAccessToken?: (portalId: string) => string | Promise<string>;
}

/** What `onError` is told about. Ids only: never a secret, never a request body (they hold PII). */
export interface WorkflowActionErrorContext extends SignedEndpointReport {
  /**
   * A stable code: `fml_unavailable`, `fml_rate_limited`, `fml_credentials_rejected`, `store_failed`,
   * `hubspot_unavailable`, `hubspot_credentials_rejected`, `completion_failed`, `completion_refused`,
   * `cross_portal_conflict`, `configuration_error`, `options_failed`, ... — and the notice
   * `signature_version_seen` (the first request of each portal on each signature version; see
   * `requireV3`), whose `error` is a `SignatureVersionNotice`.
   */
  reason: string;
}

/** Options of {@link createWorkflowActionHandler}. */
export interface WorkflowActionHandlerOptions {
  /**
   * The FML client to create cases with — or a function returning the portal's client. Prefer one FML
   * tenant per portal: FML keeps one case per `crmRecordId` and tenant, and Company ids repeat across
   * portals, so portals sharing a tenant can meet the same record id (see `crmRecordId`).
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
   * so it could be replayed against another URL, and no workflow action sends it. Accepting v2 is a
   * downgrade risk: it signs no timestamp, and HubSpot sends it next to v3, so a captured request can
   * be replayed later with its v3 headers stripped (a repeat of a remembered `callbackId` is only
   * answered again, but one forgotten after `retentionMs` runs again). See `requireV3`.
   * @default ["v3", "v2"]
   */
  signatureVersions?: readonly HubSpotSignatureVersion[];
  /**
   * Accept v3 signatures only (`signatureVersions: ["v3"]`): closes the v2 downgrade, but refuses any
   * portal or HubSpot path that still signs v2 only. To decide, watch `onError`'s
   * `signature_version_seen` notices (the first request of each portal on each version; logged with
   * console.info by default) or `handler.signatureVersionsSeen()`: once no portal signs v2 only, turn it on.
   * @default false
   */
  requireV3?: boolean;
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
   * `.node` only: the time HubSpot (or anyone) gets to send the whole request body, in ms from the start
   * of reading; past it — a stalled or trickling sender — 408 and the connection closed.
   * @default 30000
   */
  bodyTimeoutMs?: number;
  /**
   * Time FML may take to create a case — every attempt and wait — before HubSpot is told to retry
   * (429), in ms. Keep it under HubSpot's own request timeout.
   * @default 10000
   */
  fmlDeadlineMs?: number;
  /**
   * `Retry-After` of the 429 "retry later" answers, in whole seconds: one number for every reason, or
   * per reason (`{ fml_unavailable: 30, fml_credentials_rejected: 900 }`). FML's own `Retry-After` on
   * its 429 is passed on instead when it sent one.
   * @default 60, and 300 for fml_credentials_rejected and configuration_error (a person must act)
   */
  retryAfterSeconds?: RetryAfterSetting;
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
   * The case's `crmRecordId` for a portal's Company. FML keeps one case per record id and tenant, and
   * the write-back (`updateCompanyFromEvent`) finds the Company by it. When portals share one FML
   * tenant, two of them can have a Company with the same id: a portal-qualified id, e.g.
   * `` (p, o) => `${p}:${o}` ``, keeps their cases apart (split it again before writing back). With the
   * bare id, an execution whose Company id already has another portal's case — as far as the store
   * remembers — answers `FAIL_CONTINUE` with `cross_portal_conflict` instead of that case. That guard
   * is best effort: two portals executing the action for the same Company id at the same instant can
   * both pass it before either has stored its record, and then share one case. Only one FML tenant per
   * portal, or a portal-qualified `crmRecordId`, guarantees each portal its own case.
   * @default (portalId, objectId) => objectId
   */
  crmRecordId?: (portalId: string, objectId: string) => string;
  /**
   * Case statuses that end the wait (besides any `case.decision.made`).
   * @default ["approved", "declined"]
   */
  terminalStatuses?: readonly string[];
  /**
   * Total time `onFmlEvent` may spend completing one event's callbacks — every HubSpot call, retry and
   * wait — in ms. Past it, the event fails fast (the webhook receiver answers 5xx) and FML redelivers
   * it later, instead of FML's delivery timing out on a hung handler.
   * @default 20000
   */
  completionDeadlineMs?: number;
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

/** Options of {@link WorkflowActionHandler.onFmlEvent}. */
export interface FmlEventOptions {
  /**
   * Cancels the completion pass (e.g. the webhook request was dropped); pending HubSpot calls and waits stop.
   * @default undefined (bounded by `completionDeadlineMs` only)
   */
  signal?: AbortSignal;
}

/** The request shape the Node adapter reads (node's `IncomingMessage`, Express's `req`). */
export type NodeActionRequest = NodeRequest;

/** The response shape the Node adapter writes (node's `ServerResponse`, Express's `res`). */
export type NodeActionResponse = NodeResponse;

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
   * declined, or any `case.decision.made`). Rejects when HubSpot could not be reached within
   * `completionDeadlineMs` (or `signal` fired), so an FML webhook receiver answers 5xx and FML
   * redelivers the event later.
   */
  onFmlEvent(event: WebhookEvent, options?: FmlEventOptions): Promise<FmlEventResult>;
  /** `onFmlEvent` shaped for `createWebhookHandler({ secret, onEvent: handler.onEvent })`. */
  onEvent(event: WebhookEvent): Promise<void>;
  /** Deletes remembered executions past their retention and blocks past their expiry; returns how many. */
  prune(): Promise<number>;
  /**
   * The field option fetches of the action's `optionsUrl` fields (the Company property choices). The
   * handler itself routes requests whose URL has `?fieldOptions=` here; use this to mount them apart.
   */
  fieldOptions: FieldOptionsHandler;
  /** Requests verified per signature version since start (executions and option fetches): v2 or v1 above 0 means `requireV3` would refuse someone. */
  signatureVersionsSeen(): SignatureVersionCounts;
}

const WEEK_MS = 7 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
// FML refusing the app's own credentials: the operator must fix the configuration; HubSpot should retry.
const CREDENTIAL_CODES = new Set(['invalid_client', 'authentication_error', 'insufficient_scope', 'permission_denied']);

/**
 * The request handler for the "Start FML KYB case" workflow action (see `workflowActionDefinition`).
 *
 * For each execution HubSpot sends it verifies the signature (401), validates the request (400),
 * answers a repeated `callbackId` with its first answer, creates the Company's case with a stable
 * Idempotency-Key, and answers:
 * - `SUCCESS` with `caseId`, `customerPortalUrl`, `status` — or, when the workflow waits for FML's
 *   decision, `BLOCK` (remembering callbackId → case) until `onFmlEvent` sees the decision;
 * - `FAIL_CONTINUE` with `errorCode` / `errorMessage` when the input or FML's answer rules the case out;
 * - 429 with `Retry-After` whenever the execution should simply be sent again later — FML throttling,
 *   unavailable or refusing the app's own FML credentials, the store failing, a misconfiguration or a
 *   bug — because HubSpot retries a 429 under every reading of its docs (see `RetryLaterReason`).
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
  // One pass per case at a time: FML sends status.changed and decision.made for one decision together,
  // and two completion passes racing would complete the same callback twice; and an execution storing
  // its BLOCK must not interleave with a pass that would miss it.
  const caseQueues = new Map<string, Promise<unknown>>();
  const recentDecisions = new RecentDecisions(now);
  let lastPrune = now();

  const report = (error: unknown, context: WorkflowActionErrorContext): void => reportTo(config.endpoint, error, context);
  const prune = async (): Promise<number> => {
    lastPrune = now();
    return store.prune(lastPrune);
  };
  const maybePrune = (): void => {
    if (now() - lastPrune < PRUNE_EVERY_MS) return;
    prune().catch((error: unknown) => report(error, { reason: 'store_failed' }));
  };
  // With a signal, the caller stops waiting when it fires; work that has not started by then never
  // starts (so it cannot run half-way), and work already running keeps its place in the queue.
  const oneAtATime = <T>(caseId: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
    const previous = caseQueues.get(caseId) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(() => {
        if (signal?.aborted) throw signal.reason;
        return work();
      });
    caseQueues.set(caseId, run);
    // Leave the queue when the work settles, not when the caller gives up: the next pass must wait for it.
    run.then(
      () => undefined,
      () => undefined,
    ).finally(() => {
      if (caseQueues.get(caseId) === run) caseQueues.delete(caseId);
    });
    return signal ? untilAborted(run, signal) : run;
  };
  const retryLater = (reason: RetryLaterReason, message: string, seconds = config.retryAfter(reason)): Answer => retryLaterAnswer(reason, message, seconds);
  const storeUnavailable = (): Answer => retryLater('store_unavailable', 'The execution store is unavailable; retry later.');
  const internalError = (): Answer => retryLater('internal_error', 'The action handler failed; retry later (the retry cannot create a second case).');

  async function processExecution(incoming: Incoming): Promise<Answer> {
    const read = await readSignedJson(config.endpoint, incoming, 'workflow action executions');
    if ('answer' in read) return read.answer;
    if ('error' in read) {
      report(read.error, { reason: 'configuration_error', status: 429 });
      return retryLater('configuration_error', "publicUrl failed to build the public URL; the app's operator must fix it. Retry later.");
    }
    const execution = parseExecutionRequest(read.json);
    if (!execution.ok) return json(400, { error: 'invalid_request', message: 'The execution request is malformed.', issues: execution.issues });

    maybePrune();
    const { callbackId } = execution.value.request;
    const running = inflight.get(callbackId);
    if (running) return running;
    const work = answerOnce(execution.value)
      .catch((error: unknown) => {
        // A bug or a throwing hook (fml, idempotencyKey): 500 makes HubSpot retry, and the retry is safe.
        // A bug or a throwing hook (fml, idempotencyKey): retry later, which is safe.
        report(error, { callbackId, portalId: execution.value.portalId, reason: 'internal_error', status: 429 });
        return internalError();
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
      report(error, { ...about, reason: 'store_failed', status: 429 });
      return storeUnavailable();
    }
    if (prior) return json(200, { outputFields: prior.answer });
    return execute(execution);
  }

  async function execute(execution: ParsedExecution): Promise<Answer> {
    const { callbackId } = execution.request;
    const about = { callbackId, portalId: execution.portalId };
    const base = { callbackId, portalId: execution.portalId, objectId: execution.objectId, createdAt: now() };
    const recordOf = (fields: OutputFields, extra: Partial<CallbackRecord> = {}): CallbackRecord => ({ ...base, state: 'answered', answer: fields, forgetAt: base.createdAt + config.retentionMs, ...extra });
    const finish = async (fields: OutputFields, extra: Partial<CallbackRecord> = {}): Promise<Answer> => {
      const record = recordOf(fields, extra);
      try {
        await store.set(record);
      } catch (error) {
        // Without the record a BLOCK could never be completed: make HubSpot retry (the create replays).
        if (record.state === 'blocked') {
          report(error, { ...about, caseId: record.caseId, reason: 'store_failed', status: 429 });
          return storeUnavailable();
        }
        report(error, { ...about, caseId: record.caseId, reason: 'store_failed', status: 200 });
      }
      return json(200, { outputFields: fields });
    };

    if (execution.objectType.toUpperCase() !== 'COMPANY') {
      return finish(failure('unsupported_object_type', `This action works on Companies; it was run on a ${execution.objectType}. Use it in Company-based workflows.`));
    }
    // The contact's email or name may live in a Company property the workflow chose (contactEmailProperty,
    // contactNameProperty) that HubSpot did not send along: read it from the CRM.
    const chosen = Object.values(chosenProperties(execution)).filter((p) => !Object.prototype.hasOwnProperty.call(execution.request.object.properties ?? {}, p));
    let chosenValues: Record<string, unknown> = {};
    if (chosen.length) {
      const read = await readCompanyChoices(config.endpoint, execution.portalId, execution.objectId, chosen, Math.min(5000, config.fmlDeadlineMs));
      if (!read.ok) {
        report(read.error, { ...about, reason: read.reason, ...(read.retry ? { status: 429 } : {}) });
        if (read.retry) return retryLater(read.retry, read.message);
        return finish(failure(read.reason, read.message));
      }
      chosenValues = read.values;
    }
    let mapped: ExecutionCase;
    try {
      mapped = executionToCreateCase(execution, { defaults: config.defaults, idempotencyKey: config.idempotencyKey, crmRecordId: config.crmRecordId, chosenValues });
    } catch (error) {
      if (error instanceof ValidationError) return finish(failure(error.code, error.message));
      throw error;
    }

    let fml: FmlCasesApi;
    try {
      fml = await config.fml(execution.portalId);
    } catch (error) {
      report(error, { ...about, reason: 'configuration_error', status: 429 });
      return retryLater('configuration_error', "No FML client for this portal; the app's operator must fix it. Retry later.");
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
    if (replayed) {
      // FML hands back an existing case for this record id — possibly one another portal sharing this
      // FML tenant made for its own Company with the same id. Never answer with another portal's case.
      let owner: string | undefined;
      try {
        owner = ownerPortal(await store.findByCase(kase.caseId));
      } catch (error) {
        report(error, { ...about, caseId: kase.caseId, reason: 'store_failed', status: 429 });
        return storeUnavailable();
      }
      if (owner !== undefined && owner !== execution.portalId) {
        report(new FmlError('cross_portal_conflict', `Case ${kase.caseId} (crmRecordId ${mapped.request.crmRecordId ?? ''}) belongs to portal ${owner}, not ${execution.portalId}.`), { ...about, caseId: kase.caseId, reason: 'cross_portal_conflict' });
        return finish(failure('cross_portal_conflict', `FML already has a case for record id ${mapped.request.crmRecordId ?? ''} from another HubSpot portal connected to the same FML account, so none was created for this Company. Ask the app's operator to give each portal its own FML account or to set crmRecordId per portal.`));
      }
    }
    const created = { caseId: kase.caseId, ...(typeof kase.customerPortalUrl === 'string' ? { customerPortalUrl: kase.customerPortalUrl } : {}) };

    if (!mapped.waitForDecision) {
      const decided = outcomeOfCase(kase, config.terminalStatuses);
      return finish(success(kase, decided), created);
    }
    // An existing case may be decided already, and FML will not announce that decision again.
    let refreshed = false;
    if (replayed) {
      try {
        kase = await fml.cases.get(kase.caseId, { deadlineMs: config.fmlDeadlineMs });
        refreshed = true;
      } catch (error) {
        report(error, { ...about, caseId: kase.caseId, reason: 'fml_refresh_failed' });
      }
    }
    // A fresh read (the create's answer, or the refresh) beats a remembered event: memory stands in only
    // when the read failed. `block` looks once more, with the same rule.
    const decided = outcomeOfCase(kase, config.terminalStatuses) ?? (replayed && !refreshed ? recentDecisions.get(kase.caseId) : undefined);
    if (decided) return finish(success(kase, decided), created);
    const expiration = mapped.expirationDuration === undefined ? { duration: config.expirationDuration, ms: config.expirationMs } : { duration: mapped.expirationDuration, ms: isoDurationMs(mapped.expirationDuration)! };
    return oneAtATime(kase.caseId, () => block(fml, kase, created, finish, recordOf, about, expiration));
  }

  /**
   * Stores the BLOCK, then looks once more: a decision that arrived while the record was being stored
   * found nothing to complete, and FML will not announce it again. Runs in the case's queue, so an
   * `onFmlEvent` pass either completes before (and is remembered) or after (and finds the record).
   */
  async function block(
    fml: FmlCasesApi,
    kase: Case,
    created: Partial<CallbackRecord>,
    finish: (fields: OutputFields, extra?: Partial<CallbackRecord>) => Promise<Answer>,
    recordOf: (fields: OutputFields, extra?: Partial<CallbackRecord>) => CallbackRecord,
    about: { callbackId: string; portalId: string },
    expiration: { duration: string; ms: number },
  ): Promise<Answer> {
    const blockExpiresAt = now() + expiration.ms;
    const blockedExtra: Partial<CallbackRecord> = { ...created, state: 'blocked', blockExpiresAt, forgetAt: blockExpiresAt };
    const blocked = await finish({ hs_execution_state: 'BLOCK', hs_expiration_duration: expiration.duration }, blockedExtra);
    if (blocked.status !== 200) return blocked;
    let latest: Case = kase;
    let decided: CaseOutcome | undefined;
    try {
      latest = await fml.cases.get(kase.caseId, { deadlineMs: config.fmlDeadlineMs });
      decided = outcomeOfCase(latest, config.terminalStatuses);
    } catch (error) {
      // Only when FML cannot be read does a remembered decision stand in; without one the BLOCK stands
      // and the decision's webhook (or its redelivery) completes it.
      decided = recentDecisions.get(kase.caseId);
      report(error, { ...about, caseId: kase.caseId, reason: 'fml_refresh_failed' });
    }
    if (!decided) return blocked;
    // HubSpot has not seen the BLOCK yet: answer with the outcome, once the store holds it too, so the
    // answer and the record never disagree.
    const fields = success(latest, decided);
    for (let attempt = 1; ; attempt++) {
      try {
        await store.set(recordOf(fields, created));
        return json(200, { outputFields: fields });
      } catch (error) {
        report(error, { ...about, caseId: kase.caseId, reason: 'store_failed' });
        if (attempt >= 2) break;
      }
    }
    // The store still holds the BLOCK, and FML will not announce this decision again: answer what the
    // store holds, and complete the callback with the known outcome as soon as HubSpot has the BLOCK.
    completeSoon({ ...recordOf(blocked.body.outputFields as OutputFields, blockedExtra) }, decided);
    return blocked;
  }

  /**
   * Completes one blocked callback in the background, for a BLOCK whose decision is already known.
   * HubSpot refuses a completion until it has seen the BLOCK answer, so the engine retries refusals
   * too here (with its backoff), within `completionDeadlineMs`.
   */
  function completeSoon(record: CallbackRecord, outcome: CaseOutcome): void {
    const about = { callbackId: record.callbackId, portalId: record.portalId, caseId: outcome.caseId };
    const deadlineAt = Date.now() + config.completionDeadlineMs;
    const outputFields = completionOutputs(record, outcome);
    const run = async (): Promise<void> => {
      const token = await config.accessToken(record.portalId);
      const send = automationSender({ accessToken: token }, { retryBaseDelayMs: 250, ...config.hubspotHttp }, deadlineAt, { retryRefusals: true });
      const refused = (await completeWithFallback(send, [{ callbackId: record.callbackId, outputFields }], config.completion)).get(record.callbackId);
      if (refused) return report(refused, { ...about, reason: 'completion_refused' });
      await store.set({ ...record, state: 'completed', completedAt: now(), completion: outputFields, forgetAt: now() + config.retentionMs }).catch((error: unknown) => report(error, { ...about, reason: 'store_failed' }));
    };
    run().catch((error: unknown) => report(error, { ...about, reason: 'completion_failed' }));
  }

  async function fmlFailure(error: unknown, about: { callbackId: string; portalId: string }, finish: (fields: OutputFields) => Promise<Answer>, mapped: ExecutionCase): Promise<Answer> {
    if (error instanceof RateLimitError) {
      report(error, { ...about, reason: 'fml_rate_limited', status: 429 });
      const seconds = error.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(error.retryAfterMs / 1000));
      return retryLater('fml_rate_limited', 'FML is throttling requests; retry later.', seconds);
    }
    const code = error instanceof FmlError ? error.code : undefined;
    if (code === 'server_error' || code === 'connection_error' || code === 'timeout' || code === 'aborted') {
      report(error, { ...about, reason: 'fml_unavailable', status: 429 });
      return retryLater('fml_unavailable', 'FML is unavailable; retry later (the retry cannot create a second case).');
    }
    if (error instanceof ValidationError) {
      const fields = error.fields.map((f) => relabelField(f, mapped.request));
      const list = fields.length ? fields.map((f) => f.message).join('; ') : error.message;
      return finish(failure('validation_error', `FML rejected the case: ${list}`));
    }
    if (error instanceof FmlApiError && (CREDENTIAL_CODES.has(error.code) || error.status === 401 || error.status === 403)) {
      // The app's own FML client is misconfigured (wrong secret, missing scope): nothing about this
      // Company is wrong, so do not fail its workflow for good — alert the operator and let HubSpot retry.
      report(error, { ...about, reason: 'fml_credentials_rejected', status: 429 });
      return retryLater('fml_credentials_rejected', `FML refused this app's API credentials (${error.code}); the app's operator must fix them. Retry later.`);
    }
    if (error instanceof FmlApiError) {
      // FML said no for a reason retrying will not fix.
      report(error, { ...about, reason: error.code });
      return finish(failure(error.code, error.message));
    }
    report(error, { ...about, reason: code ?? 'internal_error', status: 429 });
    return internalError();
  }

  async function onFmlEvent(event: WebhookEvent, eventOptions: FmlEventOptions = {}): Promise<FmlEventResult> {
    maybePrune();
    const outcome = outcomeOfEvent(event, config.terminalStatuses);
    if (!outcome) return { completed: [], expired: [], failed: [] };
    recentDecisions.remember(outcome);
    // The deadline covers the wait for the case's queue too: a stuck pass ahead must not hold this one.
    const deadlineAt = Date.now() + config.completionDeadlineMs;
    const limit = linkSignals([eventOptions.signal, config.hubspotHttp.signal]);
    const timer = setTimeout(() => limit.abort(new FmlTimeoutError(`Completing the HubSpot callbacks of case ${event.caseId} took longer than ${config.completionDeadlineMs} ms; they stay blocked until FML redelivers the event.`)), config.completionDeadlineMs);
    try {
      return await oneAtATime(event.caseId, () => completeCase(event, outcome, limit.signal, deadlineAt), limit.signal);
    } catch (error) {
      // The deadline (or the caller's signal) fired while waiting for the queue or for the store.
      if (limit.signal.aborted && !(error instanceof FmlError && error.code === 'callback_completion_failed')) {
        const reason: unknown = limit.signal.reason;
        // The deadline's own FmlTimeoutError passes on; a caller's abort is named as one.
        throw completionFailed(event, 'some', reason instanceof FmlError ? reason : new FmlAbortError(undefined, { cause: reason }));
      }
      throw error;
    } finally {
      clearTimeout(timer);
      limit.dispose();
    }
  }

  async function completeCase(event: WebhookEvent, outcome: CaseOutcome, signal: AbortSignal, deadlineAt: number): Promise<FmlEventResult> {
    const result: FmlEventResult = { outcome, completed: [], expired: [], failed: [] };
    if (signal.aborted) throw completionFailed(event, 'some', signal.reason);
    // A slow store must not hold the pass past its deadline either.
    const guarded = <T>(promise: Promise<T>): Promise<T> => untilAborted(promise, signal);
    const at = now();
    const blocked = (await guarded(store.findByCase(event.caseId))).filter((r) => r.state === 'blocked');
    const due: CallbackRecord[] = [];
    for (const record of blocked) {
      if (record.blockExpiresAt !== undefined && record.blockExpiresAt <= at) {
        // HubSpot has already moved the workflow on; completing now would be refused.
        await guarded(store.delete(record.callbackId));
        result.expired.push(record.callbackId);
      } else due.push(record);
    }
    const errors: unknown[] = [];
    for (const [portalId, records] of groupBy(due, (r) => r.portalId)) {
      const completions = records.map((r) => ({ callbackId: r.callbackId, outputFields: completionOutputs(r, outcome) }));
      let refusals: Map<string, HubSpotApiError>;
      try {
        const token = await untilAborted(config.accessToken(portalId), signal);
        const send = automationSender({ accessToken: token }, { ...config.hubspotHttp, signal }, deadlineAt);
        refusals = await completeWithFallback(send, completions, config.completion);
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
        const remember = (record: CallbackRecord) =>
          guarded(store.set(record)).catch((error: unknown) => {
            if (signal.aborted) throw error;
            report(error, { ...about, reason: 'store_failed' });
          });
        if (refused) {
          // Another server may have completed it first (HubSpot then refuses ours): that is not a failure.
          const latest = await guarded(store.get(r.callbackId)).catch((error: unknown) => {
            if (signal.aborted) throw error;
            return undefined;
          });
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
    if (errors.length) throw completionFailed(event, due.length - result.completed.length - result.failed.length, errors[0]);
    return result;
  }

  // One endpoint for both: the definition's option fields point at the action URL plus ?fieldOptions=.
  const fieldOptions = createFieldOptionsHandler(options, config.endpoint);
  const route = (incoming: Incoming): Promise<Answer> => (hasFieldOptionsParam(incoming.pathAndQuery) ? fieldOptions.process(incoming) : processExecution(incoming));
  const handler = fetchAdapter(route);
  const node = nodeAdapter(route);
  return Object.assign(handler, {
    node,
    fieldOptions,
    signatureVersionsSeen: (): SignatureVersionCounts => ({ ...config.endpoint.seen }),
    onFmlEvent,
    onEvent: async (event: WebhookEvent) => {
      await onFmlEvent(event);
    },
    prune,
  });
}

/**
 * The portal whose execution first used a case, from the store's records of it; undefined when the
 * store remembers none (a case made by Custom Code, by hand, or forgotten after `retentionMs`).
 */
function ownerPortal(records: readonly CallbackRecord[]): string | undefined {
  let first: CallbackRecord | undefined;
  for (const r of records) if (r.portalId !== '' && (first === undefined || r.createdAt < first.createdAt)) first = r;
  return first?.portalId;
}

function completionFailed(event: WebhookEvent, pending: number | 'some', cause: unknown): FmlError {
  return new FmlError('callback_completion_failed', `Could not complete ${pending} HubSpot workflow callback(s) for case ${event.caseId}; they stay blocked and are completed when this event is delivered again.`, { cause });
}

/** The promise's value, unless `signal` fires first (then its reason). */
function untilAborted<T>(value: T | Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(value).then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function completionOutputs(record: CallbackRecord, outcome: CaseOutcome): OutputFields {
  return { hs_execution_state: 'SUCCESS', caseId: outcome.caseId, customerPortalUrl: record.customerPortalUrl ?? '', status: outcome.status, decision: outcome.decision };
}

function success(kase: Case, decided: CaseOutcome | undefined): OutputFields {
  return {
    hs_execution_state: 'SUCCESS',
    caseId: kase.caseId,
    customerPortalUrl: typeof kase.customerPortalUrl === 'string' ? kase.customerPortalUrl : '',
    // A decision the case read does not show yet (a remembered event) still names its status.
    status: decided?.status || (typeof kase.status === 'string' ? kase.status : ''),
    ...(decided ? { decision: decided.decision } : {}),
  };
}

function failure(code: string, message: string): OutputFields {
  return { hs_execution_state: 'FAIL_CONTINUE', errorCode: code, errorMessage: message.length > 65_000 ? `${message.slice(0, 64_999)}…` : message };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    out.set(k, [...(out.get(k) ?? []), item]);
  }
  return out;
}

interface ResolvedOptions {
  fml: (portalId: string) => FmlCasesApi | Promise<FmlCasesApi>;
  /** Secret, public URL, signature versions, HubSpot token and HTTP settings, onError, clock: shared with the option fetches. */
  endpoint: SignedEndpoint;
  accessToken: (portalId: string) => Promise<string>;
  hubspotHttp: HubSpotAutomationHttpOptions;
  completion: CompleteCallbacksOptions;
  store: CallbackStore;
  expirationDuration: string;
  expirationMs: number;
  defaults: ActionInputDefaults;
  fmlDeadlineMs: number;
  retryAfter: (reason: RetryLaterReason) => number;
  retentionMs: number;
  idempotencyKey: ((portalId: string, objectId: string) => string) | undefined;
  crmRecordId: ((portalId: string, objectId: string) => string) | undefined;
  terminalStatuses: readonly string[];
  completionDeadlineMs: number;
  now: () => number;
}

function resolveOptions(options: WorkflowActionHandlerOptions): ResolvedOptions {
  const fail = (message: string): never => {
    throw new FmlConfigError(`createWorkflowActionHandler: ${message}`);
  };
  if (typeof options !== 'object' || options === null) fail('pass an options object.');
  const { fml } = options;
  if (typeof fml !== 'function' && (typeof fml !== 'object' || fml === null || typeof fml.cases?.create !== 'function')) fail('fml must be an FmlClient (or a function returning the portal\'s FmlClient).');
  const endpoint = resolveSignedEndpoint(options, 'createWorkflowActionHandler');
  const expirationDuration = options.expirationDuration ?? 'P1W';
  const expirationMs = isoDurationMs(expirationDuration) ?? fail(`expirationDuration must be an ISO 8601 duration such as "P1W" or "PT36H", got ${JSON.stringify(expirationDuration)}.`);
  for (const hook of ['idempotencyKey', 'crmRecordId'] as const) if (options[hook] !== undefined && typeof options[hook] !== 'function') fail(`${hook} must be a function (portalId, objectId) => string.`);
  const numbers = {
    fmlDeadlineMs: options.fmlDeadlineMs ?? 10_000,
    retentionMs: options.retentionMs ?? WEEK_MS,
    completionDeadlineMs: options.completionDeadlineMs ?? 20_000,
  };
  for (const [name, v] of Object.entries(numbers)) if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(`${name} must be a number > 0, got ${String(v)}.`);
  if (options.store !== undefined && !['get', 'set', 'delete', 'findByCase', 'prune'].every((m) => typeof (options.store as unknown as Record<string, unknown>)[m] === 'function')) fail('store must implement get, set, delete, findByCase and prune (see CallbackStore).');
  return {
    fml: typeof fml === 'function' ? fml : () => fml,
    endpoint,
    accessToken: endpoint.accessToken,
    hubspotHttp: endpoint.hubspotHttp,
    // Checked now, so a misspelt version fails at start-up rather than as HubSpot 404s at completion time.
    completion: { apiVersion: automationPaths(endpoint.hubspotHttp.apiVersion).version },
    store: options.store ?? createMemoryCallbackStore(),
    expirationDuration,
    expirationMs,
    defaults: options.defaults ?? {},
    ...numbers,
    retryAfter: resolveRetryAfter(options.retryAfterSeconds),
    idempotencyKey: options.idempotencyKey,
    crmRecordId: options.crmRecordId,
    terminalStatuses: options.terminalStatuses ?? DEFAULT_TERMINAL_STATUSES,
    now: endpoint.now,
  };
}

function hasFieldOptionsParam(pathAndQuery: string): boolean {
  const q = pathAndQuery.indexOf('?');
  return q >= 0 && new URLSearchParams(pathAndQuery.slice(q + 1)).has(FIELD_OPTIONS_PARAM);
}
