import { newAbortController } from './abort';

/**
 * The per-attempt time limit, shared by the attempts that start close together.
 *
 * Every attempt hands fetch a signal that aborts when its time is up: that is what closes the connection
 * of an exchange that ran out of time (a silent server would otherwise hold the socket long after the
 * attempt gave up). On Node 20 a fresh `AbortController` per attempt costs ~4% of a loopback call (its
 * signal is made transferable), so attempts with the same `timeoutMs` that start within a short sharing
 * window share one controller and one timer (a {@link SharedLimit}). Its timer fires `timeoutMs` after
 * the window closes: an attempt is cut off after `timeoutMs` at the earliest and `timeoutMs +
 * sharingMs(timeoutMs)` at the latest, never early.
 *
 * A fired limit aborts only its attempts still in flight (the others are over). Its timer runs only
 * while one of its attempts is in flight: an idle client never keeps a script from exiting.
 */
export class AttemptTimer {
  #current: SharedLimit | undefined;

  /**
   * The limit of an attempt starting `now` (the engine's clock, in ms; one set back gets a new limit): its
   * signal aborts `timeoutMs`, plus at most `sharingMs(timeoutMs)`, later. `release` it when the attempt ends.
   */
  join(timeoutMs: number, now: number): SharedLimit {
    let limit = this.#current;
    if (
      !limit ||
      limit.timeoutMs !== timeoutMs ||
      limit.joins >= MAX_JOINS ||
      now < limit.opensAt ||
      now >= limit.closesAt ||
      limit.fired
    ) {
      limit = new SharedLimit(timeoutMs, now);
      this.#current = limit;
    }
    limit.enter(now);
    return limit;
  }
}

/**
 * At most this many attempts share a limit. Each `fetch` may add an abort listener to the signal it is given
 * (undici keeps it until GC), and Node warns of a leak (MaxListenersExceededWarning) past 10 on one signal.
 */
export const MAX_JOINS = 10;

/** How long a limit takes joiners: 1/50 of `timeoutMs`, at most 10 ms (a 30 s limit fires ≤ 10 ms late). */
export function sharingMs(timeoutMs: number): number {
  return Math.min(10, timeoutMs / 50);
}

/** One shared limit: its controller, its timer, and how many of its attempts are in flight. */
export class SharedLimit {
  readonly timeoutMs: number;
  /** When it was made: an attempt starting earlier (the clock was set back) gets a new limit, never a late one. */
  readonly opensAt: number;
  /** Attempts starting at or after this time get a new limit. */
  readonly closesAt: number;
  /** When the timer fires (in the clock of `now`). */
  readonly firesAt: number;
  readonly #controller = newAbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inFlight = 0;
  /** Attempts that joined so far (in flight or over). */
  joins = 0;

  constructor(timeoutMs: number, now: number) {
    this.timeoutMs = timeoutMs;
    this.opensAt = now;
    this.closesAt = now + sharingMs(timeoutMs);
    this.firesAt = this.closesAt + timeoutMs;
  }

  /** The signal fetch gets. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True once the limit ran out: the attempts then in flight were aborted. */
  get fired(): boolean {
    return this.#controller.signal.aborted;
  }

  enter(now: number): void {
    this.joins++;
    if (this.#inFlight++ === 0)
      this.#timer = setTimeout(() => this.#controller.abort(TIME_UP), Math.max(0, this.firesAt - now));
  }

  /** The attempt is over: the last one in flight stops the timer (a later joiner arms it again). */
  release(): void {
    if (--this.#inFlight === 0) clearTimeout(this.#timer);
  }
}

/** The reason a limit aborts with; the engine turns it into each attempt's own `FmlTimeoutError`. */
export const TIME_UP: unique symbol = Symbol('attempt time limit');
