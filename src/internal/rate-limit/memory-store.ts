import { type Clock, REAL_CLOCK } from '../engine/clock';
import type { RateLimitStore, SlotRequest } from './store';
import { type Budget, type SlotAnswer, type WindowRule, inFlightBound, slotAnswer } from './window';

/** One budget of one client id: entry id → arrival bound, and FML's last `Retry-After` pause. */
interface BudgetLog {
  bounds: Map<string, number>;
  blockedUntil: number;
}

/**
 * Send times kept in this process: paces every client that shares the store (one per client by
 * default). For a fleet of processes under one client id, use a `RedisRateLimitStore`.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #clock: Clock;
  /** `scope budget` → its log. */
  readonly #logs = new Map<string, BudgetLog>();

  /** @param options - `clock`: time for the log (tests inject one); default the real clock. */
  constructor(options: { /** @default the real clock */ clock?: Clock } = {}) {
    this.#clock = options.clock ?? REAL_CLOCK;
  }

  /** {@inheritDoc RateLimitStore.take} */
  async take(scope: string, budget: Budget, rule: WindowRule, request: SlotRequest): Promise<SlotAnswer> {
    const now = this.#clock.now();
    const log = this.#log(scope, budget);
    const wait = log.blockedUntil - now;
    if (wait > 0) return { ok: false, minWaitMs: wait, waitMs: wait, blocked: true };
    // The log holds at most `limit` live entries plus those in flight: sorting it per take is cheap.
    const bounds: number[] = [];
    for (const [id, bound] of log.bounds) {
      if (bound <= now - rule.windowMs) log.bounds.delete(id);
      else bounds.push(bound);
    }
    const answer = slotAnswer(
      bounds.sort((a, b) => a - b),
      rule,
      now,
      request.ahead,
    );
    if (answer.ok) log.bounds.set(request.id, inFlightBound(now, request.attemptTimeoutMs));
    return answer;
  }

  /** {@inheritDoc RateLimitStore.settle} */
  async settle(scope: string, budget: Budget, id: string): Promise<void> {
    const { bounds } = this.#log(scope, budget);
    const bound = bounds.get(id);
    if (bound !== undefined) bounds.set(id, Math.min(bound, this.#clock.now()));
  }

  /** {@inheritDoc RateLimitStore.block} */
  async block(scope: string, budget: Budget, ms: number): Promise<void> {
    const log = this.#log(scope, budget);
    log.blockedUntil = Math.max(log.blockedUntil, this.#clock.now() + ms);
  }

  #log(scope: string, budget: Budget): BudgetLog {
    const key = `${scope} ${budget}`;
    let log = this.#logs.get(key);
    if (!log) {
      log = { bounds: new Map(), blockedUntil: 0 };
      this.#logs.set(key, log);
    }
    return log;
  }
}
