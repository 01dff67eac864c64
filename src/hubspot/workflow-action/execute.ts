import { type Incoming, type JsonAnswer, jsonAnswer } from '../../webhooks/http-adapter';
import type { ActionContext } from './context';
import { parseExecutionRequest, type ParsedExecution } from './execution-request';
import { Execution, INTERNAL_ERROR, STORE_UNAVAILABLE } from './execution-run';
import { readSignedJson } from './signed-request';
import type { CallbackRecord } from './store';

// The flow from HubSpot to FML: a signed execution request becomes the Company's case, answered SUCCESS,
// FAIL_CONTINUE or BLOCK (or 429 "retry later"), each answer remembered so HubSpot's repeats get it again.

/** Answers execution requests: one run per `callbackId` at a time, a remembered answer for repeats. */
export class Executions {
  readonly #ctx: ActionContext;
  readonly #inflight = new Map<string, Promise<JsonAnswer>>();

  constructor(ctx: ActionContext) {
    this.#ctx = ctx;
  }

  /** Verifies, parses and answers one execution request. */
  async process(incoming: Incoming): Promise<JsonAnswer> {
    const ctx = this.#ctx;
    const read = await readSignedJson(ctx.config.endpoint, incoming, 'workflow action executions');
    if ('answer' in read) return read.answer;
    if ('error' in read) {
      ctx.report(read.error, { reason: 'configuration_error', status: 429 });
      return ctx.retryLater(
        'configuration_error',
        "publicUrl failed to build the public URL; the app's operator must fix it. Retry later.",
      );
    }
    const execution = parseExecutionRequest(read.json);
    if (!execution.ok)
      return jsonAnswer(400, {
        error: 'invalid_request',
        message: 'The execution request is malformed.',
        issues: execution.issues,
      });

    ctx.maybePrune();
    const { callbackId } = execution.value.request;
    const running = this.#inflight.get(callbackId);
    if (running) return running;
    const work = this.#answerOnce(execution.value)
      .catch((error: unknown) => {
        // A bug or a throwing hook (fml, idempotencyKey): retry later, which is safe.
        ctx.report(error, { callbackId, portalId: execution.value.portalId, reason: 'internal_error', status: 429 });
        return ctx.retryLater('internal_error', INTERNAL_ERROR);
      })
      .finally(() => this.#inflight.delete(callbackId));
    this.#inflight.set(callbackId, work);
    return work;
  }

  /** The first answer for a callbackId, or the remembered one for a repeat. */
  async #answerOnce(execution: ParsedExecution): Promise<JsonAnswer> {
    const ctx = this.#ctx;
    let prior: CallbackRecord | undefined;
    try {
      prior = await ctx.config.store.get(execution.request.callbackId);
    } catch (error) {
      ctx.report(error, {
        callbackId: execution.request.callbackId,
        portalId: execution.portalId,
        reason: 'store_failed',
        status: 429,
      });
      return ctx.retryLater('store_unavailable', STORE_UNAVAILABLE);
    }
    if (prior) return jsonAnswer(200, { outputFields: prior.answer });
    return new Execution(ctx, execution).run();
  }
}
