import {
  fetchHandler,
  type Incoming,
  type JsonAnswer,
  type NodeRequest,
  type NodeResponse,
  nodeHandler,
} from '../../webhooks/http-adapter';
import type { WebhookEvent } from '../../webhooks/schemas';
import { completeFromEvent, type FmlEventOptions, type FmlEventResult } from './complete';
import { ActionContext } from './context';
import { FIELD_OPTIONS_PARAM } from './definition';
import { Executions } from './execute';
import { createFieldOptionsHandler, type FieldOptionsHandler } from './field-options';
import type { WorkflowActionHandlerOptions } from './options';
import type { SignatureVersionCounts } from './signed-request';

// The workflow action's handler: wires its two flows — executions (execute.ts: HubSpot → FML) and
// completions (complete.ts: FML → HubSpot) — and the option fetches onto one endpoint.

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
  const ctx = new ActionContext(options);
  const executions = new Executions(ctx);
  const onFmlEvent = (event: WebhookEvent, eventOptions?: FmlEventOptions): Promise<FmlEventResult> =>
    completeFromEvent(ctx, event, eventOptions);
  // One endpoint for both: the definition's option fields point at the action URL plus ?fieldOptions=.
  const fieldOptions = createFieldOptionsHandler(options, ctx.config.endpoint);
  const route = (incoming: Incoming): Promise<JsonAnswer> =>
    hasFieldOptionsParam(incoming.pathAndQuery) ? fieldOptions.process(incoming) : executions.process(incoming);
  return Object.assign(fetchHandler(route, ctx.config.endpoint), {
    node: nodeHandler(route, ctx.config.endpoint),
    fieldOptions,
    signatureVersionsSeen: (): SignatureVersionCounts => ({ ...ctx.config.endpoint.seen }),
    onFmlEvent,
    onEvent: async (event: WebhookEvent) => {
      await onFmlEvent(event);
    },
    prune: () => ctx.prune(),
  });
}

function hasFieldOptionsParam(pathAndQuery: string): boolean {
  const q = pathAndQuery.indexOf('?');
  return q >= 0 && new URLSearchParams(pathAndQuery.slice(q + 1)).has(FIELD_OPTIONS_PARAM);
}
