import type { Pacer } from '../engine/engine-types';
import { FmlConfigError } from '../../errors';
import { MAX_TIMER_MS } from '../timers';
import type { RateLimiter, RateLimitOptions } from './limiter';
import type { Budget } from './window';

// FML's profile of the engine's pacing hook: which budget a request draws on, and the option's checks.

/** The token endpoint has a budget of its own (30/min); every other FML call draws on the 120/min one. */
export function budgetOf(url: string): Budget {
  return /\/v1\/oauth\/token([?#]|$)/.test(url) ? 'tokens' : 'requests';
}

/** The engine's {@link Pacer} over a limiter for one FML client id. */
export function fmlPacer(limiter: RateLimiter): Pacer {
  return {
    acquire: (req, limits) => limiter.acquire(budgetOf(req.url), limits),
    retryAfter: (req, ms) => limiter.retryAfter(ms, budgetOf(req.url)),
  };
}

type Rule = { limit: number; windowMs: number };

/** Throws `FmlConfigError` for a `rateLimit` option that cannot work (terse: this ships in the paste-ready HubSpot files). */
export function checkRateLimitOption(value: unknown): asserts value is RateLimitOptions | false | undefined {
  if (value === undefined || value === false) return;
  // Typed as what it should be; the checks below hold for anything (a missing number compares false).
  const o = (value ?? 0) as { store?: Record<string, unknown>; requests?: Rule; tokens?: Rule };
  const bad = (r?: Rule) => r && !(r.limit >= 1 && r.limit % 1 === 0 && r.windowMs > 0 && r.windowMs <= MAX_TIMER_MS);
  if (
    typeof o !== 'object' ||
    bad(o.requests) ||
    bad(o.tokens) ||
    (o.store && !['take', 'settle', 'block'].every((m) => typeof o.store?.[m] === 'function'))
  ) {
    throw new FmlConfigError(
      'FmlClient option rateLimit must be false or { store, requests, tokens }, each rule { limit: a whole number ≥ 1, windowMs > 0 }.',
    );
  }
}
