import { CaseQueue } from './case-queue';
import { RecentDecisions } from './outcome';
import {
  resolveActionOptions,
  type ResolvedActionOptions,
  type WorkflowActionErrorContext,
  type WorkflowActionHandlerOptions,
} from './options';
import { retryLaterAnswer, type RetryLaterReason } from './retry-later';
import type { JsonAnswer } from '../../webhooks/http-adapter';
import { report } from './signed-request';

// What the two flows of the handler share — executions (HubSpot → FML) and completions (FML → HubSpot):
// the settings, the per-case queue, the decisions seen lately, and the store's pruning.

const PRUNE_EVERY_MS = 3_600_000;

/** One handler's shared state, read by `execute.ts` and `complete.ts`. */
export class ActionContext {
  readonly config: ResolvedActionOptions;
  /** One pass per case at a time: executions storing a BLOCK and completions of its case. */
  readonly queue = new CaseQueue();
  readonly recentDecisions: RecentDecisions;
  #lastPrune: number;

  constructor(options: WorkflowActionHandlerOptions) {
    this.config = resolveActionOptions(options);
    this.recentDecisions = new RecentDecisions(this.config.now);
    this.#lastPrune = this.config.now();
  }

  /** Tells `onError`; a throwing `onError` never changes an answer. */
  report(error: unknown, context: WorkflowActionErrorContext): void {
    report(this.config.endpoint, error, context);
  }

  /** A 429 "retry later" answer, with the reason's `Retry-After` unless `seconds` is given. */
  retryLater(reason: RetryLaterReason, message: string, seconds = this.config.retryAfter(reason)): JsonAnswer {
    return retryLaterAnswer(reason, message, seconds);
  }

  /** Deletes remembered executions past their retention and blocks past their expiry; returns how many. */
  async prune(): Promise<number> {
    this.#lastPrune = this.config.now();
    return this.config.store.prune(this.#lastPrune);
  }

  /** Prunes in the background at most once an hour, from the requests and events that come in. */
  maybePrune(): void {
    if (this.config.now() - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.prune().catch((error: unknown) => this.report(error, { reason: 'store_failed' }));
  }
}
