import { type Clock, REAL_CLOCK } from '../engine/clock';
import type { RateLimitStore, SlotRequest } from './store';
import { type Budget, type SlotAnswer, type WindowRule, inFlightBound, slotAnswer } from './window';

/**
 * Send times kept in this process: paces every client that shares the store (one per client by
 * default). For a fleet of processes under one client id, use a `RedisRateLimitStore`.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #clock: Clock;
  /** `scope budget` → entry id → arrival bound. */
  readonly #logs = new Map<string, Map<string, number>>();
  readonly #blockedUntil = new Map<string, number>();

  constructor(options: { /** @default the system clock */ clock?: Clock } = {}) {
    this.#clock = options.clock ?? REAL_CLOCK;
  }

  async take(scope: string, budget: Budget, rule: WindowRule, request: SlotRequest): Promise<SlotAnswer> {
    const now = this.#clock.now();
    const blockedUntil = this.#blockedUntil.get(`${scope} ${budget}`) ?? 0;
    if (blockedUntil > now) return { ok: false, minWaitMs: blockedUntil - now, waitMs: blockedUntil - now, blocked: true };
    const log = this.#log(scope, budget);
    // The log holds at most `limit` live entries plus those in flight: sorting it per take is cheap.
    const bounds: number[] = [];
    for (const [id, bound] of log) {
      if (bound <= now - rule.windowMs) log.delete(id);
      else bounds.push(bound);
    }
    bounds.sort((a, b) => a - b);
    const answer = slotAnswer(bounds, rule, now, request.ahead);
    if (answer.ok) log.set(request.id, inFlightBound(now, request.attemptTimeoutMs));
    return answer;
  }

  async settle(scope: string, budget: Budget, id: string): Promise<void> {
    const log = this.#log(scope, budget);
    const bound = log.get(id);
    if (bound !== undefined) log.set(id, Math.min(bound, this.#clock.now()));
  }

  async block(scope: string, budget: Budget, ms: number): Promise<void> {
    const key = `${scope} ${budget}`;
    const until = this.#clock.now() + ms;
    if (until > (this.#blockedUntil.get(key) ?? 0)) this.#blockedUntil.set(key, until);
  }

  #log(scope: string, budget: Budget): Map<string, number> {
    const key = `${scope} ${budget}`;
    let log = this.#logs.get(key);
    if (!log) this.#logs.set(key, (log = new Map()));
    return log;
  }
}
