import { FmlConfigError, RateLimitWaitError } from '../../errors';
import { type Clock, REAL_CLOCK } from '../engine/clock';
import type { RateLimitStore } from './store';
import { type Budget, FML_LIMITS, type SlotAnswer, type WindowRule } from './window';

/** How a client paces itself. */
export interface RateLimitOptions {
  /**
   * Where send times are kept. Pass a `RedisRateLimitStore` to pace every process of a fleet that shares
   * one client id.
   * @default a `MemoryRateLimitStore` of this client
   */
  store?: RateLimitStore;
  /**
   * API requests allowed in any window.
   * @default \{ limit: 120, windowMs: 60000 \} (FML's published limit)
   */
  requests?: WindowRule;
  /**
   * Token requests (`POST /v1/oauth/token`) allowed in any window. This is a budget of its own.
   * @default \{ limit: 30, windowMs: 60000 \} (FML's published limit)
   */
  tokens?: WindowRule;
  /**
   * Time for the waits and the in-memory log. @default the client's `clock` (the real one unless injected)
   */
  clock?: Clock;
  /**
   * Told when the store fails (Redis down or slow), each time: the request is then sent unpaced, rather than failed.
   * @default none (the client logs a warning: the first failure, then at most one per 10 s with the count since)
   */
  onStoreError?: (error: unknown) => void;
}

/**
 * What a {@link RateLimiter} is built from: the client's pacing options, with the store named. The client
 * builds its `MemoryRateLimitStore` where it builds its limiter, so code that always brings its own store
 * (the paste-ready HubSpot action, on Redis) does not carry the in-memory one.
 */
export interface RateLimiterOptions extends RateLimitOptions {
  /** Where send times are kept: a `MemoryRateLimitStore` (one process), or a `RedisRateLimitStore` (a fleet). */
  store: RateLimitStore;
}

const UNPACED: Permit = { settle: () => Promise.resolve() };

/** A slot taken: settle it once the attempt is answered or failed. */
export interface Permit {
  /** The attempt was answered: lowers its log entry from "may still arrive" to now. */
  settle(): Promise<void>;
}

/** The limits of one wait. */
export interface AcquireOptions {
  /** Epoch ms the call may not wait past. @default none */
  deadlineAt?: number;
  /** Ends the wait at once, rejecting with its reason. @default none */
  signal?: AbortSignal;
  /** The attempt's own time limit, in ms. */
  attemptTimeoutMs: number;
}

let sequence = 0;

/**
 * Looks at the store one process may have in progress per budget. Enough for a burst to fill a free
 * window in a few round trips; few enough that a crowd of waiters never floods the store.
 */
const LOOKS_AT_ONCE = 16;

/**
 * Paces one FML client id: waits for a slot before each attempt, and never past the call's deadline:
 * when even the shortest possible wait ends too late, it throws `RateLimitWaitError` at once.
 */
export class RateLimiter {
  readonly #store: RateLimitStore;
  readonly #scope: string;
  readonly #rules: Record<Budget, WindowRule>;
  readonly #clock: Clock;
  readonly #onStoreError: ((error: unknown) => void) | undefined;
  /** Tickets of this process's waiters, oldest first: a waiter's place in line spreads out its next looks. */
  readonly #line: number[] = [];
  /** Per budget, how many of this process's looks at the store are in progress, and who waits for one (see #turn). */
  readonly #looks = new Map<Budget, { running: number; queue: (() => void)[] }>();

  /**
   * @param scope - The FML client id whose budget this is.
   * @param options - The store; limits and clock, optional.
   */
  constructor(scope: string, options: RateLimiterOptions) {
    // Unchecked, a missing store would fail every look, and a failing store sends unpaced: silently.
    if (!options?.store)
      throw new FmlConfigError(
        'RateLimiter needs a store: a MemoryRateLimitStore (one process) or a store the fleet shares.',
      );
    this.#clock = options.clock ?? REAL_CLOCK;
    this.#store = options.store;
    this.#scope = scope;
    this.#rules = { requests: options.requests ?? FML_LIMITS.requests, tokens: options.tokens ?? FML_LIMITS.tokens };
    this.#onStoreError = options.onStoreError;
  }

  /** Waits for a slot in `budget`; throws `RateLimitWaitError` at once when none can come before `deadlineAt`. */
  async acquire(budget: Budget, options: AcquireOptions): Promise<Permit> {
    const ticket = ++sequence;
    const id = `${ticket}-${Math.random().toString(36).slice(2)}`;
    this.#line.push(ticket);
    try {
      for (;;) {
        if (options.signal?.aborted) throw options.signal.reason;
        let answer: SlotAnswer;
        const endTurn = await this.#turn(budget, options.signal);
        try {
          answer = await this.#store.take(this.#scope, budget, this.#rules[budget], {
            id,
            ahead: this.#line.indexOf(ticket),
            attemptTimeoutMs: options.attemptTimeoutMs,
          });
        } catch (error) {
          // A store that cannot answer (Redis down) must not stop every call: send unpaced, and let FML's
          // own 429 + Retry-After (which the engine honours) be the backstop until it is back.
          this.#onStoreError?.(error);
          return UNPACED;
        } finally {
          endTurn();
        }
        if (answer.ok) return { settle: () => this.#store.settle(this.#scope, budget, id) };
        const leftMs = (options.deadlineAt ?? Infinity) - this.#clock.now();
        const reason = answer.blocked ? 'retry_after' : 'window';
        if (answer.minWaitMs >= leftMs)
          throw new RateLimitWaitError({ retryAfterMs: answer.minWaitMs, budget, reason });
        await this.#clock.sleep(Math.min(Math.max(answer.waitMs, answer.minWaitMs), leftMs), options.signal);
      }
    } finally {
      this.#line.splice(this.#line.indexOf(ticket), 1);
    }
  }

  /**
   * Waits until fewer than {@link LOOKS_AT_ONCE} of this process's looks at `budget` are in progress, and
   * resolves with the function that ends this one. A burst of a thousand calls then costs a shared store
   * a few commands at a time per process, not a thousand at once: those would queue behind each
   * other past the store's time limit, and a store that times out sends everything unpaced. A cancelled
   * waiter leaves the queue at once (rejecting with the signal's reason) and takes no slot.
   */
  async #turn(budget: Budget, signal: AbortSignal | undefined): Promise<() => void> {
    let looks = this.#looks.get(budget);
    if (!looks) {
      looks = { running: 0, queue: [] };
      this.#looks.set(budget, looks);
    }
    if (looks.running < LOOKS_AT_ONCE) looks.running++;
    else {
      await new Promise<void>((resolve, reject) => {
        if (!signal) return void looks.queue.push(resolve);
        if (signal.aborted) return reject(signal.reason);
        const go = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          looks.queue.splice(looks.queue.indexOf(go), 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        looks.queue.push(go);
      });
    }
    // The one ending hands its place to the next in the queue, if any.
    return () => {
      const next = looks.queue.shift();
      if (next) next();
      else looks.running--;
    };
  }

  /**
   * FML answered 429 with `Retry-After`: every process sharing the store pauses that budget for `ms`
   * (the client passes the wait it takes itself, capped by its `maxRetryAfterMs`).
   */
  retryAfter(ms: number, budget: Budget = 'requests'): Promise<void> {
    return this.#store.block(this.#scope, budget, ms);
  }
}
