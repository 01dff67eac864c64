import type { Pacer } from '../engine/engine';
import { FmlConfigError } from '../errors';
import { MAX_TIMER_MS } from '../internal/timers';
import { RateLimiter, type RateLimitOptions } from './limiter';
import type { Budget } from './window';

// FML's profile of the engine's pacing hook: which budget a request draws on, and the option's checks.

/** The token endpoint has a budget of its own (30/min); every other FML call draws on the 120/min one. */
export function budgetOf(url: string): Budget {
  return url.split(/[?#]/, 1)[0]!.endsWith('/v1/oauth/token') ? 'tokens' : 'requests';
}

/** The engine's {@link Pacer} over a limiter for one FML client id. */
export function fmlPacer(limiter: RateLimiter): Pacer {
  return {
    acquire: (req, limits) => limiter.acquire(budgetOf(req.url), { deadlineAt: limits.deadlineAt, signal: limits.signal, attemptTimeoutMs: limits.attemptTimeoutMs }),
    retryAfter: (req, ms) => limiter.retryAfter(ms, budgetOf(req.url)),
  };
}

/** Throws `FmlConfigError` for a `rateLimit` option that cannot work. */
export function checkRateLimitOption(value: unknown): asserts value is RateLimitOptions | false | undefined {
  if (value === undefined || value === false) return;
  const bad = (why: string) => new FmlConfigError(`FmlClient option rateLimit ${why}.`);
  if (typeof value !== 'object' || value === null) throw bad('must be false or an object ({ store, requests, tokens })');
  const o = value as RateLimitOptions;
  for (const name of ['requests', 'tokens'] as const) {
    const rule = o[name];
    if (rule === undefined) continue;
    if (typeof rule !== 'object' || rule === null || !Number.isInteger(rule.limit) || rule.limit < 1 || typeof rule.windowMs !== 'number' || !(rule.windowMs > 0 && rule.windowMs <= MAX_TIMER_MS)) {
      throw bad(`.${name} must be { limit: a whole number ≥ 1, windowMs: a number of ms from 1 to ${MAX_TIMER_MS} }`);
    }
  }
  const store = o.store as unknown as Record<string, unknown> | undefined;
  if (store !== undefined && (typeof store?.take !== 'function' || typeof store.settle !== 'function' || typeof store.block !== 'function')) {
    throw bad('.store must have take, settle and block (a MemoryRateLimitStore or RedisRateLimitStore)');
  }
  if (o.maxBlockMs !== undefined && (typeof o.maxBlockMs !== 'number' || !(o.maxBlockMs >= 0 && o.maxBlockMs <= MAX_TIMER_MS))) throw bad(`.maxBlockMs must be a number of ms from 0 to ${MAX_TIMER_MS}`);
}
