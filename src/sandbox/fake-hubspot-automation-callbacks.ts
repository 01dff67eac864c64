import type { Call } from './fake-hubspot-automation-call';
import type { AutomationApiRequest, RecordedCompletion } from './fake-hubspot-automation-types';
import type { Executions } from './fake-hubspot-executions';
import type { FaultEngine } from './shell/fault-engine';
import { dropConnection } from './shell/http-shell';

/**
 * The fake automation's callbacks API: completing blocked executions, one
 * (`POST …/callbacks/…/{callbackId}/complete`) or a batch (`POST …/callbacks/…/complete`), on the
 * 2026-03 and the legacy v4 paths, with the bearer check, the injected `failCompletions` faults and
 * HubSpot's refusals. The caller has routed the request here.
 */

/** The callback-completion paths, single and batch, current and legacy (what `failCompletions` hits). */
export const COMPLETE =
  /^\/automation\/(?:v4\/actions\/callbacks|actions\/callbacks\/2026-03)\/(?:([^/]+)\/)?complete$/;

/** A `failCompletions` fault: an error status to answer with, or `drop`: complete the callbacks, then cut the connection unanswered. */
export interface CompletionFault {
  status: number | 'drop';
  retryAfterSeconds: number | undefined;
}

/** What completing callbacks reads and writes: the fake automation's own state, shared (not copied). */
export interface CallbackState {
  readonly tokens: string | Record<string, string>;
  readonly faults: FaultEngine<CompletionFault>;
  readonly executions: Executions;
  readonly completions: RecordedCompletion[];
  readonly requests: AutomationApiRequest[];
  readonly now: () => number;
  /** Called once accepted completions are recorded: wakes `waitForCompletion` callers. */
  completed(): void;
}

/** `POST …/callbacks/…/complete` (one callback) and `POST …/callbacks/…/complete` (a batch). */
export function completeCallbacks(
  state: CallbackState,
  { exchange, params, apiVersion, body, bearer, answer, error }: Call,
): void {
  const tokens = typeof state.tokens === 'string' ? [state.tokens] : Object.values(state.tokens);
  if (!bearer || !tokens.includes(bearer))
    return void error(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found or invalid.');
  const fault = state.faults.match(exchange.method, exchange.url.pathname);
  if (fault && fault.status !== 'drop') {
    state.faults.hit(fault);
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
        : (typed ?? state.executions.problem(id, input.outputFields, state.tokens, bearer));
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
    const execution = state.executions.get(input.callbackId);
    if (!execution) continue; // not reached: problem() above refused every unknown callbackId
    execution.state = 'completed';
    state.completions.push({
      callbackId: input.callbackId,
      portalId: execution.portalId,
      outputFields: { ...input.outputFields },
      via: one !== undefined ? 'single' : 'batch',
      at: state.now(),
    });
  }
  state.completed();
  if (fault?.status === 'drop') {
    // Counted only now: a drop fault hits a completion that went through, never a refused one.
    state.faults.hit(fault);
    state.requests.push({
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
