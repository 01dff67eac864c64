import { FmlAbortError, FmlError, FmlTimeoutError } from '../../errors';
import { linkSignals } from '../../internal/engine/abort';
import type { WebhookEvent } from '../../webhooks/schemas';
import type { HubSpotApiError } from '../crm/errors';
import { completionOutputs } from './answers';
import { completeWithFallback } from './callbacks';
import { untilAborted } from './case-queue';
import type { ActionContext } from './context';
import { automationSender } from './hubspot-api';
import { outcomeOfEvent, type CaseOutcome } from './outcome';
import type { CallbackRecord } from './store';

// The flow from FML back to HubSpot: an FML event that decides a case completes the callbacks its
// executions left blocked; and one blocked callback whose decision was already known is completed in
// the background.

/** What the handler's `onFmlEvent` did. */
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

/** Options of the handler's `onFmlEvent`. */
export interface FmlEventOptions {
  /**
   * Cancels the completion pass (e.g. the webhook request was dropped); pending HubSpot calls and waits stop.
   * @default undefined (bounded by `completionDeadlineMs` only)
   */
  signal?: AbortSignal;
}

/**
 * Completes the blocked callbacks of the event's case when the event decides it, within
 * `completionDeadlineMs` (or until `signal` fires), one pass per case at a time.
 */
export async function completeFromEvent(
  ctx: ActionContext,
  event: WebhookEvent,
  eventOptions: FmlEventOptions = {},
): Promise<FmlEventResult> {
  const { config } = ctx;
  ctx.maybePrune();
  const outcome = outcomeOfEvent(event, config.terminalStatuses);
  if (!outcome) return { completed: [], expired: [], failed: [] };
  ctx.recentDecisions.remember(outcome);
  // The deadline covers the wait for the case's queue too: a stuck pass ahead must not hold this one.
  const deadlineAt = Date.now() + config.completionDeadlineMs;
  const limit = linkSignals([eventOptions.signal, config.hubspotHttp.signal]);
  const timer = setTimeout(
    () =>
      limit.abort(
        new FmlTimeoutError(
          `Completing the HubSpot callbacks of case ${event.caseId} took longer than ${config.completionDeadlineMs} ms; they stay blocked until FML redelivers the event.`,
        ),
      ),
    config.completionDeadlineMs,
  );
  try {
    return await ctx.queue.run(
      event.caseId,
      () => completeCase(ctx, event, outcome, limit.signal, deadlineAt),
      limit.signal,
    );
  } catch (error) {
    // The deadline (or the caller's signal) fired while waiting for the queue or for the store.
    if (limit.signal.aborted && !(error instanceof FmlError && error.code === 'callback_completion_failed')) {
      const reason: unknown = limit.signal.reason;
      // The deadline's own FmlTimeoutError passes on; a caller's abort is named as one.
      throw completionFailed(
        event,
        'some',
        reason instanceof FmlError ? reason : new FmlAbortError(undefined, { cause: reason }),
      );
    }
    throw error;
  } finally {
    clearTimeout(timer);
    limit.dispose();
  }
}

/** One pass over the case's blocked callbacks: drop the expired, complete the rest portal by portal. */
async function completeCase(
  ctx: ActionContext,
  event: WebhookEvent,
  outcome: CaseOutcome,
  signal: AbortSignal,
  deadlineAt: number,
): Promise<FmlEventResult> {
  const { config } = ctx;
  const { store, now } = config;
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
      ctx.report(error, { reason: 'completion_failed', portalId, caseId: event.caseId, eventId: event.eventId });
      errors.push(error);
      continue;
    }
    for (const [i, r] of records.entries()) {
      const completion = completions[i]?.outputFields; // completions[i] is r's
      const refused = refusals.get(r.callbackId);
      const about = { callbackId: r.callbackId, portalId, caseId: event.caseId, eventId: event.eventId };
      // HubSpot already has the answer: a store failure now is reported, but must not make FML redeliver
      // the event for a completion that went through.
      const remember = (record: CallbackRecord) =>
        guarded(store.set(record)).catch((error: unknown) => {
          if (signal.aborted) throw error;
          ctx.report(error, { ...about, reason: 'store_failed' });
        });
      if (refused) {
        // Another server may have completed it first (HubSpot then refuses ours): that is not a failure.
        const latest = await guarded(store.get(r.callbackId)).catch((error: unknown) => {
          if (signal.aborted) throw error;
          return undefined;
        });
        if (latest?.state === 'completed') continue;
        ctx.report(refused, { ...about, reason: 'completion_refused' });
        await remember({
          ...r,
          state: 'failed',
          completedAt: now(),
          completion,
          error: { code: refused.code, message: refused.message },
          forgetAt: now() + config.retentionMs,
        });
        result.failed.push(r.callbackId);
      } else {
        await remember({
          ...r,
          state: 'completed',
          completedAt: now(),
          completion,
          forgetAt: now() + config.retentionMs,
        });
        result.completed.push(r.callbackId);
      }
    }
  }
  if (errors.length)
    throw completionFailed(event, due.length - result.completed.length - result.failed.length, errors[0]);
  return result;
}

/**
 * Completes one blocked callback in the background, for a BLOCK whose decision is already known.
 * HubSpot refuses a completion until it has seen the BLOCK answer, so the engine retries refusals
 * too here (with its backoff), within `completionDeadlineMs`.
 */
export function completeSoon(ctx: ActionContext, record: CallbackRecord, outcome: CaseOutcome): void {
  const { config } = ctx;
  const { store, now } = config;
  const about = { callbackId: record.callbackId, portalId: record.portalId, caseId: outcome.caseId };
  const deadlineAt = Date.now() + config.completionDeadlineMs;
  const outputFields = completionOutputs(record, outcome);
  const run = async (): Promise<void> => {
    const token = await config.accessToken(record.portalId);
    const send = automationSender(
      { accessToken: token },
      { retryBaseDelayMs: 250, ...config.hubspotHttp },
      deadlineAt,
      { retryRefusals: true },
    );
    const refused = (
      await completeWithFallback(send, [{ callbackId: record.callbackId, outputFields }], config.completion)
    ).get(record.callbackId);
    if (refused) return ctx.report(refused, { ...about, reason: 'completion_refused' });
    await store
      .set({
        ...record,
        state: 'completed',
        completedAt: now(),
        completion: outputFields,
        forgetAt: now() + config.retentionMs,
      })
      .catch((error: unknown) => ctx.report(error, { ...about, reason: 'store_failed' }));
  };
  run().catch((error: unknown) => ctx.report(error, { ...about, reason: 'completion_failed' }));
}

function completionFailed(event: WebhookEvent, pending: number | 'some', cause: unknown): FmlError {
  return new FmlError(
    'callback_completion_failed',
    `Could not complete ${pending} HubSpot workflow callback(s) for case ${event.caseId}; they stay blocked and are completed when this event is delivered again.`,
    { cause },
  );
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    out.set(k, [...(out.get(k) ?? []), item]);
  }
  return out;
}
