import type { Budget, SlotAnswer, WindowRule } from './window';

/** One request asking for a slot. */
export interface SlotRequest {
  /** Unique per request: the log entry that {@link RateLimitStore.settle} later lowers to its answer time. */
  id: string;
  /** Requests of this process waiting in line before this one (spreads out the next looks). */
  ahead: number;
  /** The attempt's time limit, in ms: until answered, the request may reach FML up to this late. */
  attemptTimeoutMs: number;
}

/**
 * Where send times are logged: in this process ({@link MemoryRateLimitStore}) or in Redis for a fleet
 * (`RedisRateLimitStore`, from `@firstmilelabs/cases/redis`). `scope` is the FML client id. The limit is FML's, per client id.
 */
export interface RateLimitStore {
  /** Takes a slot in `budget` when the window and any stored `Retry-After` allow it, atomically. */
  take(scope: string, budget: Budget, rule: WindowRule, request: SlotRequest): Promise<SlotAnswer>;
  /** The request was answered (or failed): lowers its log entry to now, the latest it can have reached FML. */
  settle(scope: string, budget: Budget, id: string): Promise<void>;
  /** FML answered 429 with `Retry-After`: nothing of `scope`'s `budget` goes before `ms` from now (the longer block wins). */
  block(scope: string, budget: Budget, ms: number): Promise<void>;
}
