import { FmlConfigError } from '../errors';
import { MAX_TIMER_MS } from '../internal/timers';

// The one place Redis calls get a time limit and a circuit breaker. Every Redis-backed store goes through
// it (toRedisCommands for a client you pass in, lazyConnection for a URL): a Redis that accepts the TCP
// connection and then never answers (a paused VM, a hung proxy, a full server) must cost a bounded wait,
// and after one such wait the next calls fail at once instead of each paying it again.

/** Time limits for the Redis calls a store makes. */
export interface RedisTimeLimitOptions {
  /**
   * How long one Redis command may take, in ms, before it fails with `RedisStoreError` (reason `timeout`).
   * The call is abandoned, not retried: the store's caller decides (the webhook receiver answers 503).
   * @default 1000
   */
  commandTimeoutMs?: number;
  /**
   * After a command failed or timed out, Redis is skipped for this long, in ms: calls fail at once
   * (reason `circuit_open`) instead of each waiting out the time limit. Then one call tries Redis again while the
   * others keep failing at once until it settles.
   * `0` turns the breaker off.
   * @default 10000
   */
  breakerPauseMs?: number;
}

/** @internal Marks a command runner that already limits its commands' time (a `lazyConnection`). */
export const GUARDED = Symbol('fml.redis.guarded');

/** The defaults of {@link RedisTimeLimitOptions}. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 1000;
export const DEFAULT_BREAKER_PAUSE_MS = 10_000;

/** Why a guarded Redis call failed without Redis answering it: `timeout` or `circuit_open`. */
export type RedisUnavailableReason = 'timeout' | 'circuit_open';

/** An error for a call Redis did not answer; `unavailableReason` tells it apart. (A plain Error: every byte counts in the HubSpot action.) */
export function unavailable(reason: RedisUnavailableReason, message: string): Error {
  return Object.assign(new Error(message), { unavailableReason: reason });
}

/** The reason {@link unavailable} put on an error, if it made it. */
export function unavailableReason(error: unknown): RedisUnavailableReason | undefined {
  return (error as { unavailableReason?: RedisUnavailableReason } | undefined)?.unavailableReason;
}

/**
 * Stops calls for `pauseMs` after a failure: while it is open every call is refused at once. After the
 * pause one call (the probe) goes through and the others keep being refused until it settles, so a Redis
 * that is still hung costs one wait per pause, not one per concurrent delivery.
 */
export interface CircuitBreaker {
  /** Throws an {@link unavailable} error (`circuit_open`) while calls must not reach Redis. */
  enter(): void;
  success(): void;
  failure(): void;
}

export function createCircuitBreaker(pauseMs: number, now: () => number = Date.now): CircuitBreaker {
  let openUntil = 0;
  let probing = false;
  return {
    enter() {
      if (openUntil === 0) return;
      if (probing || now() < openUntil) throw unavailable('circuit_open', 'Redis skipped: it failed moments ago');
      probing = true;
    },
    success() {
      openUntil = 0;
      probing = false;
    },
    failure() {
      probing = false;
      if (pauseMs > 0) openUntil = now() + pauseMs; // 0: the breaker is off
    },
  };
}

/**
 * Settles like `work`, or rejects with an {@link unavailable} error (`timeout`) after `ms`, calling
 * `onTimeout` first (e.g. to cut a connection stuck in its handshake). The work is not cancelled.
 */
export async function withTimeLimit<T>(
  work: Promise<T>,
  ms: number,
  what = 'Redis',
  onTimeout?: () => void,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settled = false;
  const tracked = work.finally(() => (settled = true));
  // A late failure of abandoned work must not become an unhandled rejection.
  tracked.catch(() => undefined);
  try {
    return await Promise.race([
      tracked,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          // Timers run before pending I/O in Node's loop: after a stall of this process (a busy machine, a
          // long GC) the answer may be sitting in the socket already. Let I/O run once before giving up,
          // so our own stall is not blamed on Redis.
          (globalThis.setImmediate ?? setTimeout)(() => {
            if (settled) return;
            onTimeout?.();
            reject(unavailable('timeout', `${what} did not answer within ${ms} ms`));
          });
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Wraps a command sender with the time limit and the breaker. */
export function guardedSender(
  send: (args: string[]) => Promise<unknown>,
  options: RedisTimeLimitOptions = {},
): (args: string[]) => Promise<unknown> {
  const { timeoutMs, pauseMs } = checkTimeLimits(options);
  const breaker = createCircuitBreaker(pauseMs);
  return async (args) => {
    breaker.enter();
    try {
      const reply = await withTimeLimit(
        Promise.resolve().then(() => send(args)),
        timeoutMs,
      );
      breaker.success();
      return reply;
    } catch (error) {
      // A Redis that answers with an error (WRONGTYPE, a script error) is up: only outages open the breaker.
      if (!isErrorReply(error)) breaker.failure();
      else breaker.success();
      throw error;
    }
  };
}

/** Checks and defaults {@link RedisTimeLimitOptions}. Throws {@link FmlConfigError}. */
export function checkTimeLimits(options: RedisTimeLimitOptions = {}): { timeoutMs: number; pauseMs: number } {
  return {
    timeoutMs: checkedMs(options.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS, 'Redis commandTimeoutMs'),
    pauseMs: checkedMs(options.breakerPauseMs, DEFAULT_BREAKER_PAUSE_MS, 'Redis breakerPauseMs', true),
  };
}

/** Redis's own error answers (`-ERR ...`, `-WRONGTYPE ...`) as node-redis and ioredis surface them. */
export function isErrorReply(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  if (name !== 'ErrorReply' && name !== 'ReplyError') return false;
  // A refused password is a reply too, but Redis is unusable until someone fixes the credentials.
  return !isAuthFailure(error);
}

/** Redis refused the credentials: a wrong password or ACL user, or none given where one is required. */
export function isAuthFailure(error: unknown): boolean {
  const message = (error as { message?: unknown })?.message;
  return /WRONGPASS|NOAUTH|NOPERM|invalid (username-)?password/i.test(String(message));
}

/**
 * A time option of the Redis stores, in ms, checked: over 0 (or 0 where `zeroAllowed`, when 0 turns
 * something off), and short enough for a timer to honour. `fallback` when undefined. Throws
 * {@link FmlConfigError} naming the option (`what`, e.g. `RedisTokenStore lockTtlMs`).
 */
export function checkedMs(value: number | undefined, fallback: number, what: string, zeroAllowed = false): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (value === 0 && !zeroAllowed) ||
    value > MAX_TIMER_MS
  ) {
    throw new FmlConfigError(
      `${what} must be ${zeroAllowed ? '0 or more' : 'over 0'} ms (at most 2^31-1); got ${String(value)}.`,
    );
  }
  return value;
}
