import type { RateLimit } from './options';

/** A refusal carries the rule it applied, so its message can quote it. */
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number; rule: RateLimit };

/**
 * Sliding-window limiter: at most `limit` accepted requests per key in any `windowMs` span. Refused
 * requests are not counted, so a client that waits `Retry-After` seconds gets through.
 */
export class SlidingWindowLimiter {
  readonly #hits = new Map<string, number[]>();

  constructor(private readonly rule: RateLimit | null) {}

  take(key: string, nowMs: number): RateDecision {
    if (!this.rule) return { ok: true };
    const since = nowMs - this.rule.windowMs;
    const hits = (this.#hits.get(key) ?? []).filter((t) => t > since);
    if (hits.length >= this.rule.limit) {
      this.#hits.set(key, hits);
      // The oldest hit leaves the window first; round up so waiting that long always suffices.
      const oldest = hits[0] ?? nowMs;
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.rule.windowMs - nowMs) / 1000)),
        rule: this.rule,
      };
    }
    hits.push(nowMs);
    this.#hits.set(key, hits);
    return { ok: true };
  }

  reset(): void {
    this.#hits.clear();
  }
}
