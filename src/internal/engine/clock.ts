import { sleep } from './backoff';

/**
 * Time as the engine reads it: the waits between retries, the deadline arithmetic ("would this wait end
 * past the deadline?") and `Retry-After` dates. Tests pass one whose `sleep` resolves at once and moves
 * `now` on, so retry, backoff and deadline behaviour is checked without waiting on the wall clock.
 * Attempt timeouts stay real timers: they bound real network I/O.
 */
export interface Clock {
  /** The current time, in epoch ms. */
  now(): number;
  /** Resolves after `ms`, or rejects at once with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** `Date.now` and `setTimeout`. */
export const REAL_CLOCK: Clock = { now: () => Date.now(), sleep };
