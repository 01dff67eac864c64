// The one rule for a rate-limit window, shared by the in-memory store (which runs it) and the Redis
// script (which mirrors it line for line; test/rate-limit/conformance.test.ts runs both on one table).
//
// FML publishes "120 requests/minute/client; the token endpoint 30/minute/client" without saying how it
// counts. Read strictly: no span of `windowMs` may ever hold more than `limit` requests as FML receives
// them. That is safe whether FML counts fixed minutes or a sliding window. A token bucket is not: after a
// full burst it refills 2/s, so one minute can hold 120 + 118 requests.
//
// So we keep a log, not a counter. Each entry is an upper bound on when one request reached FML. While
// it is in flight that bound is its send time + the attempt's time limit. Once it is answered, the bound
// is the answer's time. A request sent after a window has passed since an answer was received cannot
// land in that request's window, whatever the network latency.

/** A budget: at most `limit` requests in any span of `windowMs`. */
export interface WindowRule {
  /** Requests allowed in any one window. */
  limit: number;
  /** The window's length, in ms. */
  windowMs: number;
}

/** FML's published limits (reference §1): 120 API requests and 30 token requests per minute per client. */
export const FML_LIMITS = {
  requests: { limit: 120, windowMs: 60_000 },
  tokens: { limit: 30, windowMs: 60_000 },
} as const satisfies Record<string, WindowRule>;

/** Which budget a request draws on: API calls, or token mints (`POST /v1/oauth/token`). */
export type Budget = keyof typeof FML_LIMITS;

/** What a store answers to "may one more request go now?". */
export type SlotAnswer =
  | { ok: true }
  | {
      ok: false;
      /** The shortest wait after which a slot can be free (exact once the request that gates it was answered). */
      minWaitMs: number;
      /** The same with `ahead` requests of this process queued first: when to look again. */
      waitMs: number;
      /** True when FML's own `Retry-After` (stored fleet-wide) is what blocks, not the window. */
      blocked: boolean;
    };

/**
 * Whether a request may go at `now`, given the arrival bounds of the requests still in the window.
 * `bounds` is sorted in ascending order and holds only entries with bound > now - windowMs.
 * `ahead` is how many requests of this process wait in line before this one.
 */
export function slotAnswer(bounds: readonly number[], rule: WindowRule, now: number, ahead: number): SlotAnswer {
  if (bounds.length < rule.limit) return { ok: true };
  return {
    ok: false,
    minWaitMs: gateWait(bounds, rule, now, 0),
    waitMs: gateWait(bounds, rule, now, ahead),
    blocked: false,
  };
}

/**
 * How long until the window has room for one more request, with `ahead` requests going first. The gate
 * is the entry whose leaving makes room. An in-flight gate (bound still in the future), or one not sent
 * yet, will be answered at `now` at the earliest, so it frees its slot a whole window from now at the
 * earliest.
 */
function gateWait(bounds: readonly number[], rule: WindowRule, now: number, ahead: number): number {
  const gate = bounds.length + ahead - rule.limit;
  const bound = bounds[gate];
  if (bound === undefined) return rule.windowMs; // gate >= bounds.length: not sent yet
  return bound <= now ? bound + rule.windowMs - now : rule.windowMs;
}

/** The provisional bound of a request just sent: it reaches FML before its attempt is cut off (plus timer slack). */
export function inFlightBound(now: number, attemptTimeoutMs: number): number {
  return now + attemptTimeoutMs + IN_FLIGHT_SLACK_MS;
}

/** Timers fire late on a busy machine: an aborted attempt may still reach FML this long after its time limit. */
export const IN_FLIGHT_SLACK_MS = 1000;
