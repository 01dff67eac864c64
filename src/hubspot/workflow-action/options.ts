import { FmlConfigError } from '../../errors';
import type { Cases } from '../../internal/resources/cases';
import type { CompleteCallbacksOptions } from './callbacks';
import { isoDurationMs } from './duration';
import type { HubSpotAutomationHttpOptions } from './hubspot-api';
import { DEFAULT_TERMINAL_STATUSES } from './outcome';
import { automationPaths } from './paths';
import { resolveRetryAfter, type RetryAfterSetting, type RetryLaterReason } from './retry-later';
import type { HubSpotSignatureVersion } from './signature';
import { resolveSignedEndpoint, type SignedEndpoint, type SignedEndpointReport } from './signed-request';
import { createMemoryCallbackStore, type CallbackStore } from './store';
import type { ActionInputDefaults } from './to-case';

// The options of createWorkflowActionHandler, and their checked, defaulted form that both flows read.

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

const WEEK_MS = 7 * 86_400_000;

/** The handler's options, checked and defaulted. */
export interface ResolvedActionOptions {
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

/** Checks and defaults the options; throws {@link FmlConfigError} naming the bad one. */
export function resolveActionOptions(options: WorkflowActionHandlerOptions): ResolvedActionOptions {
  const fail = (message: string): never => {
    throw new FmlConfigError(`createWorkflowActionHandler: ${message}`);
  };
  if (typeof options !== 'object' || options === null) fail('pass an options object.');
  const { fml } = options;
  if (typeof fml !== 'function' && (typeof fml !== 'object' || fml === null || typeof fml.cases?.create !== 'function'))
    fail("fml must be an FmlClient (or a function returning the portal's FmlClient).");
  const endpoint = resolveSignedEndpoint(options, 'createWorkflowActionHandler');
  const expirationDuration = options.expirationDuration ?? 'P1W';
  const expirationMs =
    isoDurationMs(expirationDuration) ??
    fail(
      `expirationDuration must be an ISO 8601 duration such as "P1W" or "PT36H", got ${JSON.stringify(expirationDuration)}.`,
    );
  for (const hook of ['idempotencyKey', 'crmRecordId'] as const)
    if (options[hook] !== undefined && typeof options[hook] !== 'function')
      fail(`${hook} must be a function (portalId, objectId) => string.`);
  const numbers = {
    fmlDeadlineMs: options.fmlDeadlineMs ?? 10_000,
    retentionMs: options.retentionMs ?? WEEK_MS,
    completionDeadlineMs: options.completionDeadlineMs ?? 20_000,
  };
  for (const [name, v] of Object.entries(numbers))
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(`${name} must be a number > 0, got ${String(v)}.`);
  if (
    options.store !== undefined &&
    !['get', 'set', 'delete', 'findByCase', 'prune'].every(
      (m) => typeof (options.store as unknown as Record<string, unknown>)[m] === 'function',
    )
  )
    fail('store must implement get, set, delete, findByCase and prune (see CallbackStore).');
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
